import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { FormError } from '../../components/FormError';

export function ForgotPasswordPage() {
  const form = useForm({ initialValues: { email: '' }, validate: { email: isEmail('Enter a valid email address') } });
  const mutation = useMutation({ mutationFn: (email: string) => unwrap(api.POST('/api/auth/password/forgot', { body: { email } })) });
  return (
    <form onSubmit={form.onSubmit((v) => mutation.mutate(v.email.trim()))} noValidate>
      <Stack>
        <Title order={2}>Forgot your password?</Title>
        {mutation.isSuccess ? (
          <Alert color="green" title="Check your email">
            If {form.values.email} has an account here, we sent it a link to choose a new password. The link expires soon, so use it
            today.
          </Alert>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              Enter your email and we will send you a link to choose a new password.
            </Text>
            <TextInput label="Email" type="email" required autoComplete="email" {...form.getInputProps('email')} />
            <FormError error={mutation.error} />
            <Button type="submit" loading={mutation.isPending} fullWidth>
              Send reset link
            </Button>
          </>
        )}
        <Anchor component={Link} to="/login" size="sm">
          Back to log in
        </Anchor>
      </Stack>
    </form>
  );
}
