import { Alert, Anchor, Badge, Group, Radio, Select, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { QueryError } from '../../../components/QueryError';
import { usePlexAccounts, usePlexAccountServers, type Server } from '../media/queries';
import { useFieldErrors } from '../../../lib/form-errors';
import { AddServerStepper } from './AddServerStepper';
import { IdentityAlert, TestConnectionButton, useConnectionTest } from './connection-test';
import { optionsBody } from './ServerOptionsFields';

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
  const [accountId, setAccountId] = useState<string | null>(initialAccountId ?? null);
  const [machineId, setMachineId] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  // With a single Plex account there is nothing to choose.
  const account = accountId ?? (accounts.data?.length === 1 ? accounts.data[0]!.id : null);
  const resources = usePlexAccountServers(account);
  const resource = resources.data?.find((r) => r.machineId === machineId) ?? null;
  const test = useConnectionTest(account && machineId && url ? { kind: 'plex', plexAccountId: account, machineId, url } : null);
  const errors = useFieldErrors(test.error, { codeFields: { wrong_server_kind: 'url' } });

  const pickServer = (id: string) => {
    setMachineId(id);
    const picked = resources.data?.find((r) => r.machineId === id);
    // Plex lists remote addresses first when it has them; a relay is the last resort.
    const best = picked?.connections.find((c) => !c.local && !c.relay) ?? picked?.connections.find((c) => !c.relay) ?? picked?.connections[0];
    setUrl(best?.uri ?? '');
  };

  return (
    <AddServerStepper
      title="Add Plex server"
      kind="plex"
      onClose={onClose}
      onAdded={onAdded}
      save={(options) => {
        const { enabled: _enabled, hasEmbyPremiere: _premiere, ...rest } = options;
        return unwrap(api.POST('/api/admin/servers', { body: { kind: 'plex', plexAccountId: account!, machineId: machineId!, url, ...optionsBody(rest) } }));
      }}
      steps={[
        {
          label: 'Account',
          description: 'Plex account',
          complete: account !== null,
          content:
            accounts.data?.length === 0 ? (
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
            ),
        },
        {
          label: 'Server',
          description: 'From the account',
          complete: resource !== null && !resource.added,
          content: (
            <>
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
            </>
          ),
        },
        {
          label: 'Connection',
          description: 'Test it',
          complete: test.identity !== null,
          content: (
            <>
              {resource && <ConnectionPicker key={resource.machineId} resource={resource} value={url} onChange={setUrl} />}
              {errors.of('url') && (
                <Text size="sm" c="red" role="alert">
                  {errors.of('url')}
                </Text>
              )}
              <TestConnectionButton test={test} disabled={!url} />
              {test.identity && <IdentityAlert identity={test.identity} kind="plex" />}
              <FormError error={errors.formError} />
            </>
          ),
        },
      ]}
    />
  );
}
