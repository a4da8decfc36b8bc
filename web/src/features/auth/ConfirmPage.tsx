import { Alert, Anchor, Button, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { FormError } from '../../components/FormError';

export function ConfirmPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const confirm = useMutation({ mutationFn: (value: string) => unwrap(api.POST('/api/auth/confirm', { body: { token: value } })) });
  const started = useRef(false);

  useEffect(() => {
    // The link is single-use; React's development double effect must not spend it twice.
    if (token && !started.current) {
      started.current = true;
      confirm.mutate(token);
    }
  }, [token, confirm]);

  if (token && (confirm.isPending || confirm.isIdle)) {
    return (
      <Stack align="center">
        <Title order={2}>Confirming your email…</Title>
        <Loader />
      </Stack>
    );
  }
  if (confirm.isSuccess) {
    return (
      <Stack>
        <Title order={2}>Email confirmed</Title>
        <Text>Thank you. Your account is active and you can log in now.</Text>
        <Button component={Link} to="/login">
          Log in
        </Button>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Confirm your email</Title>
      {confirm.isError && <FormError error={confirm.error} />}
      <ResendConfirmation initialEmail={params.get('email') ?? ''} />
    </Stack>
  );
}

function ResendConfirmation({ initialEmail }: { initialEmail: string }) {
  const form = useForm({ initialValues: { email: initialEmail }, validate: { email: isEmail('Enter a valid email address') } });
  const resend = useMutation({ mutationFn: (email: string) => unwrap(api.POST('/api/auth/confirm/resend', { body: { email } })) });
  if (resend.isSuccess) {
    return (
      <Alert color="green" title="Email sent">
        If {form.values.email} has an unconfirmed account, a new confirmation link is on its way.
      </Alert>
    );
  }
  return (
    <form onSubmit={form.onSubmit((v) => resend.mutate(v.email.trim()))} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Enter the email you registered with and we will send a new confirmation link.
        </Text>
        <TextInput label="Email" type="email" required autoComplete="email" {...form.getInputProps('email')} />
        <FormError error={resend.error} />
        <Button type="submit" loading={resend.isPending}>
          Send a new link
        </Button>
        <Anchor component={Link} to="/login" size="sm">
          Back to log in
        </Anchor>
      </Stack>
    </form>
  );
}
