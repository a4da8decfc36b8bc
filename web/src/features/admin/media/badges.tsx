import { Badge, Group, Progress, Stack, Text, Tooltip } from '@mantine/core';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { capacity, KIND_COLOR, KIND_LABEL, serverStatus, shareState, tokenStatus, type ServerKind } from './format';

export function KindBadge({ kind }: { kind: ServerKind }) {
  return (
    <Badge color={KIND_COLOR[kind]} variant="light">
      {KIND_LABEL[kind]}
    </Badge>
  );
}

/** A problem's cause and fix are spelt out under the badge, not hidden in a tooltip. */
export function ServerStatus({ status, message }: { status: string; message: string | null }) {
  const view = serverStatus(status);
  return (
    <Stack gap={4} maw={280}>
      <Badge color={view.color} variant="light">
        {view.label}
      </Badge>
      {view.problem && message && (
        <Tooltip label={message} multiline w={360} withArrow>
          <Text size="xs" c={view.color} lineClamp={3} tabIndex={0}>
            {message}
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}

export function CapacityBar({ members, maxUsers }: { members: number; maxUsers: number }) {
  const c = capacity(members, maxUsers);
  return (
    <Stack gap={4} miw={110}>
      {!c.unlimited && <Progress value={c.percent} color={c.color} size="sm" aria-label={`Capacity ${c.label}`} />}
      <Text size="xs" c={c.full ? 'red' : 'dimmed'}>
        {c.label}
        {c.full ? ' · full' : ''}
      </Text>
    </Stack>
  );
}

export function ShareStateBadge({ state }: { state: string }) {
  const view = shareState(state);
  return (
    <Badge color={view.color} variant="light">
      {view.label}
    </Badge>
  );
}

export function TokenStatus({ status, checkedAt }: { status: string; checkedAt: string | null }) {
  const view = tokenStatus(status);
  return (
    <Group gap="xs" wrap="nowrap">
      <Badge color={view.color} variant="light">
        {view.label}
      </Badge>
      {checkedAt && (
        <Tooltip label={`Checked ${formatDateTime(checkedAt)}`}>
          <Text size="xs" c="dimmed">
            {formatRelative(checkedAt)}
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

export function DateCell({ iso }: { iso: string | null }) {
  if (!iso) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Tooltip label={formatDateTime(iso)}>
      <Text size="sm">{new Date(iso).toLocaleDateString()}</Text>
    </Tooltip>
  );
}

export function YesNo({ value }: { value: boolean }) {
  return (
    <Text size="sm" c={value ? undefined : 'dimmed'}>
      {value ? 'Yes' : 'No'}
    </Text>
  );
}
