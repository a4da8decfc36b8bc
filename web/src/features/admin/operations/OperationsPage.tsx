import { Anchor, Badge, Group, SegmentedControl, Select, Stack, Text, Tooltip } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconBan, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, type DataTableColumn, type DataTableQuery } from '../../../components/data-table';
import { notifyError, notifySuccess } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { serverOptions, useServers } from '../media/queries';
import { OPERATIONS_KEY, useOperationCounts } from './operation-counts';

type Operation = Schemas['Operation'];
type Status = Operation['status'];

const STATUS_COLOR: Record<Status, string> = { pending: 'blue', running: 'cyan', done: 'green', failed: 'red', cancelled: 'gray' };
const KIND_LABEL: Record<Operation['kind'], string> = { provision: 'Create / invite', grant: 'Share libraries', revoke: 'Remove access', delete: 'Delete account', rename: 'Rename account' };

const FILTERS = {
  open: { label: 'Needs attention', statuses: 'pending,running,failed' },
  failed: { label: 'Failed', statuses: 'failed' },
  done: { label: 'Done', statuses: 'done' },
  all: { label: 'All', statuses: '' },
} as const;
type Filter = keyof typeof FILTERS;

function describe(op: Operation): string {
  if (op.kind === 'provision') return `${op.identifier ?? ''} · ${op.grant?.libraries.length ?? 0} libraries`;
  if (op.kind === 'grant' && op.grant) {
    const options = [op.grant.allowDownloads ? 'downloads' : null, op.grant.sessionCap > 0 ? `${op.grant.sessionCap} streams` : null].filter(Boolean);
    return `${op.grant.libraries.length} libraries${options.length > 0 ? ` · ${options.join(', ')}` : ''}`;
  }
  return op.remoteId ?? '';
}

const columns: DataTableColumn<Operation>[] = [
  {
    key: 'status',
    header: 'Status',
    value: (o) => o.status,
    render: (o) => (
      <Badge color={STATUS_COLOR[o.status]} variant="light">
        {o.status}
      </Badge>
    ),
  },
  {
    key: 'kind',
    header: 'Operation',
    value: (o) => o.kind,
    render: (o) => (
      <Stack gap={2}>
        <Text size="sm">{KIND_LABEL[o.kind]}</Text>
        <Text size="xs" c="dimmed">
          {describe(o)}
        </Text>
      </Stack>
    ),
  },
  {
    key: 'member',
    header: 'Member',
    value: (o) => o.memberLabel ?? o.memberId,
    render: (o) => (
      <Anchor component={Link} to={`/admin/members/${o.memberId}`} size="sm">
        {o.memberLabel ?? 'Deleted member'}
      </Anchor>
    ),
  },
  { key: 'server', header: 'Server', value: (o) => o.serverName ?? o.serverId, visibleFrom: 'sm' },
  {
    key: 'result',
    header: 'Result',
    value: (o) => o.lastError ?? (o.appliedAt ? `Applied ${o.appliedAt}` : ''),
    render: (o) =>
      o.status === 'done' ? (
        <Text size="sm">Applied {formatDateTime(o.appliedAt!)}</Text>
      ) : (
        <Stack gap={2}>
          {o.lastError && (
            <Text size="xs" c="red" lineClamp={2}>
              {o.lastError}
            </Text>
          )}
          {o.status === 'pending' && (
            <Text size="xs" c="dimmed">
              {o.attempts > 0 ? `Attempt ${o.attempts + 1} ` : 'Due '}
              {formatRelative(o.nextAttemptAt)}
            </Text>
          )}
        </Stack>
      ),
  },
  { key: 'createdAt', header: 'Queued', value: (o) => o.createdAt, render: (o) => formatDateTime(o.createdAt), visibleFrom: 'md' },
];

function fetchOperations(query: DataTableQuery, filter: Filter, serverId: string | null) {
  const status = FILTERS[filter].statuses;
  return unwrap(
    api.GET('/api/admin/operations', {
      params: { query: { page: query.page, pageSize: query.pageSize, ...(status ? { status } : {}), ...(serverId ? { serverId } : {}) } },
    }),
  );
}

export function OperationsPage() {
  const queryClient = useQueryClient();
  const login = useSession().data?.login;
  const writable = can(login, 'operations.write');
  const [filter, setFilter] = useState<Filter>('open');
  const [serverId, setServerId] = useState<string | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const servers = useServers(can(login, 'servers.read'));
  const counts = useOperationCounts(true).data;

  const refresh = () => queryClient.invalidateQueries({ queryKey: OPERATIONS_KEY });

  async function retry(op: Operation) {
    try {
      await unwrap(api.POST('/api/admin/operations/{id}/retry', { params: { path: { id: op.id } }, body: {} }));
      notifySuccess('The operation runs again now.');
      await refresh();
    } catch (error) {
      notifyError(error);
    }
  }

  function cancel(op: Operation) {
    confirm({
      title: 'Cancel this operation',
      message: `${KIND_LABEL[op.kind]} for ${op.memberLabel ?? 'this member'} on ${op.serverName ?? 'the server'} will not be applied. If the change is still needed, the next reconcile pass queues it again.`,
      confirmLabel: 'Cancel operation',
      success: 'Operation cancelled.',
      action: async () => {
        await unwrap(api.POST('/api/admin/operations/{id}/cancel', { params: { path: { id: op.id } }, body: {} }));
        await refresh();
      },
    });
  }

  return (
    <>
      <PageHeader
        title="Operations"
        description="The changes Usher makes on your servers (invites, shares, unshares, deletions). Each is applied once; when a server is down, it is retried with growing pauses."
      />
      <DataTable
        queryKey={[...OPERATIONS_KEY, 'list', { filter, serverId }]}
        fetchPage={(query) => fetchOperations(query, filter, serverId)}
        columns={columns}
        rowKey={(o) => o.id}
        rowLabel={(o) => `${KIND_LABEL[o.kind]} for ${o.memberLabel ?? o.memberId}`}
        rowActions={(o) => [
          { label: 'Retry now', icon: <IconRefresh size={16} />, disabled: !writable || !['pending', 'failed', 'cancelled'].includes(o.status), onClick: () => void retry(o) },
          { label: 'Cancel', icon: <IconBan size={16} />, color: 'red', disabled: !writable || !['pending', 'failed'].includes(o.status), onClick: () => cancel(o) },
        ]}
        toolbar={
          <Group gap="sm">
            <SegmentedControl
              value={filter}
              onChange={(v) => setFilter(v as Filter)}
              data={Object.entries(FILTERS).map(([value, f]) => ({
                value,
                label: value === 'failed' && counts && counts.failed > 0 ? `${f.label} (${counts.failed})` : f.label,
              }))}
            />
            <Tooltip label="Only this server's operations" disabled={!servers.data}>
              <Select aria-label="Filter by server" placeholder="All servers" data={serverOptions(servers.data)} value={serverId} onChange={setServerId} clearable w={200} />
            </Tooltip>
          </Group>
        }
        refetchInterval={(page) => (page?.items.some((o) => o.status === 'pending' || o.status === 'running') ? 5000 : false)}
        exportName="operations"
        emptyMessage={filter === 'open' ? 'Nothing waiting: every server matches what Usher decided.' : 'No operations here.'}
      />
      {confirmDialog}
    </>
  );
}
