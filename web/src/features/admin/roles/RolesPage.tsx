import { Badge, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconEye, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { useConfirm } from '../../../components/ConfirmDialog';
import { deleteAction, DataTable, pageLocally, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime } from '../../../lib/format';
import { ROLES_KEY, type Role } from '../useRoles';
import { RoleEditor } from './RoleEditor';

const columns: DataTableColumn<Role>[] = [
  { key: 'name', header: 'Role', sortable: true, value: (r) => r.name, render: (r) => <Text fw={500} size="sm">{r.name}</Text> },
  {
    key: 'type',
    header: 'Type',
    sortable: true,
    value: (r) => (r.builtin ? 'built-in' : 'custom'),
    render: (r) => (
      <Badge variant="light" color={r.builtin ? 'gray' : 'blue'}>
        {r.builtin ? 'Built-in' : 'Custom'}
      </Badge>
    ),
  },
  {
    key: 'permissions',
    header: 'Permissions',
    value: (r) => r.permissions.join(' '),
    render: (r) => (r.permissions.includes('*') ? 'All' : r.permissions.length === 0 ? 'None' : `${r.permissions.length}`),
  },
  { key: 'updatedAt', header: 'Updated', sortable: true, value: (r) => r.updatedAt, render: (r) => formatDateTime(r.updatedAt), visibleFrom: 'sm' },
];

export function RolesPage() {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ROLES_KEY });

  return (
    <>
      <PageHeader
        title="Roles"
        description="A role is a set of admin permissions given to a login. Administrator and User are built in; add custom roles for staff."
      />
      <DataTable
        queryKey={[...ROLES_KEY, 'table']}
        fetchPage={async (query) =>
          pageLocally((await unwrap(api.GET('/api/admin/roles'))).items, query, {
            search: (r) => r.name,
            sortBy: { name: (r) => r.name.toLowerCase(), type: (r) => (r.builtin ? 0 : 1), updatedAt: (r) => r.updatedAt },
          })
        }
        columns={columns}
        rowKey={(r) => r.id}
        rowLabel={(r) => r.name}
        rowActions={(r) =>
          r.builtin
            ? [{ label: 'View permissions', icon: <IconEye size={16} />, onClick: () => setEditing(r) }]
            : [
                { label: 'Edit', icon: <IconEdit size={16} />, onClick: () => setEditing(r) },
                deleteAction({
                  confirm,
                  title: 'Delete role',
                  message: `Delete the role ${r.name}? Only a role no login or API key uses can be deleted.`,
                  action: () => unwrap(api.DELETE('/api/admin/roles/{id}', { params: { path: { id: r.id } } })).then(refresh),
                  success: `Role ${r.name} deleted.`,
                }),
              ]
        }
        headerActions={[{ label: 'Add role', icon: <IconPlus size={16} />, onClick: () => setEditing('new') }]}
        searchPlaceholder="Search roles"
        initialSort={{ key: 'type', order: 'asc' }}
        exportName="roles"
      />
      {editing && <RoleEditor role={editing} onClose={() => setEditing(null)} onDone={refresh} />}
      {confirmDialog}
    </>
  );
}
