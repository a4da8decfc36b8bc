import { Alert, Anchor, Badge, Button, Group, Modal, Radio, Select, Skeleton, Stack, Stepper, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { QueryError } from '../../../components/QueryError';
import { usePlexAccounts, usePlexAccountServers, type Server } from '../media/queries';
import { IdentityAlert, useConnectionTest } from './connection-test';
import { DEFAULT_OPTIONS, ServerOptionsFields, type ServerOptionsValues } from './ServerOptionsFields';

const OTHER = '__other__';

type PlexResource = NonNullable<ReturnType<typeof usePlexAccountServers>['data']>[number];

/** Picks one of a Plex server's advertised addresses, or a typed one (e.g. behind a reverse proxy). */
export function ConnectionPicker({ resource, value, onChange }: { resource: PlexResource; value: string; onChange: (uri: string) => void }) {
  const listed = resource.connections.some((c) => c.uri === value);
  const [choice, setChoice] = useState(listed || !value ? value : OTHER);
  return (
    <Stack gap="xs">
      <Radio.Group
        label="Connection address"
        description="Pick the address this site can reach. Prefer a remote (non-local, non-relay) one when Usher runs elsewhere than Plex."
        value={choice}
        onChange={(v) => {
          setChoice(v);
          onChange(v === OTHER ? '' : v);
        }}
      >
        <Stack gap={8} mt="xs">
          {resource.connections.map((c) => (
            <Radio
              key={c.uri}
              value={c.uri}
              label={
                <Group gap={6} component="span">
                  <Text span size="sm" ff="monospace">
                    {c.uri}
                  </Text>
                  {c.local && (
                    <Badge size="xs" variant="light" color="gray" component="span">
                      local
                    </Badge>
                  )}
                  {c.relay && (
                    <Badge size="xs" variant="light" color="orange" component="span">
                      relay
                    </Badge>
                  )}
                </Group>
              }
            />
          ))}
          <Radio value={OTHER} label="Another address" />
        </Stack>
      </Radio.Group>
      {choice === OTHER && <TextInput aria-label="Server address" placeholder="https://plex.example.com:32400" value={value} onChange={(e) => onChange(e.currentTarget.value.trim())} />}
    </Stack>
  );
}

export function AddPlexServerModal({ initialAccountId, onClose, onAdded }: { initialAccountId?: string | null; onClose: () => void; onAdded: (server: Server) => Promise<unknown> }) {
  const accounts = usePlexAccounts();
  const [step, setStep] = useState(0);
  const [accountId, setAccountId] = useState<string | null>(initialAccountId ?? null);
  const [machineId, setMachineId] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [options, setOptions] = useState<ServerOptionsValues>(DEFAULT_OPTIONS);
  // With a single Plex account there is nothing to choose.
  const account = accountId ?? (accounts.data?.length === 1 ? accounts.data[0]!.id : null);
  const resources = usePlexAccountServers(account);
  const resource = resources.data?.find((r) => r.machineId === machineId) ?? null;
  const test = useConnectionTest(account && machineId && url ? { kind: 'plex', plexAccountId: account, machineId, url } : null);

  const save = useMutation({
    mutationFn: () => {
      const { enabled: _enabled, hasEmbyPremiere: _premiere, ...rest } = options;
      return unwrap(api.POST('/api/admin/servers', { body: { kind: 'plex', plexAccountId: account!, machineId: machineId!, url, ...rest } }));
    },
    onSuccess: async (server) => {
      await onAdded(server);
      onClose();
    },
  });

  const pickServer = (id: string) => {
    setMachineId(id);
    const picked = resources.data?.find((r) => r.machineId === id);
    // Plex lists remote addresses first when it has them; a relay is the last resort.
    const best = picked?.connections.find((c) => !c.local && !c.relay) ?? picked?.connections.find((c) => !c.relay) ?? picked?.connections[0];
    setUrl(best?.uri ?? '');
  };

  const canNext = [account !== null, resource !== null && !resource.added, test.identity !== null][step] ?? false;

  return (
    <Modal opened onClose={onClose} title="Add Plex server" centered size="xl">
      <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Account" description="Plex account">
          <Stack mt="md">
            {accounts.data?.length === 0 ? (
              <Alert color="yellow" title="No Plex account yet">
                Add the Plex account that owns the server first, on the{' '}
                <Anchor component={Link} to="/admin/plex-accounts">
                  Plex Accounts
                </Anchor>{' '}
                page.
              </Alert>
            ) : (
              <Select
                label="Plex account"
                description="The plex.tv account that owns the server."
                data={(accounts.data ?? []).map((a) => ({ value: a.id, label: a.username ?? a.email ?? a.id }))}
                value={account}
                onChange={(v) => {
                  setAccountId(v);
                  setMachineId(null);
                  setUrl('');
                }}
                allowDeselect={false}
              />
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Server" description="From the account">
          <Stack mt="md">
            {resources.isPending && <Skeleton height={80} />}
            {resources.isError && <QueryError error={resources.error} onRetry={() => void resources.refetch()} title="plex.tv did not list the servers" />}
            {resources.data?.length === 0 && <Text size="sm">plex.tv lists no server owned by this account.</Text>}
            {resources.data && resources.data.length > 0 && (
              <Radio.Group label="Plex server" value={machineId} onChange={pickServer}>
                <Stack gap={8} mt="xs">
                  {resources.data.map((r) => (
                    <Radio
                      key={r.machineId}
                      value={r.machineId}
                      disabled={r.added}
                      label={r.added ? `${r.name} (already added)` : r.name}
                      description={`Version ${r.version ?? 'unknown'} · ${r.connections.length} address${r.connections.length === 1 ? '' : 'es'}`}
                    />
                  ))}
                </Stack>
              </Radio.Group>
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Connection" description="Test it">
          <Stack mt="md">
            {resource && <ConnectionPicker key={resource.machineId} resource={resource} value={url} onChange={setUrl} />}
            <Group>
              <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.pending} disabled={!url} onClick={() => test.run()}>
                Test Connection
              </Button>
            </Group>
            {test.identity && <IdentityAlert identity={test.identity} kind="plex" />}
            <FormError error={test.error} />
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Options" description="Capacity and rules">
          <Stack mt="md">
            <ServerOptionsFields kind="plex" values={options} onChange={setOptions} />
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
        {step < 3 ? (
          <Button onClick={() => setStep(step + 1)} disabled={!canNext}>
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
