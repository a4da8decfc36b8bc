import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { useFormServerErrors } from '../../../lib/form-errors';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { humanize } from '../../../lib/format';
import type { Role } from '../useRoles';
import { useConfirmedClose } from '../../../lib/unsaved-changes';

export const PERMISSIONS_KEY = ['admin', 'permissions'] as const;

function usePermissions() {
  return useQuery({ queryKey: PERMISSIONS_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/permissions'))).items, staleTime: Infinity });
}

/** Permissions grouped by their area ("logins.read" → "Logins"), so the list reads like the menu. */
function byArea(items: { name: string; description: string }[]) {
  const groups = new Map<string, { name: string; description: string }[]>();
  for (const item of items) {
    const area = item.name.split('.')[0] ?? item.name;
    groups.set(area, [...(groups.get(area) ?? []), item]);
  }
  return [...groups];
}

const AREA_LABELS: Record<string, string> = { apikeys: 'API keys' };

export function RoleEditor({ role, onClose, onDone }: { role: Role | 'new'; onClose: () => void; onDone: () => Promise<unknown> }) {
  const permissions = usePermissions();
  const isNew = role === 'new';
  const readOnly = !isNew && role.builtin !== null;
  const form = useForm({
    initialValues: { name: isNew ? '' : role.name, permissions: isNew ? [] : role.permissions },
    validate: { name: (v) => (v.trim() ? null : 'Give the role a name') },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      isNew
        ? unwrap(api.POST('/api/admin/roles', { body: { name: v.name.trim(), permissions: v.permissions } }))
        : unwrap(api.PATCH('/api/admin/roles/{id}', { params: { path: { id: role.id } }, body: { name: v.name.trim(), permissions: v.permissions } })),
    onSuccess: async (saved) => {
      notifySuccess(`Role ${saved.name} saved.`);
      await onDone();
      onClose();
    },
  });
  const formError = useFormServerErrors(form, save.error, { codeFields: { role_name_taken: 'name' } });
  const all = !isNew && role.permissions.includes('*');
  const requestClose = useConfirmedClose(form.isDirty(), onClose);

  return (
    <Modal opened onClose={requestClose} title={isNew ? 'Add role' : readOnly ? role.name : `Edit ${role.name}`} size="lg" centered>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
        <Stack>
          {readOnly && (
            <Text size="sm" c="dimmed">
              Built-in roles cannot be changed. {all ? 'Administrators hold every permission.' : 'Customers hold no admin permission.'}
            </Text>
          )}
          <TextInput label="Name" required disabled={readOnly} data-autofocus {...form.getInputProps('name')} />
          {!all && (
            <Checkbox.Group label="Permissions" {...form.getInputProps('permissions')}>
              {permissions.isError && <FormError error={permissions.error} />}
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="md">
                {byArea(permissions.data ?? []).map(([area, items]) => (
                  <Stack key={area} gap={6}>
                    <Title order={6}>{AREA_LABELS[area] ?? humanize(area)}</Title>
                    {items.map((p) => (
                      <Checkbox key={p.name} value={p.name} label={p.description} disabled={readOnly} />
                    ))}
                  </Stack>
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          {!readOnly && (
            <Text size="xs" c="dimmed">
              Staff with this role see only the admin pages their permissions open.
            </Text>
          )}
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={requestClose}>
              {readOnly ? 'Close' : 'Cancel'}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={save.isPending}>
                {isNew ? 'Add role' : 'Save role'}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
