import { Anchor, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { DataTable, pageLocally, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { DateCell, ShareStateBadge, YesNo } from '../media/badges';
import { shareState } from '../media/format';
import { libraryNames, serverOptions, SHARED_KEY, sharedLibraryTitles, useAllLibraries, useServers, type SharedServer } from '../media/queries';
import { LibrariesCell } from './MemberDetailPage';

export function SharedServersPage() {
  const login = useSession().data?.login;
  const canServers = can(login, 'servers.read');
  const [serverId, setServerId] = useState<string | null>(null);
  const servers = useServers(canServers);
  const names = libraryNames(useAllLibraries(canServers).data);
  const titles = (s: SharedServer) => sharedLibraryTitles(s, names);

  const columns: DataTableColumn<SharedServer>[] = [
    {
      key: 'user',
      header: 'User',
      sortable: true,
      value: (s) => s.username ?? s.email,
      render: (s) => (
        <Stack gap={0}>
          {s.memberId ? (
            <Anchor component={Link} to={`/admin/members/${s.memberId}`} size="sm" fw={500}>
              {s.username ?? s.email ?? s.remoteId}
            </Anchor>
          ) : (
            <Text size="sm" fw={500}>
              {s.username ?? s.email ?? s.remoteId}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {[s.username && s.email, s.memberId ? null : 'not imported'].filter(Boolean).join(' · ')}
          </Text>
        </Stack>
      ),
    },
    { key: 'server', header: 'Server', sortable: true, value: (s) => s.serverName },
    { key: 'state', header: 'State', sortable: true, value: (s) => shareState(s.state).label, render: (s) => <ShareStateBadge state={s.state} /> },
    {
      key: 'libraries',
      header: 'Libraries',
      value: (s) => {
        const t = titles(s);
        return t === 'all' ? 'all' : t.join('; ');
      },
      render: (s) => <LibrariesCell titles={titles(s)} />,
      visibleFrom: 'sm',
    },
    { key: 'downloads', header: 'Downloads', value: (s) => s.allowDownloads, render: (s) => <YesNo value={s.allowDownloads} />, visibleFrom: 'md' },
    { key: 'invitedAt', header: 'Invited', sortable: true, value: (s) => s.invitedAt, render: (s) => <DateCell iso={s.invitedAt} />, visibleFrom: 'sm' },
    { key: 'acceptedAt', header: 'Accepted', sortable: true, value: (s) => s.acceptedAt, render: (s) => <DateCell iso={s.acceptedAt} />, visibleFrom: 'sm' },
  ];

  return (
    <>
      <PageHeader
        title="Shared Servers"
        description="Who has access to which server, as the last sync found it: accepted shares and invites still pending, with their libraries."
      />
      <DataTable
        queryKey={[...SHARED_KEY, { serverId }]}
        fetchPage={async (query) => {
          const { items } = await unwrap(api.GET('/api/admin/shared-servers', { params: { query: serverId ? { serverId } : {} } }));
          return pageLocally(items, query, {
            search: (s) => `${s.username ?? ''} ${s.email ?? ''} ${s.serverName}`,
            sortBy: {
              user: (s) => (s.username ?? s.email ?? '').toLowerCase(),
              server: (s) => s.serverName,
              state: (s) => s.state,
              invitedAt: (s) => s.invitedAt,
              acceptedAt: (s) => s.acceptedAt,
            },
          });
        }}
        columns={columns}
        rowKey={(s) => s.id}
        searchPlaceholder="Search user or server"
        toolbar={
          canServers ? (
            <Select aria-label="Filter by server" placeholder="All servers" data={serverOptions(servers.data)} value={serverId} onChange={setServerId} clearable w={200} />
          ) : undefined
        }
        initialSort={{ key: 'server', order: 'asc' }}
        initialPageSize={50}
        exportName="shared-servers"
        emptyMessage="Nobody shares a server yet, or no server has been synced."
      />
    </>
  );
}
