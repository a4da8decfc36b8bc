import { Alert, Anchor, Badge, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconBooks, IconCircleCheck, IconEdit, IconFingerprint, IconLink, IconPlus, IconRefresh, IconUserMinus, IconUsersPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { deleteAction, DataTable, pageLocally, type DataTableAction, type DataTableColumn } from '../../../components/data-table';
import { notifyError } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { CapacityBar, KindBadge, ServerStatus } from '../media/badges';
import { KIND_LABEL } from '../media/format';
import { refreshMedia, SERVERS_KEY, useImportPreview, useLocations, type Server, type ServerLocation } from '../media/queries';
import { AddMediaBrowserServerModal } from './AddMediaBrowserServerModal';
import { AddPlexServerModal } from './AddPlexServerModal';
import { AdoptIdentityModal, EditServerModal, ReplaceConnectionModal } from './ServerEditDialogs';
import { SyncAllModal, SyncResultModal, type SyncResult } from './SyncDialogs';

function columns(locations: Map<string, string>): DataTableColumn<Server>[] {
  return [
    {
      key: 'name',
      header: 'Server',
      sortable: true,
      value: (s) => s.name,
      render: (s) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {s.name}
          </Text>
          <Text size="xs" c="dimmed">
            {s.url}
            {s.version ? ` · v${s.version}` : ''}
          </Text>
        </Stack>
      ),
    },
    { key: 'kind', header: 'Kind', sortable: true, value: (s) => KIND_LABEL[s.kind], render: (s) => <KindBadge kind={s.kind} />, visibleFrom: 'sm' },
    { key: 'location', header: 'Location', sortable: true, value: (s) => (s.locationId ? locations.get(s.locationId) : null), visibleFrom: 'md' },
    {
      key: 'enabled',
      header: 'Enabled',
      value: (s) => s.enabled,
      render: (s) => (
        <Badge variant="light" color={s.enabled ? 'green' : 'gray'}>
          {s.enabled ? 'Enabled' : 'Disabled'}
        </Badge>
      ),
      visibleFrom: 'xs',
    },
    { key: 'status', header: 'Status', value: (s) => [s.status, s.statusMessage].filter(Boolean).join(': '), render: (s) => <ServerStatus status={s.status} message={s.statusMessage} /> },
    {
      key: 'capacity',
      header: 'Capacity',
      sortable: true,
      value: (s) => (s.maxUsers > 0 ? `${s.members}/${s.maxUsers}` : `${s.members}/unlimited`),
      render: (s) => <CapacityBar members={s.members} maxUsers={s.maxUsers} />,
      visibleFrom: 'sm',
    },
  ];
}

type Dialog =
  | { kind: 'add-plex'; accountId: string | null }
  | { kind: 'add-mb'; flavor: 'jellyfin' | 'emby' }
  | { kind: 'edit' | 'connection' | 'adopt'; server: Server }
  | { kind: 'sync-all' }
  | { kind: 'sync-result'; result: SyncResult }
  | null;

function WaitingImportNotice({ enabled }: { enabled: boolean }) {
  const preview = useImportPreview(enabled);
  const waiting = (preview.data ?? []).filter((s) => s.accounts.length > 0);
  if (waiting.length === 0) return null;
  const accounts = waiting.reduce((n, s) => n + s.accounts.length, 0);
  return (
    <Alert color="blue" icon={<IconUsersPlus size={18} />} mb="md" title="Accounts are waiting to be imported">
      The first sync of {waiting.map((s) => s.serverName).join(', ')} found {accounts} account{accounts === 1 ? '' : 's'}. Nobody is imported until you say
      how.{' '}
      <Anchor component={Link} to="/admin/members/import">
        Review the import
      </Anchor>
    </Alert>
  );
}

