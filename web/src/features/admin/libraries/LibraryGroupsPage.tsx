import { Anchor, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import type { DataTableColumn } from '../../../components/data-table';
import { NamedEntityPage } from '../media/NamedEntityPage';
import { GROUPS_KEY, type LibraryGroup } from '../media/queries';

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
  return (
    <NamedEntityPage<LibraryGroup>
      title="Library Groups"
      description="Plans include libraries by group, e.g. Standard, Premium 4K, Audiobooks. Assign each library to a group on the Libraries page."
      noun="library group"
      queryKey={GROUPS_KEY}
      list={async () => (await unwrap(api.GET('/api/admin/library-groups'))).items}
      add={(name) => unwrap(api.POST('/api/admin/library-groups', { body: { name } }))}
      rename={(id, name) => unwrap(api.PATCH('/api/admin/library-groups/{id}', { params: { path: { id } }, body: { name } }))}
      remove={(id) => unwrap(api.DELETE('/api/admin/library-groups/{id}', { params: { path: { id } } }))}
      columns={columns}
      sortBy={{ name: (g) => g.name, libraries: (g) => g.libraries }}
      maxLength={60}
      addHint="E.g. 4K, Remux, Audiobooks or Trial. Then include it in plans and put libraries in it."
      deleteMessage={(g) =>
        g.libraries > 0
          ? `Delete ${g.name}? Its ${g.libraries === 1 ? 'library goes' : `${g.libraries} libraries go`} back to Private and stop being shared with the plans that include ${g.name}.`
          : `Delete ${g.name}? No library is in it.`
      }
      // Locked groups get no menu at all: the lock says why.
      locked={(g) => g.locked}
      exportName="library-groups"
      emptyMessage="No groups."
    />
  );
}
