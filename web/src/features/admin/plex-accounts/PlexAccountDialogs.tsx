import { Alert, Button, Group, Input, Modal, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconCheck, IconPlugConnected } from '@tabler/icons-react';
import { useState, type ChangeEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { useFieldErrors } from '../../../lib/form-errors';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { SecretInput, type SecretState } from '../settings/SecretInput';
import type { PlexAccount } from '../media/queries';

interface DialogProps {
  onClose: () => void;
  onDone: () => Promise<unknown>;
}

type PassChoice = 'detect' | 'yes' | 'no';
const toOverride = (choice: PassChoice): boolean | null => (choice === 'detect' ? null : choice === 'yes');
const fromOverride = (value: boolean | null): PassChoice => (value === null ? 'detect' : value ? 'yes' : 'no');

function PlexPassField({ value, onChange, detected }: { value: PassChoice; onChange: (v: PassChoice) => void; detected?: boolean | undefined }) {
  return (
    <Input.Wrapper
      label="Has Plex Pass"
      description={`Needed to stop streams and to allow downloads. Detect asks plex.tv${detected === undefined ? '' : ` (it says ${detected ? 'yes' : 'no'})`}.`}
    >
      <SegmentedControl
        mt={6}
        fullWidth
        value={value}
        onChange={(v) => onChange(v as PassChoice)}
        data={[
          { value: 'detect', label: 'Detect' },
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ]}
      />
    </Input.Wrapper>
  );
}

const PASSWORD_HELP = 'Optional, recommended: lets Usher get a new token by itself when this one stops working.';
const PROXY_HELP = 'Optional: every plex.tv request for this account goes through this HTTP proxy, so Plex does not see this site’s address.';

export function AddPlexAccountModal({ onClose, onDone }: DialogProps) {
  const [values, setValues] = useState({ token: '', password: '', proxyUrl: '', proxyUsername: '', proxyPassword: '' });
  const [pass, setPass] = useState<PassChoice>('detect');
  const set = (key: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) => {
    errors.clear(key);
    const value = event.currentTarget.value;
    setValues((old) => ({ ...old, [key]: value }));
  };
  const connection = {
    token: values.token.trim(),
    ...(values.proxyUrl.trim() ? { proxyUrl: values.proxyUrl.trim(), proxyUsername: values.proxyUsername || null, proxyPassword: values.proxyPassword || null } : {}),
  };
  // The test proves this token through this proxy; changing either asks for a new test.
  const connectionKey = JSON.stringify(connection);
  const [tested, setTested] = useState<{ key: string; info: { username: string | null; email: string | null; plexPass: boolean } } | null>(null);
  const testPassed = tested !== null && tested.key === connectionKey;

  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/plex-accounts/test', { body: connection })),
    onSuccess: (info) => setTested({ key: connectionKey, info }),
    onError: () => setTested(null),
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/plex-accounts', {
          body: { ...connection, ...(values.password ? { password: values.password } : {}), plexPassOverride: toOverride(pass) },
        }),
      ),
    onSuccess: async (account) => {
      notifySuccess(`Plex account ${account.username ?? account.email ?? ''} added.`);
      await onDone();
      onClose();
    },
  });

  const errors = useFieldErrors(test.error ?? save.error, { codeFields: { plex_account_exists: 'token' } });
  return (
    <Modal opened onClose={onClose} title="Add Plex account" centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (testPassed) save.mutate();
        }}
      >
        <Stack>
          <PasswordInput
            label="Plex token (X-Plex-Token)"
            description="From a signed-in Plex Web page: the X-Plex-Token of any request, or “Sign in with Plex” instead."
            required
            data-autofocus
            autoComplete="off"
            value={values.token}
            error={errors.of('token')}
            onChange={set('token')}
          />
          <PasswordInput label="Plex password" description={PASSWORD_HELP} autoComplete="new-password" value={values.password} onChange={set('password')} />
          <TextInput label="Proxy URL" description={PROXY_HELP} placeholder="http://proxy.example.com:3128" value={values.proxyUrl} error={errors.of('proxyUrl')} onChange={set('proxyUrl')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Proxy username" disabled={!values.proxyUrl.trim()} value={values.proxyUsername} onChange={set('proxyUsername')} />
            <PasswordInput label="Proxy password" disabled={!values.proxyUrl.trim()} autoComplete="new-password" value={values.proxyPassword} onChange={set('proxyPassword')} />
          </SimpleGrid>
          <PlexPassField value={pass} onChange={setPass} detected={testPassed ? tested.info.plexPass : undefined} />
          {testPassed && (
            <Alert color="green" icon={<IconCheck size={18} />} title="The token works">
              Signed in as {tested.info.username ?? tested.info.email}
              {tested.info.email && tested.info.username ? ` (${tested.info.email})` : ''}; Plex Pass detected: {tested.info.plexPass ? 'yes' : 'no'}.
            </Alert>
          )}
          <FormError error={errors.formError} />
          {!testPassed && (
            <Text size="xs" c="dimmed">
              Test the token first; Save unlocks when the test passes.
            </Text>
          )}
          <Group justify="space-between">
            <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.isPending} disabled={!connection.token} onClick={() => test.mutate()}>
              Test Token
            </Button>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!testPassed}>
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditPlexAccountModal({ account, onClose, onDone }: DialogProps & { account: PlexAccount }) {
  const [password, setPassword] = useState<SecretState>({});
  const [proxyPassword, setProxyPassword] = useState<SecretState>({});
  const [proxyUrl, setProxyUrl] = useState(account.proxy.url ?? '');
  const [proxyUsername, setProxyUsername] = useState(account.proxy.username ?? '');
  const [pass, setPass] = useState<PassChoice>(fromOverride(account.plexPassOverride));
  const secret = (state: SecretState) => (state.cleared ? { value: null } : state.value ? { value: state.value } : null);

  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, string | boolean | null> = {};
      const pw = secret(password);
      if (pw) body.password = pw.value;
      if (proxyUrl.trim() !== (account.proxy.url ?? '')) body.proxyUrl = proxyUrl.trim() || null;
      if (proxyUsername !== (account.proxy.username ?? '')) body.proxyUsername = proxyUsername || null;
      const ppw = secret(proxyPassword);
      if (ppw) body.proxyPassword = ppw.value;
      if (toOverride(pass) !== account.plexPassOverride) body.plexPassOverride = toOverride(pass);
      return unwrap(api.PATCH('/api/admin/plex-accounts/{id}', { params: { path: { id: account.id } }, body }));
    },
    onSuccess: async () => {
      notifySuccess(`Settings of ${account.username ?? account.email} saved.`);
      await onDone();
      onClose();
    },
  });

  return (
    <Modal opened onClose={onClose} title={`Edit ${account.username ?? account.email ?? 'Plex account'}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <SecretInput label="Plex password" set={account.passwordSet} state={password} onChange={setPassword} />
          <Text size="xs" c="dimmed" mt={-8}>
            {PASSWORD_HELP}
          </Text>
          <TextInput
            label="Proxy URL"
            description={`${PROXY_HELP} A new proxy address needs the proxy password typed again: the saved one is never sent to another proxy.`}
            placeholder="http://proxy.example.com:3128"
            value={proxyUrl}
            onChange={(e) => setProxyUrl(e.currentTarget.value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Proxy username" value={proxyUsername} onChange={(e) => setProxyUsername(e.currentTarget.value)} />
            <SecretInput label="Proxy password" set={account.proxy.passwordSet} state={proxyPassword} onChange={setProxyPassword} />
          </SimpleGrid>
          <PlexPassField value={pass} onChange={setPass} detected={account.detectedPlexPass} />
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ReplaceTokenModal({ account, onClose, onDone }: DialogProps & { account: PlexAccount }) {
  const [token, setToken] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/admin/plex-accounts/{id}', { params: { path: { id: account.id } }, body: { token: token.trim() } })),
    onSuccess: async () => {
      notifySuccess(`New token saved for ${account.username ?? account.email}.`);
      await onDone();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Replace the token of ${account.username ?? account.email ?? 'this account'}`} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <PasswordInput label="New Plex token" required data-autofocus autoComplete="off" value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          <Text size="xs" c="dimmed">
            Usher tests the token with plex.tv and keeps it only if it belongs to this same Plex account. “Sign in with Plex” also refreshes the token
            of an account that is already here.
          </Text>
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!token.trim()}>
              Test and save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
