import { Anchor, Badge, Button, Card, Code, CopyButton, Divider, Group, PasswordInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { SESSION_KEY, useSession } from '../../../app/session';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { PasswordPrompt, type PasswordPromptProps } from './PasswordPrompt';
import { ACCOUNT_KEY } from './ProfileCard';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpQrCode } from './TotpQrCode';

type Prompt = Omit<PasswordPromptProps, 'opened' | 'onClose'>;

function OnOff({ on }: { on: boolean }) {
  return (
    <Badge color={on ? 'green' : 'gray'} variant="light" style={{ flexShrink: 0 }}>
      {on ? 'On' : 'Off'}
    </Badge>
  );
}

export function TwoFactorCard() {
  const login = useSession().data?.login;
  const queryClient = useQueryClient();
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [prompt, setPrompt] = useState<Prompt | null>(null);

  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: SESSION_KEY }), queryClient.invalidateQueries({ queryKey: ACCOUNT_KEY })]);

  const start = useMutation({ mutationFn: () => unwrap(api.POST('/api/auth/2fa/totp/start', { body: {} })), onSuccess: setSetup });
  const enable = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/2fa/totp/enable', { body: { code: code.trim(), password } })),
    onSuccess: async (result) => {
      setSetup(null);
      setCode('');
      setPassword('');
      setCodes(result.recoveryCodes);
      notifySuccess('Your authenticator app is set up.');
      await refresh();
    },
  });

  if (!login) return null;
  const { totp, email, recoveryCodesLeft } = login.twoFactor;

  function ask(next: Prompt) {
    setPrompt({
      ...next,
      onSubmit: async (password) => {
        await next.onSubmit(password);
        setPrompt(null);
        await refresh();
      },
    });
  }

  const emailToggle = () =>
    ask({
      title: email ? 'Turn off emailed codes' : 'Turn on emailed codes',
      description: email
        ? 'You will no longer be able to log in with a code sent to your email.'
        : `When you log in, we will email a one-time code to ${login.email}.`,
      confirmLabel: email ? 'Turn off' : 'Turn on',
      onSubmit: async (password) => {
        await unwrap(api.POST('/api/auth/2fa/email', { body: { enabled: !email, password } }));
        notifySuccess(email ? 'Emailed codes are off.' : 'Emailed codes are on.');
      },
    });

  const regenerate = () =>
    ask({
      title: 'New recovery codes',
      description: 'Your old recovery codes stop working at once.',
      confirmLabel: 'Make new codes',
      onSubmit: async (password) => {
        const result = await unwrap(api.POST('/api/auth/2fa/recovery-codes', { body: { password } }));
        setCodes(result.recoveryCodes);
      },
    });

  const disableAll = () =>
    ask({
      title: 'Turn off two-factor authentication',
      description: 'Your authenticator app, recovery codes and emailed codes all stop working; a password alone will log you in.',
      confirmLabel: 'Turn off',
      color: 'red',
      onSubmit: async (password) => {
        await unwrap(api.POST('/api/auth/2fa/disable', { body: { password } }));
        notifySuccess('Two-factor authentication is off.');
      },
    });

  return (
    <Card withBorder padding="lg" radius="md">
      <Stack>
        <div>
          <Title order={3} size="h4">
            Two-factor authentication
          </Title>
          <Text size="sm" c="dimmed">
            A second step at login, so a stolen password is not enough.
          </Text>
        </div>
        {login.twoFactorRequired && (
          <Text size="sm" c="orange">
            This site requires staff to turn on a second factor before using the admin panel; until then your API keys do not work either.
          </Text>
        )}

        {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}

        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={500}>Authenticator app</Text>
            <Text size="sm" c="dimmed">
              {totp ? `${recoveryCodesLeft} recovery codes left.` : 'Codes from an app such as Aegis, 2FAS, Google or Microsoft Authenticator.'}
            </Text>
          </div>
          <OnOff on={totp} />
        </Group>
        {!totp && !setup && (
          <Button variant="light" onClick={() => start.mutate()} loading={start.isPending} style={{ alignSelf: 'flex-start' }}>
            Set up authenticator app
          </Button>
        )}
        {totp && (
          <Button variant="default" onClick={regenerate} style={{ alignSelf: 'flex-start' }}>
            Make new recovery codes
          </Button>
        )}
        <FormError error={start.error} />

        {setup && (
          <Stack gap="sm" p="md" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 8 }}>
            <Text size="sm">1. Scan this code with your authenticator app, or add an account with the setup key (or open the link on your phone):</Text>
            <Group gap="md" align="center">
              <TotpQrCode uri={setup.uri} />
              <Stack gap="xs" style={{ flex: '1 1 200px', minWidth: 0 }}>
                <Text size="xs" c="dimmed">
                  Setup key
                </Text>
                <Group gap="xs">
                  <Code fz="md" data-testid="totp-secret">
                    {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
                  </Code>
                  <CopyButton value={setup.secret}>
                    {({ copied, copy }) => (
                      <Button size="compact-xs" variant="subtle" onClick={copy} leftSection={copied ? <IconCheck size={12} /> : <IconCopy size={12} />}>
                        {copied ? 'Copied' : 'Copy'}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
                <Anchor href={setup.uri} size="xs" style={{ wordBreak: 'break-all' }} data-testid="totp-uri">
                  {setup.uri}
                </Anchor>
              </Stack>
            </Group>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                enable.mutate();
              }}
            >
              <Stack gap="xs">
                <TextInput
                  label="2. Enter the code the app shows"
                  value={code}
                  onChange={(event) => setCode(event.currentTarget.value)}
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  maxLength={10}
                  maw={260}
                />
                <PasswordInput
                  label="3. Confirm with your current password"
                  value={password}
                  onChange={(event) => setPassword(event.currentTarget.value)}
                  autoComplete="current-password"
                  maw={260}
                />
                <Group gap="xs">
                  <Button type="submit" loading={enable.isPending} disabled={code.trim().length < 6 || password.length === 0}>
                    Turn on
                  </Button>
                  <Button variant="default" onClick={() => setSetup(null)}>
                    Cancel
                  </Button>
                </Group>
              </Stack>
            </form>
            <FormError error={enable.error} />
          </Stack>
        )}

        <Divider />
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={500}>Emailed codes</Text>
            <Text size="sm" c="dimmed">
              A one-time code sent to {login.email} at each login.
            </Text>
          </div>
          <Switch checked={email} onChange={emailToggle} aria-label="Emailed codes" />
        </Group>

        {(totp || email) && (
          <>
            <Divider />
            <Button color="red" variant="light" onClick={disableAll} style={{ alignSelf: 'flex-start' }}>
              Turn off two-factor authentication
            </Button>
          </>
        )}
      </Stack>
      <PasswordPrompt opened={prompt !== null} onClose={() => setPrompt(null)} {...(prompt ?? { title: '', description: '', confirmLabel: '', onSubmit: async () => {} })} />
    </Card>
  );
}
