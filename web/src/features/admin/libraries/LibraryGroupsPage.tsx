import { Anchor, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconLock, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, pageLocally, type DataTableAction, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { NameModal } from '../media/NameModal';
import { GROUPS_KEY, refreshMedia, type LibraryGroup } from '../media/queries';

const MEANING: Record<string, string> = {
  private: 'Never shared with any plan. New libraries start here.',
  standard: 'Included in every plan.',
  premium4k: 'For 4K libraries; included in the plans that list it.',
};

const columns: DataTableColumn<LibraryGroup>[] = [
  {
    key: 'name',
    header: 'Group',
    sortable: true,
    value: (g) => g.name,
    render: (g) => (
      <Stack gap={0}>
        <Group gap={6} wrap="nowrap">
          {g.locked && (
            <Tooltip label="Built in: cannot be renamed or deleted">
              <IconLock size={14} aria-label="Locked" />
            </Tooltip>
          )}
          <Text size="sm" fw={500}>
            {g.name}
          </Text>
          {g.locked && (
            <Badge size="xs" variant="light" color="gray">
              Locked
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {(g.builtin && MEANING[g.builtin]) ?? 'Included in the plans that list it.'}
        </Text>
      </Stack>
    ),
  },
  {
    key: 'libraries',
    header: 'Libraries',
    sortable: true,
    value: (g) => g.libraries,
    render: (g) =>
      g.libraries > 0 ? (
        <Anchor component={Link} to={`/admin/libraries?group=${g.id}`} size="sm">
          {g.libraries}
        </Anchor>
      ) : (
        <Text size="sm" c="dimmed">
          0
        </Text>
      ),
  },
];

export function LibraryGroupsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'servers.write');
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'rename'; group: LibraryGroup } | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => refreshMedia(queryClient);

  // Locked groups get no menu at all: the lock says why.
  const rowActions = (g: LibraryGroup): DataTableAction[] =>
    g.locked
      ? []
      : [
          { label: 'Rename', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'rename', group: g }) },
          {
            label: 'Delete',
            icon: <IconTrash size={16} />,
            color: 'red',
            disabled: !writable,
            onClick: () =>
              confirm({
                title: 'Delete library group',
                message:
                  g.libraries > 0
                    ? `Delete ${g.name}? Its ${g.libraries === 1 ? 'library goes' : `${g.libraries} libraries go`} back to Private and stop being shared with the plans that include ${g.name}.`
                    : `Delete ${g.name}? No library is in it.`,
                confirmLabel: 'Delete',
                action: async () => {
                  await unwrap(api.DELETE('/api/admin/library-groups/{id}', { params: { path: { id: g.id } } }));
                  await refresh();
                },
                success: `${g.name} is deleted.`,
              }),
          },
        ];

  return (
    <>
      <PageHeader
        title="Library Groups"
        description="Plans include libraries by group, e.g. Standard, Premium 4K, Audiobooks. Assign each library to a group on the Libraries page."
      />
      <DataTable
        queryKey={[...GROUPS_KEY, 'table']}
        fetchPage={async (query) => {
          const { items } = await unwrap(api.GET('/api/admin/library-groups'));
          return pageLocally(items, query, { search: (g) => g.name, sortBy: { name: (g) => g.name, libraries: (g) => g.libraries } });
        }}
        columns={columns}
        rowKey={(g) => g.id}
        rowLabel={(g) => g.name}
        rowActions={rowActions}
        headerActions={[{ label: 'Add group', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add' }) }]}
        searchPlaceholder="Search groups"
        emptyMessage="No groups."
      />
      {dialog?.kind === 'add' && (
        <NameModal
          title="Add library group"
          label="Name"
          maxLength={60}
          hint="E.g. 4K, Remux, Audiobooks or Trial. Then include it in plans and put libraries in it."
          submitLabel="Add group"
          onSubmit={async (name) => {
            await unwrap(api.POST('/api/admin/library-groups', { body: { name } }));
            await refresh();
          }}
          success={(name) => `${name} added.`}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameModal
          title={`Rename ${dialog.group.name}`}
          label="Name"
          initial={dialog.group.name}
          maxLength={60}
          submitLabel="Rename"
          onSubmit={async (name) => {
            await unwrap(api.PATCH('/api/admin/library-groups/{id}', { params: { path: { id: dialog.group.id } }, body: { name } }));
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
