import { NumberInput, Select, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import type { FieldErrors } from '../../../lib/form-errors';
import { capacityWarning, maxUsersProblem } from '../../../lib/limits';
import type { ServerKind } from '../media/format';
import { useLocations, type Server } from '../media/queries';

/** The reference's per-server settings (§2.9), shared by the add steppers and the edit dialog. */
export interface ServerOptionsValues {
  locationId: string | null;
  enabled: boolean;
  allowNewSubscriptions: boolean;
  allowTrials: boolean;
  /** As typed: a half-typed or bad number stays visible with its error instead of becoming 0. */
  maxUsers: number | string;
  allow4kTranscoding: boolean;
  logStreaming: boolean;
  logDownloads: boolean;
  hasEmbyPremiere: boolean;
}

export const DEFAULT_OPTIONS: ServerOptionsValues = {
  locationId: null,
  enabled: false,
  allowNewSubscriptions: true,
  allowTrials: true,
  maxUsers: 0,
  allow4kTranscoding: true,
  logStreaming: true,
  logDownloads: true,
  hasEmbyPremiere: false,
};

export function optionsOf(server: Server): ServerOptionsValues {
  return {
    locationId: server.locationId,
    enabled: server.enabled,
    allowNewSubscriptions: server.allowNewSubscriptions,
    allowTrials: server.allowTrials,
    maxUsers: server.maxUsers,
    allow4kTranscoding: server.allow4kTranscoding,
    logStreaming: server.logStreaming,
    logDownloads: server.logDownloads,
    hasEmbyPremiere: server.hasEmbyPremiere,
  };
}

/** Problems the admin must fix before saving (the server applies the same rule). */
export function optionsProblem(values: ServerOptionsValues): string | null {
  return maxUsersProblem(values.maxUsers);
}

/** The values as the API takes them. */
export function optionsBody<T extends Partial<ServerOptionsValues>>(values: T): Omit<T, 'maxUsers'> & { maxUsers?: number } {
  const { maxUsers, ...rest } = values;
  return maxUsers === undefined ? rest : { ...rest, maxUsers: Number(maxUsers) };
}

/** Only what differs from `before`, so an edit touches nothing the admin left alone. */
export function changedOptions(before: ServerOptionsValues, after: ServerOptionsValues): Partial<ServerOptionsValues> {
  const out: Partial<ServerOptionsValues> = {};
  for (const key of Object.keys(after) as (keyof ServerOptionsValues)[]) {
    if (key === 'maxUsers' ? Number(after.maxUsers) !== Number(before.maxUsers) || String(after.maxUsers).trim() === '' : after[key] !== before[key]) (out as Record<string, unknown>)[key] = after[key];
  }
  return out;
}

interface Props {
  kind: ServerKind;
  values: ServerOptionsValues;
  onChange: (next: ServerOptionsValues) => void;
  /** New servers always start disabled; only the edit dialog offers the switch. */
  showEnabled?: boolean;
  /** Members already on the server, to warn when the maximum goes below them. */
  members?: number;
  /** Errors the server placed on these fields. */
  errors?: FieldErrors;
}

export function ServerOptionsFields({ kind, values, onChange, showEnabled = false, members = 0, errors }: Props) {
  const locations = useLocations();
  const set = <K extends keyof ServerOptionsValues>(key: K, value: ServerOptionsValues[K]) => {
    errors?.clear(key);
    onChange({ ...values, [key]: value });
  };
  const warning = capacityWarning(values.maxUsers, members);
  const toggle = (key: keyof ServerOptionsValues, label: string, description?: string) => (
    <Switch label={label} description={description} checked={values[key] as boolean} onChange={(e) => set(key, e.currentTarget.checked)} />
  );
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Server location"
          description={locations.data?.length === 0 ? 'Add locations on the Server Locations page.' : 'Subscribers may pick the location closest to them.'}
          placeholder={locations.data?.length ? 'No location' : 'No locations yet'}
          data={(locations.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
          value={values.locationId}
          onChange={(v) => set('locationId', v)}
          clearable
        />
        <NumberInput
          label="Maximum number of users"
          description={kind === 'plex' ? '0 = unlimited. Plex caps a server near 100 users, friends and Home users included.' : '0 = unlimited.'}
          // No clamping: -3 stays -3 with an error beside it, never a silent 0 (= unlimited).
          clampBehavior="none"
          value={values.maxUsers}
          onChange={(v) => set('maxUsers', v)}
          error={maxUsersProblem(values.maxUsers) ?? errors?.of('maxUsers')}
          inputWrapperOrder={['label', 'description', 'input', 'error']}
        />
      </SimpleGrid>
      {warning && (
        <Text size="sm" c="orange.8" role="status" data-testid="capacity-warning">
          {warning}
        </Text>
      )}
      {showEnabled && toggle('enabled', 'Enabled', 'Members can be placed on this server. Turn it on once its libraries are in groups.')}
      {toggle('allowNewSubscriptions', 'Allow new subscriptions', 'New subscribers can be placed here.')}
      {toggle('allowTrials', 'Allow trial subscriptions')}
      {toggle('allow4kTranscoding', 'Allow 4K transcoding', 'When off, a 4K stream that transcodes is stopped.')}
      {toggle('logStreaming', 'Log streaming activity')}
      {toggle('logDownloads', 'Log download activity')}
      {kind === 'emby' && toggle('hasEmbyPremiere', 'Has Emby Premiere', 'Read from the server when it is added and at each sync.')}
    </Stack>
  );
}
