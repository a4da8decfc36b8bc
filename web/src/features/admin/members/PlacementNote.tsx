import { Alert, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { formatDateTime } from '../../../lib/format';
import { MEMBERS_KEY } from '../media/queries';

const RULE: Record<string, string> = {
  manual: 'chosen by the admin',
  pending_invite: 'kept from before',
  previous: 'a server they were on before',
  target: "one of the plan's target servers",
  any: 'the server with the fewest members',
};

/**
 * A member without an account yet: where placement put them (the share or account is queued, or
 * waits for "Sync shared libraries"), or why no server can take them.
 */
export function PlacementNote({ memberId }: { memberId: string }) {
  const placement = useQuery({
    queryKey: [...MEMBERS_KEY, 'placement', memberId],
    queryFn: async () => (await unwrap(api.GET('/api/admin/members/{id}/placement', { params: { path: { id: memberId } } }))).placement,
  });
  const p = placement.data;
  if (!p) return null;
  if (p.error)
    return (
      <Alert color="red" title="No server can take this member" mt="sm">
        {p.error}
      </Alert>
    );
  return (
    <Text size="sm" mt="sm">
      Placed on <strong>{p.serverName ?? 'a server that was removed'}</strong> ({RULE[p.rule ?? ''] ?? p.rule ?? 'placement'}) on{' '}
      {formatDateTime(p.decidedAt)}. The invite or account is created by the next pass while syncing shared libraries is on.
    </Text>
  );
}
