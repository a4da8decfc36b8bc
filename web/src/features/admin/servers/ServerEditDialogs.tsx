import { Alert, Button, Group, Modal, PasswordInput, Radio, Skeleton, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { FormError } from '../../../components/FormError';
import { notifySuccess, notifyWarning } from '../../../components/notify';
import { QueryError } from '../../../components/QueryError';
import { KIND_LABEL } from '../media/format';
import { usePlexAccountServers, type Server } from '../media/queries';
import { API_KEY_HELP } from './AddMediaBrowserServerModal';
import { ConnectionPicker } from './AddPlexServerModal';
import { useFieldErrors } from '../../../lib/form-errors';
import { CONNECTION_ERROR_FIELDS } from './AddMediaBrowserServerModal';
import { changedOptions, optionsBody, optionsOf, optionsProblem, ServerOptionsFields } from './ServerOptionsFields';
import { useConfirmedClose } from '../../../lib/unsaved-changes';

interface DialogProps {
  server: Server;
  onClose: () => void;
  onDone: () => Promise<unknown>;
}

type ServerPatch = paths['/api/admin/servers/{id}']['patch']['requestBody']['content']['application/json'];

function patchServer(id: string, body: ServerPatch) {
  return unwrap(api.PATCH('/api/admin/servers/{id}', { params: { path: { id } }, body }));
}

function Actions({ onClose, pending, disabled, label }: { onClose: () => void; pending: boolean; disabled?: boolean; label: string }) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onClose}>
        Cancel
      </Button>
      <Button type="submit" loading={pending} disabled={disabled}>
        {label}
      </Button>
    </Group>
  );
}

