import { Badge, Stack, Text } from '@mantine/core';
import type { Schemas } from '../../../api/client';
import { formatDateTime } from '../../../lib/format';

export type MemberStatus = Schemas['MemberStatus'];

/** Why the member is (in)active, in the words of the rule that decided it. */
export function statusExplanation(s: MemberStatus): string {
  switch (s.reason) {
    case 'permanent':
      return 'Permanent: never expires.';
    case 'payment':
      return `Paid until ${formatDateTime(s.until)}${s.planName ? ` (${s.planName})` : ''}.`;
    case 'renewal_grace':
      return `The last payment ended; kept active until ${formatDateTime(s.until)} while the subscription renews.`;
    case 'no_payments':
      return 'No payment recorded.';
    case 'expired':
      return `Expired on ${formatDateTime(s.expiredAt)}.`;
    case 'starts_in_future':
      return `Paid in advance: the next period starts ${formatDateTime(s.startsAt)}.`;
  }
}

export function StatusBadge({ status, detail = false }: { status: MemberStatus; detail?: boolean }) {
  const badge =
    status.state === 'permanent' ? (
      <Badge color="violet" variant="light">
        Permanent
      </Badge>
    ) : status.state === 'active' ? (
      <Badge color="green" variant="light">
        Active
      </Badge>
    ) : (
      <Badge color="red" variant="light">
        Expired
      </Badge>
    );
  return (
    <Stack gap={2} align="flex-start">
      {badge}
      {(detail || status.state === 'active') && status.state !== 'permanent' && (
        <Text size="xs" c="dimmed">
          {detail ? statusExplanation(status) : `until ${formatDateTime(status.until)}`}
        </Text>
      )}
    </Stack>
  );
}
