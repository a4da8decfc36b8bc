import { NumberInput, Select, SimpleGrid, Stack, Switch } from '@mantine/core';
import type { ServerKind } from '../media/format';
import { useLocations, type Server } from '../media/queries';

/** The reference's per-server settings (§2.9), shared by the add steppers and the edit dialog. */
export interface ServerOptionsValues {
  locationId: string | null;
  enabled: boolean;
  allowNewSubscriptions: boolean;
  allowTrials: boolean;
  maxUsers: number;
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

/** Only what differs from `before`, so an edit touches nothing the admin left alone. */
export function changedOptions(before: ServerOptionsValues, after: ServerOptionsValues): Partial<ServerOptionsValues> {
  const out: Partial<ServerOptionsValues> = {};
  for (const key of Object.keys(after) as (keyof ServerOptionsValues)[]) {
    if (after[key] !== before[key]) (out as Record<string, unknown>)[key] = after[key];
  }
  return out;
}

interface Props {
  kind: ServerKind;
  values: ServerOptionsValues;
  onChange: (next: ServerOptionsValues) => void;
  /** New servers always start disabled; only the edit dialog offers the switch. */
  showEnabled?: boolean;
}

export function ServerOptionsFields({ kind, values, onChange, showEnabled = false }: Props) {
  const locations = useLocations();
  const set = <K extends keyof ServerOptionsValues>(key: K, value: ServerOptionsValues[K]) => onChange({ ...values, [key]: value });
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
          min={0}
          max={100000}
          allowDecimal={false}
          value={values.maxUsers}
          onChange={(v) => set('maxUsers', typeof v === 'number' ? v : Number(v) || 0)}
        />
      </SimpleGrid>
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
