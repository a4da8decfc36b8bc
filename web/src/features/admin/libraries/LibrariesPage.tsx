import { Alert, Badge, Group, Select, Switch, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { DataTable, pageLocally, type DataTableColumn } from '../../../components/data-table';
import { notifyError, notifySuccess } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { LIBRARIES_KEY, refreshMedia, serverOptions, useAllLibraries, useLibraryGroups, useServers, type Library, type LibraryGroup } from '../media/queries';

const TYPE_LABEL: Record<string, string> = { movie: 'Movies', show: 'TV shows', music: 'Music', photo: 'Photos', book: 'Books', mixed: 'Mixed', other: 'Other' };

/** The group of one library, changed in place; the row's library is shared by the plans that include the new group. */
export function GroupSelect({ library, groups, disabled, onChanged }: { library: Library; groups: LibraryGroup[]; disabled: boolean; onChanged: () => Promise<unknown> }) {
  const [saving, setSaving] = useState(false);
  async function change(groupId: string | null) {
    if (!groupId || groupId === library.groupId) return;
    setSaving(true);
    try {
      await unwrap(api.PUT('/api/admin/libraries/{id}/group', { params: { path: { id: library.id } }, body: { groupId } }));
      await onChanged();
      notifySuccess(`${library.title} (${library.serverName}) is now in ${groups.find((g) => g.id === groupId)?.name ?? 'the group'}.`);
    } catch (error) {
      notifyError(error, `${library.title} stayed in ${library.groupName}`);
    } finally {
      setSaving(false);
    }
  }
  const isPrivate = groups.find((g) => g.id === library.groupId)?.builtin === 'private';
  return (
    <Select
      aria-label={`Group of ${library.title} on ${library.serverName}`}
      data={groups.map((g) => ({ value: g.id, label: g.name }))}
      value={library.groupId}
      onChange={(v) => void change(v)}
      allowDeselect={false}
      disabled={disabled || saving}
      size="xs"
      w={{ base: 130, sm: 170 }}
      leftSection={isPrivate ? <IconLock size={14} /> : undefined}
      styles={isPrivate ? { input: { fontStyle: 'italic' } } : undefined}
    />
  );
}

export function LibrariesPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'servers.write');
  const [params] = useSearchParams();
  const [serverId, setServerId] = useState<string | null>(params.get('server'));
  const [groupId, setGroupId] = useState<string | null>(params.get('group'));
  const [showRemoved, setShowRemoved] = useState(false);
  const servers = useServers();
  const groups = useLibraryGroups();
  const all = useAllLibraries();
  const refresh = () => refreshMedia(queryClient);
  const privateId = groups.data?.find((g) => g.builtin === 'private')?.id;
  const stillPrivate = (all.data ?? []).filter((l) => l.groupId === privateId && l.removedAt === null).length;
  // Counts come from the library statistics refresh; until it has run, a column of dashes says nothing.
  const counted = (all.data ?? []).some((l) => l.itemCount !== null);

  const columns: DataTableColumn<Library>[] = [
    {
      key: 'title',
      header: 'Library',
      sortable: true,
      value: (l) => l.title,
      render: (l) => (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" fw={500} td={l.removedAt ? 'line-through' : undefined}>
            {l.title}
          </Text>
          {l.removedAt && (
            <Badge size="xs" color="gray" variant="light">
              Removed from the server
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'server', header: 'Server', sortable: true, value: (l) => l.serverName },
    { key: 'type', header: 'Type', sortable: true, value: (l) => TYPE_LABEL[l.type] ?? l.type, visibleFrom: 'sm' },
    ...(counted
      ? [{ key: 'items', header: 'Items', sortable: true, value: (l: Library) => l.itemCount, render: (l: Library) => (l.itemCount === null ? '—' : l.itemCount.toLocaleString()), visibleFrom: 'sm' as const }]
      : []),
    {
      key: 'group',
      header: 'Group',
      sortable: true,
      value: (l) => l.groupName,
      render: (l) => <GroupSelect library={l} groups={groups.data ?? []} disabled={!writable || groups.data === undefined} onChanged={refresh} />,
    },
  ];

  return (
    <>
      <PageHeader title="Libraries" description="Synced from your servers; they cannot be created here. Plans give access by library group." />
      <Alert color={stillPrivate > 0 ? 'yellow' : 'blue'} icon={<IconLock size={18} />} mb="md" title="New libraries land in Private">
        A library in Private is never shared with any plan. Put each library in a group: Standard is included in every plan, other groups in the plans
        that list them.
        {stillPrivate > 0 && (
          <Text size="sm" fw={600} mt={4}>
            {stillPrivate} librar{stillPrivate === 1 ? 'y is' : 'ies are'} still Private.
          </Text>
        )}
      </Alert>
      <DataTable
        queryKey={[...LIBRARIES_KEY, 'table', { serverId, groupId, showRemoved }]}
        fetchPage={async (query) => {
          const { items } = await unwrap(
            api.GET('/api/admin/libraries', {
              params: { query: { ...(serverId ? { serverId } : {}), ...(groupId ? { groupId } : {}), includeRemoved: showRemoved ? 'true' : 'false' } },
            }),
          );
          return pageLocally(items, query, {
            search: (l) => `${l.title} ${l.serverName}`,
            sortBy: { title: (l) => l.title, server: (l) => l.serverName, type: (l) => l.type, items: (l) => l.itemCount, group: (l) => l.groupName },
          });
        }}
        columns={columns}
        rowKey={(l) => l.id}
        rowLabel={(l) => `${l.title} on ${l.serverName}`}
        searchPlaceholder="Search libraries"
        toolbar={
          <Group gap="sm" align="center">
            <Select aria-label="Filter by server" placeholder="All servers" data={serverOptions(servers.data)} value={serverId} onChange={setServerId} clearable w={200} />
            <Select
              aria-label="Filter by group"
              placeholder="All groups"
              data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
              value={groupId}
              onChange={setGroupId}
              clearable
              w={180}
            />
            <Switch label="Show removed" checked={showRemoved} onChange={(e) => setShowRemoved(e.currentTarget.checked)} />
          </Group>
        }
        initialSort={{ key: 'server', order: 'asc' }}
        initialPageSize={50}
        exportName="libraries"
        emptyMessage="No libraries yet. Add a server and sync it; its libraries appear here."
      />
    </>
  );
}
