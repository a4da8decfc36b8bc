import { Button, Card, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { NewPasswordField } from '../../../components/PasswordField';

export function ChangePasswordCard() {
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.newPassword ? null : 'The two passwords differ'),
    },
  });
  const mutation = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.POST('/api/auth/password/change', { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } })),
    onSuccess: () => {
      form.reset();
      notifySuccess('Your password is changed. Other devices were logged out.');
    },
  });
  return (
    <Card withBorder padding="lg" radius="md">
      <form onSubmit={form.onSubmit((values) => mutation.mutate(values))} noValidate>
        <Stack>
          <div>
            <Title order={3} size="h4">
              Change password
            </Title>
            <Text size="sm" c="dimmed">
              Changing it logs out every other device.
            </Text>
          </div>
          <PasswordInput label="Current password" autoComplete="current-password" required {...form.getInputProps('currentPassword')} />
          <NewPasswordField label="New password" required {...form.getInputProps('newPassword')} />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" required {...form.getInputProps('confirm')} />
          <FormError error={mutation.error} />
          <Button type="submit" loading={mutation.isPending} style={{ alignSelf: 'flex-start' }}>
            Change password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
