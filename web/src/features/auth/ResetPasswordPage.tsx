import { Alert, Anchor, Button, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { FormError } from '../../components/FormError';
import { NewPasswordField } from '../../components/PasswordField';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The two passwords differ'),
    },
  });
  const mutation = useMutation({
    mutationFn: (password: string) => unwrap(api.POST('/api/auth/password/reset', { body: { token, password } })),
  });

  if (!token) {
    return (
      <Stack>
        <Title order={2}>Choose a new password</Title>
        <Alert color="yellow">This page needs the link from the password reset email. Ask for a new one if you lost it.</Alert>
        <Anchor component={Link} to="/forgot-password" size="sm">
          Send me a reset link
        </Anchor>
      </Stack>
    );
  }
  if (mutation.isSuccess) {
    return (
      <Stack>
        <Title order={2}>Password changed</Title>
        <Text>Your new password is set. Log in with it now.</Text>
        <Button component={Link} to="/login">
          Log in
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={form.onSubmit((v) => mutation.mutate(v.password))} noValidate>
      <Stack>
        <Title order={2}>Choose a new password</Title>
        <NewPasswordField label="New password" required {...form.getInputProps('password')} />
        <PasswordInput label="Repeat the new password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
        <FormError error={mutation.error} />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Set new password
        </Button>
        <Anchor component={Link} to="/forgot-password" size="sm">
          The link expired? Ask for a new one
        </Anchor>
      </Stack>
    </form>
  );
}