export function ServersPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const login = useSession().data?.login;
  const writable = can(login, 'servers.write');
  const [params, setParams] = useSearchParams();
  // Other pages link here with ?add=plex&account=… to open the stepper on that account.
  const [dialog, setDialog] = useState<Dialog>(() => (params.get('add') === 'plex' ? { kind: 'add-plex', accountId: params.get('account') } : null));
  const [syncing, setSyncing] = useState<string | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const locations = useLocations();
  const locationNames = new Map((locations.data ?? []).map((l: ServerLocation) => [l.id, l.name]));
  const refresh = () => refreshMedia(queryClient);
  const close = () => {
    setDialog(null);
    if (params.has('add')) setParams({}, { replace: true });
  };

  // Said on the page rather than in a toast: it matters, and a long toast would cover the Actions menu.
  const [justAdded, setJustAdded] = useState<Server[]>([]);
  const added = async (server: Server) => {
    await refresh();
    setJustAdded((old) => [...old, server]);
  };

  async function syncNow(server: Server) {
    setSyncing(server.id);
    try {
      const result = await unwrap(api.POST('/api/admin/servers/{id}/sync', { params: { path: { id: server.id } }, body: {} }));
      setDialog({ kind: 'sync-result', result });
      await refresh();
    } catch (error) {
      notifyError(error, `${server.name} did not sync`);
    } finally {
      setSyncing(null);
    }
  }

  const rowActions = (s: Server): DataTableAction[] => [
    { label: 'Edit', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'edit', server: s }) },
    { label: s.kind === 'plex' ? 'Replace URL' : 'Replace URL / API key', icon: <IconLink size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'connection', server: s }) },
    ...(s.kind === 'plex' && s.status === 'machine_id_changed'
      ? [{ label: 'Adopt new identity', icon: <IconFingerprint size={16} />, color: 'orange', disabled: !writable, onClick: () => setDialog({ kind: 'adopt', server: s }) }]
      : []),
    ...(s.status === 'removals_held'
      ? [
          {
            label: 'Apply the removals',
            icon: <IconUserMinus size={16} />,
            color: 'orange',
            disabled: !writable,
            onClick: () =>
              confirm({
                title: `Apply the removals on ${s.name}`,
                message: `${s.statusMessage ?? ''} Apply removes exactly what that sync did not see from Usher (nothing changes on the server), then syncs ${s.name} again.`,
                confirmLabel: 'Apply the removals',
                color: 'orange',
                action: async () => {
                  const applied = await unwrap(api.POST('/api/admin/servers/{id}/held-removals/apply', { params: { path: { id: s.id } }, body: {} }));
                  setDialog({ kind: 'sync-result', result: applied.sync });
                  await refresh();
                },
                success: `The held removals on ${s.name} are applied.`,
              }),
          },
        ]
      : []),
    { label: syncing === s.id ? 'Syncing…' : 'Sync now', icon: <IconRefresh size={16} />, disabled: !writable || syncing !== null, onClick: () => void syncNow(s) },
    { label: 'Show libraries', icon: <IconBooks size={16} />, onClick: () => void navigate(`/admin/libraries?server=${s.id}`) },
    deleteAction({
      confirm,
      disabled: !writable,
      title: 'Delete server',
      message: `Remove ${s.name} from Usher? Its libraries and the record of who shares it are dropped from Usher; members are kept. Nothing changes on the server itself.`,
      action: () => unwrap(api.DELETE('/api/admin/servers/{id}', { params: { path: { id: s.id } } })).then(refresh),
      success: `${s.name} is removed from Usher.`,
    }),
  ];

  return (
    <>
      <PageHeader
        title="Servers"
        description="The Plex, Jellyfin and Emby servers Usher manages. Usher syncs them hourly: names, libraries, members and shares."
      />
      {justAdded.length > 0 && (
        <Alert color="green" icon={<IconCircleCheck size={18} />} mb="md" withCloseButton onClose={() => setJustAdded([])} title={`${justAdded.map((s) => s.name).join(', ')} added, disabled for now`}>
          New servers start disabled so nobody is placed on them early. Sync {justAdded.length === 1 ? 'it' : 'them'}, put the libraries in groups on the{' '}
          <Anchor component={Link} to="/admin/libraries">
            Libraries
          </Anchor>{' '}
          page, then use Edit → Enabled.
        </Alert>
      )}
      <WaitingImportNotice enabled={can(login, 'members.read')} />
      <DataTable
        queryKey={SERVERS_KEY}
        fetchPage={async (query) => {
          const { items } = await unwrap(api.GET('/api/admin/servers'));
          return pageLocally(items, query, {
            search: (s) => `${s.name} ${s.url} ${s.kind}`,
            sortBy: {
              name: (s) => s.name,
              kind: (s) => s.kind,
              location: (s) => (s.locationId ? locationNames.get(s.locationId) : null),
              capacity: (s) => (s.maxUsers > 0 ? s.members / s.maxUsers : -1),
            },
          });
        }}
        columns={columns(locationNames)}
        rowKey={(s) => s.id}
        rowLabel={(s) => s.name}
        rowActions={rowActions}
        headerActions={[
          { label: 'Add Plex server', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add-plex', accountId: null }) },
          { label: 'Add Jellyfin server', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add-mb', flavor: 'jellyfin' }) },
          { label: 'Add Emby server', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add-mb', flavor: 'emby' }) },
          { label: 'Sync all', icon: <IconRefresh size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'sync-all' }) },
        ]}
        searchPlaceholder="Search servers"
        initialSort={{ key: 'name', order: 'asc' }}
        exportName="servers"
        emptyMessage="No servers yet. Use Actions → Add Plex, Jellyfin or Emby server."
      />
      {dialog?.kind === 'add-plex' && <AddPlexServerModal initialAccountId={dialog.accountId} onClose={close} onAdded={added} />}
      {dialog?.kind === 'add-mb' && <AddMediaBrowserServerModal kind={dialog.flavor} onClose={close} onAdded={added} />}
      {dialog?.kind === 'edit' && <EditServerModal server={dialog.server} onClose={close} onDone={refresh} />}
      {dialog?.kind === 'connection' && <ReplaceConnectionModal server={dialog.server} onClose={close} onDone={refresh} />}
      {dialog?.kind === 'adopt' && <AdoptIdentityModal server={dialog.server} onClose={close} onDone={refresh} />}
      {dialog?.kind === 'sync-all' && <SyncAllModal onClose={close} />}
      {dialog?.kind === 'sync-result' && <SyncResultModal result={dialog.result} onClose={close} />}
      {confirmDialog}
    </>
  );
}
