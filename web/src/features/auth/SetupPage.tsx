import { Button, Code, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY, SETUP_KEY, useSetupStatus } from '../../app/session';
import { FormError } from '../../components/FormError';
import { NewPasswordField } from '../../components/PasswordField';

export function SetupPage() {
  const setup = useSetupStatus();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { token: '', email: '', password: '', confirm: '' },
    validate: {
      token: (v) => (v.trim() ? null : 'Paste the token printed in the server log'),
      email: isEmail('Enter a valid email address'),
      password: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The two passwords differ'),
    },
  });
  const mutation = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/setup', { body: { token: v.token.trim(), email: v.email.trim(), password: v.password } })),
    onSuccess: async (session) => {
      queryClient.setQueryData(SESSION_KEY, session);
      queryClient.setQueryData(SETUP_KEY, { needsSetup: false });
      await navigate('/admin', { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError) form.setErrors(error.fieldErrors());
    },
  });

  if (setup.data?.needsSetup === false && !mutation.isPending && !mutation.isSuccess) {
    return (
      <Stack>
        <Title order={2}>Already set up</Title>
        <Text c="dimmed">This site already has an administrator.</Text>
        <Button component={Link} to="/login">
          Log in
        </Button>
      </Stack>
    );
  }

  return (
    <form onSubmit={form.onSubmit((values) => mutation.mutate(values))} noValidate>
      <Stack>
        <div>
          <Title order={2}>Set up Usher</Title>
          <Text c="dimmed" size="sm" mt={4}>
            Create the administrator login. To prove this is your server, enter the one-time setup token Usher printed in its log
            when it started (the line after <Code>enter this one-time setup token</Code>).
          </Text>
        </div>
        <TextInput label="Setup token" required autoComplete="off" spellCheck={false} {...form.getInputProps('token')} />
        <TextInput label="Administrator email" type="email" required autoComplete="email" {...form.getInputProps('email')} />
        <NewPasswordField label="Password" required {...form.getInputProps('password')} />
        <PasswordInput label="Repeat the password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
        <FormError error={mutation.error} />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Create administrator
        </Button>
      </Stack>
    </form>
  );
}
