import { Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useSiteName } from '../app/session';

export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="14" fill="#7048e8" />
      <path d="M22 18v18a10 10 0 0 0 20 0V18" fill="none" stroke="#fff" strokeWidth="7" strokeLinecap="round" />
      <circle cx="32" cy="50" r="3.5" fill="#fff" />
    </svg>
  );
}

export function Brand({ to = '/', suffix }: { to?: string; suffix?: string }) {
  const siteName = useSiteName();
  return (
    <Group gap="xs" wrap="nowrap" renderRoot={(props) => <Link to={to} {...props} />} style={{ textDecoration: 'none', color: 'inherit', minWidth: 0 }}>
      <BrandMark />
      <Text fw={700} size="lg" truncate>
        {siteName}
        {suffix && ' '}
        {suffix && (
          <Text span c="dimmed" fw={500} visibleFrom="sm">
            {suffix}
          </Text>
        )}
      </Text>
    </Group>
  );
}
