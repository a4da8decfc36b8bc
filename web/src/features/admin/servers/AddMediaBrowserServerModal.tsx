import { Button, Group, Modal, PasswordInput, Stack, Stepper, Switch, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { KIND_LABEL } from '../media/format';
import type { Server } from '../media/queries';
import { IdentityAlert, useConnectionTest } from './connection-test';
import { DEFAULT_OPTIONS, ServerOptionsFields, type ServerOptionsValues } from './ServerOptionsFields';

export const API_KEY_HELP: Record<'jellyfin' | 'emby', string> = {
  jellyfin: 'Dashboard → API Keys → +, in Jellyfin.',
  emby: 'Settings → Advanced → API Keys → New API Key, in Emby.',
};

export function AddMediaBrowserServerModal({ kind, onClose, onAdded }: { kind: 'jellyfin' | 'emby'; onClose: () => void; onAdded: (server: Server) => Promise<unknown> }) {
  const label = KIND_LABEL[kind];
  const [step, setStep] = useState(0);
  const [url, setUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [allowSelfSigned, setAllowSelfSigned] = useState(false);
  const [options, setOptions] = useState<ServerOptionsValues>(DEFAULT_OPTIONS);
  const [premiereTouched, setPremiereTouched] = useState(false);
  const connection = url.trim() && apiKey.trim() ? { kind, url: url.trim(), apiKey: apiKey.trim(), allowSelfSigned } : null;
  const test = useConnectionTest(connection);

  const save = useMutation({
    mutationFn: () => {
      const { enabled: _enabled, hasEmbyPremiere, ...rest } = options;
      // Emby Premiere is read from the server unless the admin said otherwise.
      const premiere = kind === 'emby' && premiereTouched ? { hasEmbyPremiere } : {};
      return unwrap(api.POST('/api/admin/servers', { body: { ...connection!, ...rest, ...premiere } }));
    },
    onSuccess: async (server) => {
      await onAdded(server);
      onClose();
    },
  });

  const next = () => {
    if (step === 0 && test.identity?.premium !== undefined && !premiereTouched) setOptions((o) => ({ ...o, hasEmbyPremiere: test.identity!.premium! }));
    setStep(step + 1);
  };

  return (
    <Modal opened onClose={onClose} title={`Add ${label} server`} centered size="xl">
      <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Connection" description="URL and API key">
          <Stack mt="md">
            <TextInput
              label="Server URL"
              description="An address this site can reach, with the port, e.g. https://media.example.com or http://10.0.0.5:8096."
              placeholder={kind === 'jellyfin' ? 'http://jellyfin.example.com:8096' : 'http://emby.example.com:8096'}
              required
              data-autofocus
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
            />
            <PasswordInput label="API key" description={API_KEY_HELP[kind]} required autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.currentTarget.value)} />
            <Switch
              label="Allow a self-signed certificate"
              description="Only for an HTTPS address whose certificate no public authority signed."
              checked={allowSelfSigned}
              onChange={(e) => setAllowSelfSigned(e.currentTarget.checked)}
            />
            <Group>
              <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.pending} disabled={!connection} onClick={() => test.run()}>
                Test Connection
              </Button>
            </Group>
            {test.identity && <IdentityAlert identity={test.identity} kind={kind} />}
            <FormError error={test.error} />
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Options" description="Capacity and rules">
          <Stack mt="md">
            <ServerOptionsFields
              kind={kind}
              values={options}
              onChange={(v) => {
                if (v.hasEmbyPremiere !== options.hasEmbyPremiere) setPremiereTouched(true);
                setOptions(v);
              }}
            />
            <Text size="sm" c="dimmed">
              The server is added disabled: nobody is placed on it until you enable it. Sync it and put its libraries in groups first.
            </Text>
            <FormError error={save.error} />
          </Stack>
        </Stepper.Step>
      </Stepper>
      <Group justify="space-between" mt="xl">
        <Button variant="default" onClick={step === 0 ? onClose : () => setStep(step - 1)}>
          {step === 0 ? 'Cancel' : 'Back'}
        </Button>
        {step === 0 ? (
          <Button onClick={next} disabled={!test.identity}>
            Next
          </Button>
        ) : (
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save
          </Button>
        )}
      </Group>
    </Modal>
  );
}
