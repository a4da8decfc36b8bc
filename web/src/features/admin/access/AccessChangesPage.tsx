import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { notifyError, notifySuccess } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime } from '../../../lib/format';

type Change = Schemas['AccessChange'];

const KEY = ['access', 'dry-run'];
const KIND_LABEL: Record<Change['kind'], string> = { provision: 'Create / invite', grant: 'Share libraries', revoke: 'Remove access', delete: 'Delete account', rename: 'Rename account' };
const KIND_COLOR: Record<Change['kind'], string> = { provision: 'blue', grant: 'green', revoke: 'orange', delete: 'red', rename: 'blue' };

/** Why placement chose the server (reference §6.14). */
const PLACEMENT_RULE: Record<string, string> = {
  manual: 'chosen by the admin',
  pending_invite: 'kept',
  previous: 'shared on before',
  target: "the plan's target",
  any: 'fewest members',
};

function libraries(list: string[] | 'all'): string {
  if (list === 'all') return 'All libraries';
  return list.length === 0 ? 'None' : list.join(', ');
}

function options(c: Change): string {
  if (c.allowDownloadsAfter === null) return '';
  const parts = [c.allowDownloadsAfter ? 'downloads' : 'no downloads', c.allowTranscoding ? 'video transcoding' : 'no video transcoding'];
  if (c.sessionCap) parts.push(`${c.sessionCap} stream${c.sessionCap === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function byServer(changes: Change[]): [string, Change[]][] {
  const groups = new Map<string, Change[]>();
  for (const c of changes) groups.set(c.serverName, [...(groups.get(c.serverName) ?? []), c]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * What the reconciler would change on the servers, before the admin lets it: remote writes start
 * switched off (issue 8), and this page is where they are turned on, after reading the list.
 */
export function AccessChangesPage() {
  const queryClient = useQueryClient();
  const login = useSession().data?.login;
  const [confirmDialog, confirm] = useConfirm();
  const dryRun = useQuery({ queryKey: KEY, queryFn: () => unwrap(api.GET('/api/admin/access/dry-run')) });
  const pass = dryRun.data;

  const syncNow = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/access/sync-now', { body: {} })),
    onSuccess: async (result) => {
      notifySuccess(result.syncSharedLibraries ? `Queued ${result.enqueued} operation(s); see Operations for their progress.` : `${result.changes.length} change(s) computed; nothing was changed on the servers.`);
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
    onError: (error) => notifyError(error),
  });

  function setWrites(on: boolean) {
    const apply = async () => {
      await unwrap(api.PUT('/api/admin/settings/{section}', { params: { path: { section: 'mediaServer' } }, body: { values: { syncSharedLibraries: on } } }));
      await queryClient.invalidateQueries({ queryKey: KEY });
      await queryClient.invalidateQueries({ queryKey: ['settings'] });
    };
    if (!on) {
      apply().then(() => notifySuccess('Usher no longer changes libraries on the servers; it only computes.'), notifyError);
      return;
    }
    confirm({
      title: 'Sync shared libraries to the servers',
      message: `From now on Usher shares and unshares libraries so every member has exactly what their plan gives. The ${pass?.changes.length ?? 0} change(s) listed here are made at the next pass, and the same kind of change whenever a payment or plan changes.`,
      confirmLabel: 'Turn on',
      success: 'Syncing shared libraries is on. Run a pass now, or wait for the hourly one.',
      action: apply,
    });
  }

  const canWriteSettings = can(login, 'settings.write');
  const canRun = can(login, 'servers.write');

  return (
    <>
      <PageHeader
        title="Access changes"
        description="What Usher would change on your servers so that every member has exactly the libraries and options of their plan: expired members lose their libraries, renewed ones get them back. Computed from payments, plans, library groups and what the last sync saw on each server."
      >
        <Button leftSection={<IconRefresh size={16} />} variant="default" onClick={() => syncNow.mutate()} loading={syncNow.isPending} disabled={!canRun}>
          {pass?.syncSharedLibraries ? 'Run a pass now' : 'Compute again'}
        </Button>
      </PageHeader>
      <Stack gap="md">
        <Card withBorder>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={4}>
              <Text fw={600}>Sync shared libraries to the servers</Text>
              <Text size="sm" c="dimmed" maw={640}>
                Off: Usher only computes the changes below and touches nothing. On: the changes are made (each once, retried while a server is down), at every hourly pass and at once when
                a member’s payment or plan changes. Owners, admins, Home and managed users and the template user are never touched.
              </Text>
            </Stack>
            <Switch
              aria-label="Sync shared libraries to the servers"
              size="lg"
              checked={pass?.syncSharedLibraries ?? false}
              disabled={!pass || !canWriteSettings}
              onChange={(event) => setWrites(event.currentTarget.checked)}
            />
          </Group>
        </Card>
        {pass && pass.unconfiguredServers.length > 0 && (
          <Alert color="yellow" icon={<IconInfoCircle size={18} />} title="Libraries not grouped yet">
            Every library of {pass.unconfiguredServers.map((s) => s.serverName).join(', ')} is still Private, so nobody is given anything there. Put the libraries in groups on the{' '}
            <Anchor component={Link} to="/admin/libraries">
              Libraries
            </Anchor>{' '}
            page first.
          </Alert>
        )}
        {pass && pass.unplaced.length > 0 && (
          <Alert color="red" icon={<IconInfoCircle size={18} />} title={`${pass.unplaced.length} active member(s) fit on no server`}>
            <Stack gap={4}>
              {pass.unplaced.map((u) => (
                <Text size="sm" key={u.memberId}>
                  <Anchor component={Link} to={`/admin/members/${u.memberId}`}>
                    {u.memberLabel}
                  </Anchor>
                  : {u.message}
                </Text>
              ))}
            </Stack>
          </Alert>
        )}
        {pass && pass.placements.length > 0 && (
          <Text size="sm">
            Placed on a server (no account yet):{' '}
            {pass.placements.map((p) => `${p.memberLabel} → ${p.serverName} (${PLACEMENT_RULE[p.rule] ?? p.rule})`).join('; ')}
          </Text>
        )}
        {dryRun.isLoading && <Loader />}
        {dryRun.error && <Alert color="red">{dryRun.error instanceof Error ? dryRun.error.message : 'The changes could not be computed.'}</Alert>}
        {pass && (
          <Text size="sm" c="dimmed">
            {pass.changes.length === 0 ? 'Nothing to change: every member already has what their plan gives.' : `${pass.changes.length} change(s) for ${pass.members} member(s) looked at`} · computed{' '}
            {formatDateTime(pass.computedAt)}
          </Text>
        )}
        {pass &&
          byServer(pass.changes).map(([server, changes]) => (
            <Card withBorder key={server}>
              <Title order={4} mb="sm">
                {server} <Badge variant="light">{changes.length}</Badge>
              </Title>
              <Table.ScrollContainer minWidth={720}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Member</Table.Th>
                      <Table.Th>Change</Table.Th>
                      <Table.Th>Libraries now</Table.Th>
                      <Table.Th>Libraries after</Table.Th>
                      <Table.Th>Options after</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {changes.map((c) => (
                      <Table.Tr key={`${c.memberId}-${c.kind}`}>
                        <Table.Td>
                          <Anchor component={Link} to={`/admin/members/${c.memberId}`} size="sm">
                            {c.memberLabel}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {c.planName ?? 'No plan'} · {c.phase}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge color={KIND_COLOR[c.kind]} variant="light">
                            {KIND_LABEL[c.kind]}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{libraries(c.librariesBefore)}</Table.Td>
                        <Table.Td>{c.kind === 'grant' || c.kind === 'provision' ? libraries(c.librariesAfter) : c.kind === 'delete' ? 'Account deleted' : 'None'}</Table.Td>
                        <Table.Td>{options(c)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          ))}
      </Stack>
      {confirmDialog}
    </>
  );
}
