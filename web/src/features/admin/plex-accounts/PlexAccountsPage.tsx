import { Badge, Button, Group, Modal, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconKey, IconLogin, IconPlus, IconServer } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { deleteAction, DataTable, pageLocally, type DataTableAction, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { TokenStatus } from '../media/badges';
import { plexPassText } from '../media/format';
import { PLEX_ACCOUNTS_KEY, refreshMedia, usePlexAccountServers, type PlexAccount } from '../media/queries';
import { AddPlexAccountModal, EditPlexAccountModal, ReplaceTokenModal } from './PlexAccountDialogs';
import { openSignInWindow, PlexSignInModal } from './PlexSignInModal';

const accountName = (a: PlexAccount) => a.username ?? a.email ?? a.plexUserId ?? a.id;

const columns: DataTableColumn<PlexAccount>[] = [
  {
    key: 'username',
    header: 'Account',
    sortable: true,
    value: (a) => a.username ?? a.email,
    render: (a) => (
      <Stack gap={0}>
        <Text size="sm" fw={500}>
          {a.username ?? a.email ?? '—'}
        </Text>
        {a.email && a.username && (
          <Text size="xs" c="dimmed">
            {a.email}
          </Text>
        )}
      </Stack>
    ),
  },
  {
    key: 'plexPass',
    header: 'Plex Pass',
    value: (a) => plexPassText(a).value,
    render: (a) => {
      const pass = plexPassText(a);
      return (
        <Stack gap={2}>
          <Badge variant="light" color={a.hasPlexPass ? 'yellow' : 'gray'}>
            {a.hasPlexPass ? 'Plex Pass' : 'No Plex Pass'}
          </Badge>
          <Text size="xs" c="dimmed">
            {pass.source}
          </Text>
        </Stack>
      );
    },
  },
  { key: 'token', header: 'Token', value: (a) => a.tokenStatus, render: (a) => <TokenStatus status={a.tokenStatus} checkedAt={a.tokenCheckedAt} /> },
  { key: 'servers', header: 'Servers', sortable: true, value: (a) => a.servers },
  {
    key: 'proxy',
    header: 'Proxy',
    value: (a) => a.proxy.url,
    render: (a) =>
      a.proxy.url ? (
        <Stack gap={0}>
          <Text size="sm">{a.proxy.url}</Text>
          {(a.proxy.username || a.proxy.passwordSet) && (
            <Text size="xs" c="dimmed">
              {a.proxy.username ? `as ${a.proxy.username}` : 'with a password'}
            </Text>
          )}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          None
        </Text>
      ),
    visibleFrom: 'md',
  },
  { key: 'password', header: 'Password', value: (a) => (a.passwordSet ? 'saved' : 'none'), render: (a) => <Text size="sm" c={a.passwordSet ? undefined : 'dimmed'}>{a.passwordSet ? 'Saved' : 'None'}</Text>, visibleFrom: 'lg' },
];

type Dialog =
  | { kind: 'add' }
  | { kind: 'pin'; popup: Window | null }
  | { kind: 'edit'; account: PlexAccount }
  | { kind: 'token'; account: PlexAccount }
  | { kind: 'servers'; account: PlexAccount }
  | null;

export function PlexAccountsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'servers.write');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => refreshMedia(queryClient);

  const rowActions = (a: PlexAccount): DataTableAction[] => [
    { label: 'Show servers', icon: <IconServer size={16} />, onClick: () => setDialog({ kind: 'servers', account: a }) },
    { label: 'Replace token', icon: <IconKey size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'token', account: a }) },
    { label: 'Edit settings', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'edit', account: a }) },
    deleteAction({
      confirm,
      disabled: !writable,
      title: 'Delete Plex account',
      message: `Delete ${accountName(a)}? Its ${a.servers === 1 ? 'server is' : `${a.servers} servers are`} removed from Usher; members are kept. Nothing changes on plex.tv.`,
      action: () => unwrap(api.DELETE('/api/admin/plex-accounts/{id}', { params: { path: { id: a.id } } })).then(refresh),
      success: `${accountName(a)} is deleted.`,
    }),
  ];

  return (
    <>
      <PageHeader
        title="Plex Accounts"
        description="The plex.tv accounts that own your Plex servers. Usher manages Plex users and shares through them, and checks every token daily."
      />
      <DataTable
        queryKey={PLEX_ACCOUNTS_KEY}
        fetchPage={async (query) => {
          const { items } = await unwrap(api.GET('/api/admin/plex-accounts'));
          return pageLocally(items, query, { search: (a) => `${a.username ?? ''} ${a.email ?? ''}`, sortBy: { username: (a) => a.username ?? a.email, servers: (a) => a.servers } });
        }}
        columns={columns}
        rowKey={(a) => a.id}
        rowLabel={accountName}
        rowActions={rowActions}
        headerActions={[
          { label: 'Sign in with Plex', icon: <IconLogin size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'pin', popup: openSignInWindow() }) },
          { label: 'Add Plex Account', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add' }) },
        ]}
        searchPlaceholder="Search accounts"
        initialSort={{ key: 'username', order: 'asc' }}
        emptyMessage="No Plex accounts yet. Use Actions → Sign in with Plex to add the account that owns your Plex servers."
      />
      {dialog?.kind === 'add' && <AddPlexAccountModal onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'pin' && <PlexSignInModal popup={dialog.popup} onClose={() => setDialog(null)} onAdded={refresh} />}
      {dialog?.kind === 'edit' && <EditPlexAccountModal account={dialog.account} onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'token' && <ReplaceTokenModal account={dialog.account} onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'servers' && <AccountServersModal account={dialog.account} onClose={() => setDialog(null)} />}
      {confirmDialog}
    </>
  );
}

function AccountServersModal({ account, onClose }: { account: PlexAccount; onClose: () => void }) {
  const servers = usePlexAccountServers(account.id);
  return (
    <Modal opened onClose={onClose} title={`Servers of ${accountName(account)}`} centered size="lg">
      <Stack>
        {servers.isPending && <Skeleton height={80} />}
        {servers.isError && <QueryError error={servers.error} onRetry={() => void servers.refetch()} title="plex.tv did not list the servers" />}
        {servers.data && servers.data.length === 0 && <Text size="sm">plex.tv lists no server owned by this account.</Text>}
        {servers.data && servers.data.length > 0 && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Server</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Addresses</Table.Th>
                <Table.Th>In Usher</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {servers.data.map((s) => (
                <Table.Tr key={s.machineId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {s.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.version ?? '—'}</Table.Td>
                  <Table.Td>{s.connections.length}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={s.added ? 'green' : 'gray'}>
                      {s.added ? 'Added' : 'Not added'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="flex-end">
          {servers.data?.some((s) => !s.added) && (
            <Button variant="default" component={Link} to={`/admin/servers?add=plex&account=${account.id}`}>
              Add a server
            </Button>
          )}
          <Button onClick={onClose}>Close</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
