import { Text } from '@mantine/core';
import { api, unwrap } from '../../../api/client';
import type { DataTableColumn } from '../../../components/data-table';
import { formatDateTime } from '../../../lib/format';
import { NamedEntityPage } from '../media/NamedEntityPage';
import { LOCATIONS_KEY, type ServerLocation } from '../media/queries';

const columns: DataTableColumn<ServerLocation>[] = [
  { key: 'name', header: 'Location', sortable: true, value: (l) => l.name, render: (l) => <Text size="sm" fw={500}>{l.name}</Text> },
  { key: 'servers', header: 'Servers', sortable: true, value: (l) => l.servers },
  { key: 'createdAt', header: 'Added', sortable: true, value: (l) => l.createdAt, render: (l) => formatDateTime(l.createdAt), visibleFrom: 'sm' },
];

export function LocationsPage() {
  return (
    <NamedEntityPage<ServerLocation>
      title="Server Locations"
      description="Where your servers are hosted. Each server gets a location; at checkout a subscriber picks one when several locations have room."
      noun="location"
      queryKey={LOCATIONS_KEY}
      list={async () => (await unwrap(api.GET('/api/admin/server-locations'))).items}
      add={(name) => unwrap(api.POST('/api/admin/server-locations', { body: { name } }))}
      rename={(id, name) => unwrap(api.PATCH('/api/admin/server-locations/{id}', { params: { path: { id } }, body: { name } }))}
      remove={(id) => unwrap(api.DELETE('/api/admin/server-locations/{id}', { params: { path: { id } } }))}
      columns={columns}
      sortBy={{ name: (l) => l.name, servers: (l) => l.servers, createdAt: (l) => l.createdAt }}
      maxLength={100}
      addHint="Subscribers see this name, e.g. Europe, US East."
      deleteMessage={(l) =>
        l.servers > 0 ? `Delete ${l.name}? Its ${l.servers === 1 ? 'server keeps' : `${l.servers} servers keep`} running, without a location.` : `Delete ${l.name}?`
      }
      exportName="server-locations"
      initialSort={{ key: 'name', order: 'asc' }}
      emptyMessage="No locations yet. Add one, e.g. Europe or US East, then pick it on each server."
    />
  );
}
