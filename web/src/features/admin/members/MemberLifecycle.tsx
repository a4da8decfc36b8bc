import { Alert, Badge, Button, Card, Checkbox, Group, List, Modal, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { QueryError } from '../../../components/QueryError';
import { formatDateTime, humanize } from '../../../lib/format';
import { MEDIA_KEY, MEMBERS_KEY } from '../media/queries';
import { memberName, type MemberLike } from './member-actions';

type RemovalItem = Schemas['MemberRemoval']['items'][number];

function removalLine(item: RemovalItem): string {
  const who = item.username ?? item.email ?? item.remoteId;
  if (item.action === 'keep') return `${item.serverName}: ${who} stays on the server, no longer managed by Usher`;
  const what = item.action === 'remove_share' ? `the share of ${who} is removed` : `the account ${who} is deleted`;
  return `${item.serverName}: ${what}${item.waitsForServer ? ' (when the server is enabled again)' : ''}`;
}

/** Delete with the list of what goes on each server, and "Keep on server" to leave the remote as it is. */
export function DeleteMemberDialog({
  member,
  onClose,
  onDeleted,
}: {
  member: MemberLike;
  onClose: () => void;
  onDeleted: () => Promise<unknown>;
}) {
  const queryClient = useQueryClient();
  const [keep, setKeep] = useState(false);
  const name = memberName(member);
  const preview = useQuery({
    // Outside MEDIA_KEY: refreshing the members after the deletion must not ask for this member again.
    queryKey: ['member-removal', member.id, keep],
    queryFn: () =>
      unwrap(
        api.GET('/api/admin/members/{id}/removal', {
          params: { path: { id: member.id }, query: { keepOnServer: keep ? 'true' : 'false' } },
        }),
      ),
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/api/admin/members/{id}', { params: { path: { id: member.id }, query: { keepOnServer: keep ? 'true' : 'false' } } }),
      ),
    onSuccess: async () => {
      notifySuccess(
        keep ? `${name} is deleted; their accounts stay on the servers.` : `${name} is deleted; the removals are queued (see Operations).`,
      );
      onClose();
      queryClient.removeQueries({ queryKey: ['member-removal', member.id] });
      // The caller leaves the member's page first, then refreshes the lists.
      await onDeleted();
    },
  });
  return (
    <Modal opened onClose={() => !remove.isPending && onClose()} title="Delete member" centered>
      <Stack>
        <Text size="sm">Delete {name}? They leave every list at once and are never imported again.</Text>
        <Checkbox
          label="Keep on server"
          description="Leave their share or account on the servers as it is; Usher only forgets the member."
          checked={keep}
          onChange={(e) => setKeep(e.currentTarget.checked)}
        />
        {preview.isPending && <Skeleton height={48} />}
        {preview.isError && (
          <QueryError error={preview.error} onRetry={() => void preview.refetch()} title="Could not list what will be removed" />
        )}
        {preview.data &&
          (preview.data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No account on any server: nothing to remove there.
            </Text>
          ) : (
            <List size="sm" spacing={4} aria-label="What happens on the servers">
              {preview.data.items.map((item) => (
                <List.Item key={item.accountId}>{removalLine(item)}</List.Item>
              ))}
            </List>
          ))}
        {preview.data && preview.data.subsReleased > 0 && (
          <Text size="sm">
            {preview.data.subsReleased} linked member{preview.data.subsReleased === 1 ? ' is' : 's are'} released and will follow their own
            payments.
          </Text>
        )}
        <FormError error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

type Account = Schemas['MemberDetail']['accounts'][number];

/** Jellyfin/Emby: rename the user. Plex: invite the new account and remove the old share. */
export function ChangeIdentityDialog({
  memberId,
  account,
  serverKind,
  onClose,
}: {
  memberId: string;
  account: Account;
  serverKind: string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [identifier, setIdentifier] = useState('');
  const plex = serverKind === 'plex';
  const change = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/admin/members/{id}/accounts/{accountId}/identity', {
          params: { path: { id: memberId, accountId: account.id } },
          body: { identifier },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      notifySuccess(
        plex
          ? 'The new Plex account is invited and the old share will be removed (see Operations).'
          : 'The rename is queued (see Operations).',
      );
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Change the account on ${account.serverName}`} centered>
      <Stack>
        <Text size="sm">
          {plex
            ? 'A Plex account belongs to its user: Usher invites the new email or username with the same libraries and removes the share of the old one.'
            : 'The user is renamed on the server; its libraries, password and history stay.'}
        </Text>
        <TextInput
          label={plex ? 'New Plex email or username' : 'New username'}
          placeholder={account.username ?? account.email ?? ''}
          value={identifier}
          onChange={(e) => setIdentifier(e.currentTarget.value)}
          data-autofocus
        />
        <FormError error={change.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={change.isPending} disabled={identifier.trim() === ''} onClick={() => change.mutate()}>
            {plex ? 'Invite and replace' : 'Rename'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const STATE_COLOR: Record<string, string> = { active: 'green', permanent: 'violet', expired: 'red' };
const OP_COLOR: Record<string, string> = { done: 'green', pending: 'blue', running: 'blue', failed: 'red', cancelled: 'gray' };

/** Status and why, the next dated steps, and what Usher did on the servers for this member. */
export function ExplainCard({ memberId }: { memberId: string }) {
  const explain = useQuery({
    queryKey: [...MEMBERS_KEY, 'explain', memberId],
    queryFn: () => unwrap(api.GET('/api/admin/members/{id}/explain', { params: { path: { id: memberId } } })),
  });
  return (
    <Card withBorder padding="lg" radius="md">
      <Title order={3} size="h4" mb="sm">
        Explain
      </Title>
      {explain.isPending && <Skeleton height={80} />}
      {explain.isError && <QueryError error={explain.error} onRetry={() => void explain.refetch()} title="Could not explain this member" />}
      {explain.data && (
        <Stack gap="md">
          <Group gap="xs">
            <Badge color={STATE_COLOR[explain.data.state] ?? 'gray'} variant="light">
              {humanize(explain.data.state)}
            </Badge>
            {explain.data.phase !== 'active' && (
              <Badge color="orange" variant="light">
                {explain.data.phase === 'grace' ? 'Grace libraries' : explain.data.phase === 'delete' ? 'Deletion due' : 'No libraries'}
              </Badge>
            )}
          </Group>
          <Text size="sm">{explain.data.summary}</Text>
          <Stack gap={4}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Next, if nobody pays
            </Text>
            {explain.data.nextActions.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing scheduled.
              </Text>
            ) : (
              <List size="sm" spacing={2}>
                {explain.data.nextActions.map((a) => (
                  <List.Item key={`${a.action}-${a.at}`}>
                    {formatDateTime(a.at)}: {a.message}
                  </List.Item>
                ))}
              </List>
            )}
          </Stack>
          <Stack gap={4}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Operations on the servers
            </Text>
            {explain.data.operations.length === 0 ? (
              <Text size="sm" c="dimmed">
                Usher has not changed anything on a server for this member.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing={4} fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Queued</Table.Th>
                      <Table.Th>Server</Table.Th>
                      <Table.Th>Change</Table.Th>
                      <Table.Th>Result</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {explain.data.operations.map((o) => (
                      <Table.Tr key={o.id}>
                        <Table.Td>{formatDateTime(o.createdAt)}</Table.Td>
                        <Table.Td>{o.serverName ?? o.serverId}</Table.Td>
                        <Table.Td>{humanize(o.kind)}</Table.Td>
                        <Table.Td>
                          <Badge color={OP_COLOR[o.status] ?? 'gray'} variant="light">
                            {humanize(o.status)}
                          </Badge>{' '}
                          {o.appliedAt
                            ? formatDateTime(o.appliedAt)
                            : o.status === 'pending' && o.attempts > 0
                              ? `retry at ${formatDateTime(o.nextAttemptAt)}`
                              : ''}
                          {o.lastError && (
                            <Text size="xs" c="red">
                              {o.lastError}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {explain.data.operationsTotal > explain.data.operations.length && (
              <Alert variant="light" p="xs">
                Showing the latest {explain.data.operations.length} of {explain.data.operationsTotal}; the Operations page has them all.
              </Alert>
            )}
          </Stack>
        </Stack>
      )}
    </Card>
  );
}
