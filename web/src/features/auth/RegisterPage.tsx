import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { usePublicSite } from '../../app/session';
import { FormError } from '../../components/FormError';
import { NewPasswordField } from '../../components/PasswordField';

export function RegisterPage() {
  const site = usePublicSite();
  const requiresDiscord = () => site.data?.registrationRequiresDiscord === true;
  const form = useForm({
    initialValues: { email: '', displayName: '', discordUsername: '', discordId: '', password: '', confirm: '' },
    validate: {
      email: isEmail('Enter a valid email address'),
      discordUsername: (v) => (requiresDiscord() && v.trim().length < 2 ? 'Enter your Discord username' : null),
      discordId: (v) => (requiresDiscord() && !/^\d{15,21}$/.test(v.trim()) ? 'Your Discord user ID is a long number (Discord → Settings → Advanced → Developer Mode, then Copy User ID)' : null),
      password: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The two passwords differ'),
    },
  });
  const mutation = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/auth/register', {
          body: {
            email: v.email.trim(),
            password: v.password,
            ...(v.displayName.trim() ? { displayName: v.displayName.trim() } : {}),
            ...(requiresDiscord() ? { discordUsername: v.discordUsername.trim(), discordId: v.discordId.trim() } : {}),
          },
        }),
      ),
    onError: (error) => {
      if (error instanceof ApiError) form.setErrors(error.fieldErrors());
    },
  });

  if (mutation.data) {
    return (
      <Stack>
        <Title order={2}>{mutation.data.status === 'confirmation_sent' ? 'Check your email' : 'Account created'}</Title>
        <Text>
          {mutation.data.status === 'confirmation_sent'
            ? `We sent an email to ${form.values.email}. Open the link in it to activate your account, then log in. If that address already has an account, or cannot sign up here, the email says so instead.`
            : `Your account is ready: you can log in now. If ${form.values.email} already had an account, we emailed it instead.`}
        </Text>
        <Button component={Link} to="/login">
          Go to log in
        </Button>
      </Stack>
    );
  }

  if (site.data && !site.data.registrationEnabled) {
    return (
      <Stack>
        <Title order={2}>Create an account</Title>
        <Alert color="yellow">Registration is closed on this site. Ask the site owner for an invitation.</Alert>
        <Anchor component={Link} to="/login" size="sm">
          Back to log in
        </Anchor>
      </Stack>
    );
  }

  return (
    <form onSubmit={form.onSubmit((values) => mutation.mutate(values))} noValidate>
      <Stack>
        <Title order={2}>Create an account</Title>
        <TextInput label="Email" type="email" required autoComplete="email" {...form.getInputProps('email')} />
        <TextInput label="Name" description="Optional: how we greet you" autoComplete="name" {...form.getInputProps('displayName')} />
        {requiresDiscord() && (
          <>
            <TextInput label="Discord username" required autoComplete="off" {...form.getInputProps('discordUsername')} />
            <TextInput
              label="Discord user ID"
              description="A long number: in Discord turn on Developer Mode, then right-click your name → Copy User ID"
              required
              inputMode="numeric"
              {...form.getInputProps('discordId')}
            />
          </>
        )}
        <NewPasswordField label="Password" required {...form.getInputProps('password')} />
        <PasswordInput label="Repeat the password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
        <FormError error={mutation.error} />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Create account
        </Button>
        <Text size="sm" ta="center" c="dimmed">
          Already have an account?{' '}
          <Anchor component={Link} to="/login">
            Log in
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