export function EditServerModal({ server, onClose, onDone }: DialogProps) {
  const before = optionsOf(server);
  const [values, setValues] = useState(before);
  const changes = changedOptions(before, values);
  const requestClose = useConfirmedClose(Object.keys(changes).length > 0, onClose);
  const save = useMutation({
    mutationFn: () => patchServer(server.id, optionsBody(changes)),
    onSuccess: async (saved) => {
      notifySuccess(`${server.name} saved.`);
      // Accepted, but the admin should know (e.g. a maximum below the members already there).
      for (const warning of saved.warnings) notifyWarning(warning.message);
      await onDone();
      onClose();
    },
  });
  const errors = useFieldErrors(save.error);
  return (
    <Modal opened onClose={requestClose} title={`Edit ${server.name}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput label="Server name" description={`Synced from ${KIND_LABEL[server.kind]}; rename the server there.`} value={server.name} readOnly variant="filled" />
          <TextInput label="Media server direct URL" description="Change it with Replace URL in the server's row." value={server.url} readOnly variant="filled" />
          <ServerOptionsFields kind={server.kind} values={values} onChange={setValues} showEnabled members={server.members} errors={errors} />
          <FormError error={errors.formError} />
          <Actions onClose={requestClose} pending={save.isPending} disabled={Object.keys(changes).length === 0 || optionsProblem(values) !== null} label="Save" />
        </Stack>
      </form>
    </Modal>
  );
}

export function ReplaceConnectionModal({ server, onClose, onDone }: DialogProps) {
  const plex = server.kind === 'plex';
  const resources = usePlexAccountServers(plex ? server.plexAccountId : null);
  const resource = resources.data?.find((r) => r.machineId === server.machineId);
  const [url, setUrl] = useState(server.url);
  const [apiKey, setApiKey] = useState('');
  const [allowSelfSigned, setAllowSelfSigned] = useState(server.allowSelfSigned);
  const save = useMutation({
    mutationFn: () => {
      const body: ServerPatch = { url: url.trim() };
      if (!plex && apiKey.trim()) body.apiKey = apiKey.trim();
      if (!plex && allowSelfSigned !== server.allowSelfSigned) body.allowSelfSigned = allowSelfSigned;
      return patchServer(server.id, body);
    },
    onSuccess: async () => {
      notifySuccess(`${server.name}: the new connection works and is saved.`);
      await onDone();
      onClose();
    },
  });
  const errors = useFieldErrors(save.error, { codeFields: CONNECTION_ERROR_FIELDS });
  return (
    <Modal opened onClose={onClose} title={plex ? `Replace the address of ${server.name}` : `Replace URL or API key of ${server.name}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          {plex && resource ? (
            <ConnectionPicker resource={resource} value={url} onChange={setUrl} />
          ) : (
            <TextInput
              label="Server URL"
              description="A new host, port or http/https needs the API key typed again: the saved key is never sent to a new address."
              required
              data-autofocus
              value={url}
              error={errors.of('url')}
              onChange={(e) => {
                errors.clear('url');
                setUrl(e.currentTarget.value);
              }}
            />
          )}
          {!plex && (
            <>
              <PasswordInput
                label="New API key"
                description={`Leave empty to keep the current key (same host only). ${API_KEY_HELP[server.kind as 'jellyfin' | 'emby']}`}
                autoComplete="off"
                value={apiKey}
                error={errors.of('apiKey')}
                onChange={(e) => {
                  errors.clear('apiKey');
                  setApiKey(e.currentTarget.value);
                }}
              />
              <Switch label="Allow a self-signed certificate" checked={allowSelfSigned} onChange={(e) => setAllowSelfSigned(e.currentTarget.checked)} />
            </>
          )}
          <Text size="xs" c="dimmed">
            Usher connects with the new settings first and saves them only if the same server answers.
            {plex && ' A Plex server moves only to an address plex.tv lists for it, so the account’s token never goes elsewhere.'}
          </Text>
          <FormError error={errors.formError} />
          <Actions onClose={onClose} pending={save.isPending} disabled={!url.trim()} label="Test and save" />
        </Stack>
      </form>
    </Modal>
  );
}

/** After Plex was reinstalled the server has a new machine id; the admin picks the new identity from the account. */
export function AdoptIdentityModal({ server, onClose, onDone }: DialogProps) {
  const resources = usePlexAccountServers(server.plexAccountId);
  const candidates = resources.data?.filter((r) => !r.added) ?? [];
  const [machineId, setMachineId] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const picked = candidates.find((r) => r.machineId === machineId);
  const save = useMutation({
    mutationFn: () => patchServer(server.id, { machineId: machineId!, url }),
    onSuccess: async () => {
      notifySuccess(`${server.name} now follows the reinstalled server. Sync it to check its libraries.`);
      await onDone();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Adopt the new identity of ${server.name}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Alert color="orange" title="The server answers with a new identity">
            {server.statusMessage ?? 'Plex or the machine was reinstalled, so the server has a new machine id.'} Pick the reinstalled server
            below; its libraries and members stay attached to this entry.
          </Alert>
          {resources.isPending && <Skeleton height={60} />}
          {resources.isError && <QueryError error={resources.error} onRetry={() => void resources.refetch()} title="plex.tv did not list the servers" />}
          {resources.data && candidates.length === 0 && <Text size="sm">Every server of this Plex account is already in Usher; none can be adopted.</Text>}
          {candidates.length > 0 && (
            <Radio.Group
              label="Reinstalled server"
              value={machineId}
              onChange={(id) => {
                setMachineId(id);
                setUrl(candidates.find((r) => r.machineId === id)?.connections[0]?.uri ?? '');
              }}
            >
              <Stack gap={8} mt="xs">
                {candidates.map((r) => (
                  <Radio key={r.machineId} value={r.machineId} label={r.name} description={`Machine id ${r.machineId}`} />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {picked && <ConnectionPicker key={picked.machineId} resource={picked} value={url} onChange={setUrl} />}
          <FormError error={save.error} />
          <Actions onClose={onClose} pending={save.isPending} disabled={!machineId || !url} label="Adopt" />
        </Stack>
      </form>
    </Modal>
  );
}
