import { Anchor, Button, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { FullPageLoader } from '../../app/guards';
import { homeFor, safeNext, SESSION_KEY, useLogout, useSession } from '../../app/session';
import { FormError } from '../../components/FormError';
import { notifySuccess } from '../../components/notify';

type Method = 'totp' | 'email' | 'recovery';

const LABELS: Record<Method, string> = { totp: 'Authenticator app', recovery: 'Recovery code', email: 'Emailed code' };
const HELP: Record<Method, string> = {
  totp: 'Enter the 6-digit code your authenticator app shows for this site.',
  recovery: 'Enter one of the recovery codes you saved when you set up the authenticator app. Each works once.',
  email: 'Enter the 6-digit code we emailed you. It expires after a few minutes.',
};

export function SecondFactorPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const logout = useLogout();
  const next = safeNext((location.state as { next?: string } | null)?.next);
  const methods = (session.data?.secondFactorMethods ?? []) as Method[];
  const [chosen, setChosen] = useState<Method | null>(null);
  const method: Method = chosen ?? (methods.includes('totp') ? 'totp' : 'email');
  const form = useForm({ initialValues: { code: '' }, validate: { code: (v) => (v.trim().length >= 4 ? null : 'Enter the code') } });

  const verify = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/api/auth/2fa/verify', { body: { method, code: code.trim() } })),
    onSuccess: async (view) => {
      queryClient.setQueryData(SESSION_KEY, view);
      await navigate(next ?? homeFor(view.login), { replace: true });
    },
  });
  const resend = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/2fa/email-code', { body: {} })),
    onSuccess: () => notifySuccess('A new code is on its way to your inbox.'),
  });

  if (session.isPending) return <FullPageLoader />;
  if (!verify.isPending && !verify.isSuccess) {
    if (session.data?.authenticated) return <Navigate to={next ?? homeFor(session.data.login)} replace />;
    if (session.data?.stage !== 'second_factor') return <Navigate to="/login" replace />;
  }

  return (
    <form onSubmit={form.onSubmit((values) => verify.mutate(values.code))} noValidate>
      <Stack>
        <Title order={2}>Two-step verification</Title>
        {methods.length > 1 && (
          <SegmentedControl
            fullWidth
            value={method}
            onChange={(value) => {
              setChosen(value as Method);
              form.reset();
              verify.reset();
            }}
            data={methods.map((m) => ({ value: m, label: LABELS[m] }))}
          />
        )}
        <Text size="sm" c="dimmed">
          {HELP[method]}
        </Text>
        <TextInput
          label={method === 'recovery' ? 'Recovery code' : 'Code'}
          required
          autoComplete="one-time-code"
          inputMode={method === 'recovery' ? 'text' : 'numeric'}
          spellCheck={false}
          data-autofocus
          {...form.getInputProps('code')}
        />
        <FormError error={verify.error ?? resend.error} />
        <Button type="submit" loading={verify.isPending} fullWidth>
          Verify
        </Button>
        <Group justify="space-between">
          {method === 'email' ? (
            <Anchor component="button" type="button" size="sm" onClick={() => resend.mutate()} disabled={resend.isPending}>
              {methods.includes('totp') ? 'Email me a code' : 'Send a new code'}
            </Anchor>
          ) : (
            <span />
          )}
          <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => logout.mutate()}>
            Cancel and log out
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
