import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconCopy, IconKey, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { DataTable, pageLocally, type DataTableColumn } from '../../components/data-table';
import { useFormServerErrors } from '../../lib/form-errors';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { ADMIN_ROLE_ID, USER_ROLE_ID } from '../../lib/roles';
import { useGrantableRoles, useRoles } from './useRoles';

type ApiKey = Schemas['ApiKey'];
const KEYS_KEY = ['admin', 'api-keys'] as const;

const columns: DataTableColumn<ApiKey>[] = [
  { key: 'name', header: 'Name', sortable: true, value: (k) => k.name, render: (k) => <Text fw={500} size="sm">{k.name}</Text> },
  { key: 'prefix', header: 'Key', value: (k) => k.prefix, render: (k) => <Code>{k.prefix}…</Code> },
  { key: 'role', header: 'Role', sortable: true, value: (k) => k.roleName },
  { key: 'createdAt', header: 'Created', sortable: true, value: (k) => k.createdAt, render: (k) => formatDateTime(k.createdAt), visibleFrom: 'md' },
  { key: 'lastUsedAt', header: 'Last used', sortable: true, value: (k) => k.lastUsedAt, render: (k) => (k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'Never'), visibleFrom: 'sm' },
  {
    key: 'status',
    header: 'Status',
    value: (k) => (k.revokedAt ? 'revoked' : 'active'),
    render: (k) => (
      <Badge color={k.revokedAt ? 'gray' : 'green'} variant="light">
        {k.revokedAt ? 'Revoked' : 'Active'}
      </Badge>
    ),
  },
];

function CreateKeyModal({ onClose, onDone }: { onClose: () => void; onDone: () => Promise<unknown> }) {
  const roles = useRoles();
  // A key can do at most what its creator can: only roles within the caller's own are offered.
  const grantable = useGrantableRoles(roles.data).filter((r) => r.id !== USER_ROLE_ID);
  const form = useForm({
    initialValues: { name: '', roleId: '' },
    validate: { name: (v) => (v.trim() ? null : 'Name the key after what uses it') },
  });
  const initialRole = grantable.some((r) => r.id === ADMIN_ROLE_ID) ? ADMIN_ROLE_ID : (grantable[0]?.id ?? '');
  const { setFieldValue } = form;
  const chosen = form.values.roleId;
  useEffect(() => {
    if (!chosen && initialRole) setFieldValue('roleId', initialRole);
  }, [chosen, initialRole, setFieldValue]);
  const create = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/admin/api-keys', { body: { name: v.name.trim(), roleId: v.roleId || initialRole } })),
    onSuccess: () => onDone(),
  });
  const formError = useFormServerErrors(form, create.error);
  const options = grantable.map((r) => ({ value: r.id, label: r.name }));

  return (
    <Modal opened onClose={onClose} title={create.data ? 'Copy your API key' : 'Create API key'} centered size="lg">
      {create.data ? (
        <Stack>
          <Alert color="yellow" title="Shown only once">
            Copy the key now and store it safely. Usher keeps only a hash of it, so it cannot be shown again.
          </Alert>
          <Code block fz="sm" data-testid="new-api-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {create.data.key}
          </Code>
          <Text size="sm" c="dimmed">
            Send it as <Code>Authorization: Bearer &lt;key&gt;</Code>.
          </Text>
          <Group justify="flex-end">
            <CopyButton value={create.data.key}>
              {({ copied, copy }) => (
                <Button variant="default" leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                  {copied ? 'Copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
          <Stack>
            <TextInput label="Name" placeholder="e.g. Billing sync script" required data-autofocus {...form.getInputProps('name')} />
            <Select
              label="Role"
              description="The key can do what this role can. It stops working if you lose that role's permissions."
              data={options}
              allowDeselect={false}
              {...form.getInputProps('roleId')}
            />
            <FormError error={formError} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEYS_KEY });

  return (
    <>
      <PageHeader title="API keys" description="Keys let scripts and other services call Usher's API with the permissions of a role." />
      <DataTable
        queryKey={KEYS_KEY}
        fetchPage={async (query) =>
          pageLocally((await unwrap(api.GET('/api/admin/api-keys'))).items, query, {
            search: (k) => `${k.name} ${k.prefix} ${k.roleName}`,
            sortBy: { name: (k) => k.name.toLowerCase(), role: (k) => k.roleName, createdAt: (k) => k.createdAt, lastUsedAt: (k) => k.lastUsedAt },
          })
        }
        columns={columns}
        rowKey={(k) => k.id}
        rowLabel={(k) => k.name}
        rowActions={(k) => [
          {
            label: 'Revoke',
            icon: <IconTrash size={16} />,
            color: 'red',
            disabled: k.revokedAt !== null,
            onClick: () =>
              confirm({
                title: 'Revoke API key',
                message: `Anything using "${k.name}" (${k.prefix}…) will be refused from now on.`,
                confirmLabel: 'Revoke',
                action: () => unwrap(api.DELETE('/api/admin/api-keys/{id}', { params: { path: { id: k.id } } })).then(refresh),
                success: `Key ${k.name} revoked.`,
              }),
          },
        ]}
        headerActions={[{ label: 'Create API key', icon: <IconKey size={16} />, onClick: () => setCreating(true) }]}
        searchPlaceholder="Search keys"
        initialSort={{ key: 'createdAt', order: 'desc' }}
        exportName="api-keys"
        emptyMessage="No API keys yet."
      />
      {creating && <CreateKeyModal onClose={() => setCreating(false)} onDone={refresh} />}
      {confirmDialog}
    </>
  );
}
