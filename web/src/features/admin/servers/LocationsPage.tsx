import { Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, pageLocally, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime } from '../../../lib/format';
import { NameModal } from '../media/NameModal';
import { LOCATIONS_KEY, refreshMedia, type ServerLocation } from '../media/queries';

const columns: DataTableColumn<ServerLocation>[] = [
  { key: 'name', header: 'Location', sortable: true, value: (l) => l.name, render: (l) => <Text size="sm" fw={500}>{l.name}</Text> },
  { key: 'servers', header: 'Servers', sortable: true, value: (l) => l.servers },
  { key: 'createdAt', header: 'Added', sortable: true, value: (l) => l.createdAt, render: (l) => formatDateTime(l.createdAt), visibleFrom: 'sm' },
];

export function LocationsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'servers.write');
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'rename'; location: ServerLocation } | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => refreshMedia(queryClient);

  return (
    <>
      <PageHeader
        title="Server Locations"
        description="Where your servers are hosted. Each server gets a location; at checkout a subscriber picks one when several locations have room."
      />
      <DataTable
        queryKey={[...LOCATIONS_KEY, 'table']}
        fetchPage={async (query) => {
          const { items } = await unwrap(api.GET('/api/admin/server-locations'));
          return pageLocally(items, query, { search: (l) => l.name, sortBy: { name: (l) => l.name, servers: (l) => l.servers, createdAt: (l) => l.createdAt } });
        }}
        columns={columns}
        rowKey={(l) => l.id}
        rowLabel={(l) => l.name}
        rowActions={(l) => [
          { label: 'Rename', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'rename', location: l }) },
          {
            label: 'Delete',
            icon: <IconTrash size={16} />,
            color: 'red',
            disabled: !writable,
            onClick: () =>
              confirm({
                title: 'Delete location',
                message:
                  l.servers > 0
                    ? `Delete ${l.name}? Its ${l.servers === 1 ? 'server keeps' : `${l.servers} servers keep`} running, without a location.`
                    : `Delete ${l.name}?`,
                confirmLabel: 'Delete',
                action: async () => {
                  await unwrap(api.DELETE('/api/admin/server-locations/{id}', { params: { path: { id: l.id } } }));
                  await refresh();
                },
                success: `${l.name} is deleted.`,
              }),
          },
        ]}
        headerActions={[{ label: 'Add location', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add' }) }]}
        searchPlaceholder="Search locations"
        initialSort={{ key: 'name', order: 'asc' }}
        emptyMessage="No locations yet. Add one, e.g. Europe or US East, then pick it on each server."
      />
      {dialog?.kind === 'add' && (
        <NameModal
          title="Add location"
          label="Name"
          maxLength={100}
          hint="Subscribers see this name, e.g. Europe, US East."
          submitLabel="Add location"
          onSubmit={async (name) => {
            await unwrap(api.POST('/api/admin/server-locations', { body: { name } }));
            await refresh();
          }}
          success={(name) => `${name} added.`}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameModal
          title={`Rename ${dialog.location.name}`}
          label="Name"
          initial={dialog.location.name}
          maxLength={100}
          submitLabel="Rename"
          onSubmit={async (name) => {
            await unwrap(api.PATCH('/api/admin/server-locations/{id}', { params: { path: { id: dialog.location.id } }, body: { name } }));
            await refresh();
          }}
          success={(name) => `Renamed to ${name}.`}
          onClose={() => setDialog(null)}
        />
      )}
      {confirmDialog}
    </>
  );
}
