import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';
import { useFormServerErrors } from '../../../lib/form-errors';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { NewPasswordField } from '../../../components/PasswordField';
import { USER_ROLE_ID } from '../../../lib/roles';
import { roleOptions, useGrantableRoles, type Role } from '../useRoles';

type Login = Schemas['LoginListItem'];

interface DialogProps {
  onClose: () => void;
  onDone: () => Promise<unknown>;
}

export function AddLoginModal({ roles, onClose, onDone }: DialogProps & { roles: Role[] | undefined }) {
  const grantable = useGrantableRoles(roles);
  const form = useForm({
    initialValues: { email: '', displayName: '', password: '', roleId: USER_ROLE_ID },
    validate: {
      email: isEmail('Enter a valid email address'),
      password: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      roleId: (v) => (v ? null : 'Choose a role'),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/admin/logins', {
          body: { email: v.email.trim(), password: v.password, roleId: v.roleId, ...(v.displayName.trim() ? { displayName: v.displayName.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      notifySuccess(`Login ${form.values.email} added.`);
      await onDone();
      onClose();
    },
  });
  const formError = useFormServerErrors(form, create.error, { codeFields: { email_taken: 'email', login_exists: 'email', weak_password: 'password' } });
  return (
    <Modal opened onClose={onClose} title="Add login" centered>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <TextInput label="Email" type="email" required data-autofocus {...form.getInputProps('email')} />
          <TextInput label="Name" description="Optional" {...form.getInputProps('displayName')} />
          <NewPasswordField label="Password" required {...form.getInputProps('password')} />
          <Select label="Role" required data={roleOptions(grantable)} allowDeselect={false} {...form.getInputProps('roleId')} />
          <Text size="xs" c="dimmed">
            Logins added here need no email confirmation.
          </Text>
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add login
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function SetPasswordModal({ login, onClose, onDone }: DialogProps & { login: Login }) {
  const form = useForm({ initialValues: { password: '' }, validate: { password: (v) => (v.length >= 8 ? null : 'At least 8 characters') } });
  const save = useMutation({
    mutationFn: (password: string) => unwrap(api.PUT('/api/admin/logins/{id}/password', { params: { path: { id: login.id } }, body: { password } })),
    onSuccess: async () => {
      notifySuccess(`New password set for ${login.email}.`);
      await onDone();
      onClose();
    },
  });
  const formError = useFormServerErrors(form, save.error, { codeFields: { weak_password: 'password' } });
  return (
    <Modal opened onClose={onClose} title={`Set password for ${login.email}`} centered>
      <form onSubmit={form.onSubmit((v) => save.mutate(v.password))} noValidate>
        <Stack>
          <NewPasswordField label="New password" required data-autofocus {...form.getInputProps('password')} />
          <Text size="xs" c="dimmed">
            The login&apos;s other sessions are logged out.
          </Text>
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function SetRoleModal({ login, roles, onClose, onDone }: DialogProps & { login: Login; roles: Role[] | undefined }) {
  const form = useForm({ initialValues: { roleId: login.roleId } });
  const grantable = useGrantableRoles(roles);
  // The current role stays listed so the picker can show it, even when it is above the caller's.
  const options = roleOptions(grantable);
  if (!options.some((o) => o.value === login.roleId)) options.unshift({ value: login.roleId, label: login.roleName });
  const save = useMutation({
    mutationFn: (roleId: string) => unwrap(api.PUT('/api/admin/logins/{id}/role', { params: { path: { id: login.id } }, body: { roleId } })),
    onSuccess: async () => {
      notifySuccess(`Role of ${login.email} changed.`);
      await onDone();
      onClose();
    },
  });
  const formError = useFormServerErrors(form, save.error, { codeFields: { weak_password: 'password' } });
  return (
    <Modal opened onClose={onClose} title={`Role of ${login.email}`} centered>
      <form onSubmit={form.onSubmit((v) => save.mutate(v.roleId))}>
        <Stack>
          <Select label="Role" data={options} allowDeselect={false} {...form.getInputProps('roleId')} />
          <Text size="xs" c="dimmed">
            The new permissions apply from the login&apos;s next request.
          </Text>
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={form.values.roleId === login.roleId}>
              Save role
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
