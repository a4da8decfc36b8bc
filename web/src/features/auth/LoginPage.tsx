import { Anchor, Button, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { homeFor, safeNext, SESSION_KEY, usePublicSite, useSession } from '../../app/session';
import { FormError } from '../../components/FormError';

export function LoginPage() {
  const session = useSession();
  const site = usePublicSite();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: { email: isEmail('Enter a valid email address'), password: isNotEmpty('Enter your password') },
  });
  const mutation = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/auth/login', { body: { email: v.email.trim(), password: v.password } })),
    onSuccess: async (result) => {
      queryClient.setQueryData(SESSION_KEY, result.session);
      if (result.status === 'second_factor') await navigate('/login/2fa', { state: { next } });
      else await navigate(next ?? homeFor(result.session.login), { replace: true });
    },
  });

  if (!mutation.isPending && !mutation.isSuccess) {
    if (session.data?.stage === 'second_factor') return <Navigate to="/login/2fa" replace state={{ next }} />;
    if (session.data?.authenticated) return <Navigate to={next ?? homeFor(session.data.login)} replace />;
  }

  const unconfirmed = mutation.error instanceof ApiError && mutation.error.code === 'email_not_confirmed';
  return (
    <form onSubmit={form.onSubmit((values) => mutation.mutate(values))} noValidate>
      <Stack>
        <Title order={2}>Log in</Title>
        <TextInput label="Email" type="email" required autoComplete="username" {...form.getInputProps('email')} />
        <PasswordInput label="Password" required autoComplete="current-password" {...form.getInputProps('password')} />
        <Group justify="flex-end" mt={-8}>
          <Anchor component={Link} to="/forgot-password" size="sm">
            Forgot your password?
          </Anchor>
        </Group>
        <FormError error={mutation.error} />
        {unconfirmed && (
          <Anchor component={Link} to={`/confirm?email=${encodeURIComponent(form.values.email)}`} size="sm">
            Send the confirmation email again
          </Anchor>
        )}
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Log in
        </Button>
        {site.data?.registrationEnabled !== false && (
          <Text size="sm" ta="center" c="dimmed">
            New here?{' '}
            <Anchor component={Link} to="/register">
              Create an account
            </Anchor>
          </Text>
        )}
      </Stack>
    </form>
  );
}
