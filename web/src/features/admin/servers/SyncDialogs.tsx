import { Alert, Anchor, Button, Group, Modal, Progress, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { FormError } from '../../../components/FormError';
import { refreshMedia, useImportPreview } from '../media/queries';

export type SyncResult = paths['/api/admin/servers/{id}/sync']['post']['responses'][200]['content']['application/json'];
const POLL_MS = 1000;

function ImportHint({ waiting, onNavigate }: { waiting: number; onNavigate: () => void }) {
  if (waiting === 0) return null;
  return (
    <Alert color="blue" title={`${waiting} account${waiting === 1 ? '' : 's'} waiting to be imported`}>
      The first sync of a server imports nobody. Review the accounts it found and import them as permanent or expiring members.{' '}
      <Anchor component={Link} to="/admin/members/import" onClick={onNavigate}>
        Review the import
      </Anchor>
    </Alert>
  );
}

/** What one "Sync now" changed. */
export function SyncResultModal({ result, onClose }: { result: SyncResult; onClose: () => void }) {
  const rows: [string, number][] = [
    ['Libraries added', result.libraries.added],
    ['Libraries updated', result.libraries.updated],
    ['Libraries removed', result.libraries.removed],
    ['Accounts added', result.accounts.added],
    ['Accounts updated', result.accounts.updated],
    ['Accounts gone', result.accounts.gone],
    ['Members imported', result.accounts.imported],
  ];
  return (
    <Modal opened onClose={onClose} title={`Sync of ${result.serverName}`} centered>
      <Stack>
        {result.ok && result.held ? (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Nothing was changed">
            The server listed {result.held.accounts.seen} of {result.held.accounts.stored} accounts and {result.held.libraries.seen} of{' '}
            {result.held.libraries.stored} libraries. That many removals at once usually means a broken answer, so Usher kept everything. If they are
            real, use Apply the removals; otherwise the next sync that sees everything again clears this.
          </Alert>
        ) : result.ok ? (
          <Alert color="green" icon={<IconCheck size={18} />}>
            The server answered and Usher is up to date with it.
          </Alert>
        ) : (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The sync failed">
            {result.error}
          </Alert>
        )}
        {result.ok && !result.held && (
          <Table>
            <Table.Tbody>
              {rows.map(([label, n]) => (
                <Table.Tr key={label}>
                  <Table.Td>{label}</Table.Td>
                  <Table.Td ta="right" fw={n > 0 ? 700 : undefined}>
                    {n}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <ImportHint waiting={result.accounts.awaitingImport} onNavigate={onClose} />
        <Group justify="flex-end">
          <Button onClick={onClose}>Close</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Starts the servers.sync job and follows its run live; the same run shows on the Jobs page. */
export function SyncAllModal({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const start = useMutation({ mutationFn: () => unwrap(api.POST('/api/admin/servers/sync', { body: {} })) });
  const started = useRef(false);
  useEffect(() => {
    // Once per dialog, even when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    start.mutate();
  }, [start]);
  const runId = start.data?.runId;
  const run = useQuery({
    queryKey: ['admin', 'jobs', 'run', runId],
    queryFn: () => unwrap(api.GET('/api/admin/jobs/runs/{id}', { params: { path: { id: runId! } } })),
    enabled: runId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'running' || query.state.data === undefined ? POLL_MS : false),
  });
  const finished = run.data !== undefined && run.data.status !== 'running';
  useEffect(() => {
    if (finished) void refreshMedia(queryClient);
  }, [finished, queryClient]);
  const preview = useImportPreview(finished);
  const waiting = (preview.data ?? []).reduce((n, s) => n + s.accounts.length, 0);
  const noJobsAccess = run.error instanceof ApiError && run.error.status === 403;
  const percent = Math.round((run.data?.progress ?? 0) * 100);

  return (
    <Modal opened onClose={onClose} title="Sync all servers" centered size="lg">
      <Stack>
        <FormError error={start.error} />
        {!finished && !start.error && !noJobsAccess && (
          <Stack gap={6}>
            <Progress value={Math.max(percent, 3)} animated striped aria-label="Sync progress" />
            <Text size="sm" c="dimmed">
              {percent}% · {run.data?.message ?? 'Starting…'}
            </Text>
          </Stack>
        )}
        {noJobsAccess && <Text size="sm">The sync started. Your role cannot follow jobs; the servers list refreshes when you come back to it.</Text>}
        {run.data?.status === 'succeeded' && (
          <Alert color="green" icon={<IconCheck size={18} />} title="Sync finished">
            {run.data.message}
          </Alert>
        )}
        {run.data?.status === 'failed' && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Some servers did not sync">
            {run.data.error}
          </Alert>
        )}
        {finished && <ImportHint waiting={waiting} onNavigate={onClose} />}
        <Group justify="space-between">
          <Anchor component={Link} to="/admin/jobs" size="sm" onClick={onClose}>
            See it on the Jobs page
          </Anchor>
          <Button onClick={onClose} variant={finished ? 'filled' : 'default'}>
            {finished ? 'Close' : 'Close (the sync goes on)'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
