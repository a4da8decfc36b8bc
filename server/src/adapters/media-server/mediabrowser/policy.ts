import type { AccessGrant } from '../../../ports/media-server.js';
import type { MediaBrowserFlavor } from './client.js';
import type { WirePolicy } from './wire.js';

/** Pure policy arithmetic: no I/O, so every rule here is unit-testable. */

export const PROVIDER_DEFAULTS: Record<MediaBrowserFlavor, Record<string, string>> = {
  jellyfin: {
    AuthenticationProviderId: 'Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider',
    PasswordResetProviderId: 'Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider',
  },
  emby: { AuthenticationProviderId: 'Emby.Server.Implementations.Library.DefaultAuthenticationProvider' },
};

/** Jellyfin `MaxActiveSessions`, Emby `SimultaneousStreamLimit` (§2.3). */
export const SESSION_CAP_FIELD: Record<MediaBrowserFlavor, string> = { jellyfin: 'MaxActiveSessions', emby: 'SimultaneousStreamLimit' };

// jfa-go's DeNullPolicy: servers refuse or mangle null arrays in a posted policy (§9.9).
const ARRAY_FIELDS = [
  'BlockedTags',
  'AllowedTags',
  'IncludeTags',
  'AccessSchedules',
  'BlockUnratedItems',
  'EnableContentDeletionFromFolders',
  'EnabledDevices',
  'EnabledChannels',
  'EnabledFolders',
  'BlockedMediaFolders',
  'BlockedChannels',
  'ExcludedSubFolders',
  'RestrictedFeatures',
];

export function deNullPolicy(policy: WirePolicy, flavor: MediaBrowserFlavor): WirePolicy {
  const out: WirePolicy = structuredClone(policy);
  for (const key of ARRAY_FIELDS) if (key in out && out[key] == null) out[key] = [];
  for (const key of ['EnabledFolders', 'EnabledDevices', 'BlockedTags', 'AccessSchedules', 'BlockUnratedItems', 'EnabledChannels', 'EnableContentDeletionFromFolders']) {
    if (out[key] === undefined) out[key] = [];
  }
  // A missing provider id makes the whole POST fail with 400 (the fields are [Required]).
  for (const [key, value] of Object.entries(PROVIDER_DEFAULTS[flavor])) {
    if (typeof out[key] !== 'string' || out[key] === '') out[key] = value;
  }
  return out;
}

export function applyGrant(policy: WirePolicy, grant: AccessGrant, flavor: MediaBrowserFlavor): WirePolicy {
  return {
    ...policy,
    // A grant means the member should be able to watch: an account disabled on the server is enabled again.
    IsDisabled: false,
    EnableAllFolders: false,
    EnabledFolders: [...grant.libraries],
    EnableContentDownloading: grant.allowDownloads,
    EnableVideoPlaybackTranscoding: grant.allowTranscoding,
    // Audio transcoding stays on whatever the plan says (reference §6.3): only video transcoding is sold.
    EnableAudioPlaybackTranscoding: true,
    [SESSION_CAP_FIELD[flavor]]: grant.sessionCap,
  };
}

export function revokeFolders(policy: WirePolicy): WirePolicy {
  return { ...policy, EnableAllFolders: false, EnabledFolders: [] };
}

/**
 * The policy of a new account: the template's (or the server's default for the new user), never
 * an administrator, enabled, with the provider ids the server requires and the plan's grant.
 */
export function provisioningPolicy(template: WirePolicy | undefined, created: WirePolicy | undefined, grant: AccessGrant, flavor: MediaBrowserFlavor): WirePolicy {
  const base: WirePolicy = { ...(created ?? {}), ...(template ?? {}) };
  for (const key of Object.keys(PROVIDER_DEFAULTS[flavor])) {
    const fromTemplate = template?.[key];
    const fromCreated = created?.[key];
    if (typeof fromTemplate !== 'string' || fromTemplate === '') base[key] = fromCreated;
  }
  const policy = deNullPolicy({ ...base, IsAdministrator: false, IsDisabled: false }, flavor);
  return applyGrant(policy, grant, flavor);
}

/** Equal up to the order of folder and device lists, so an unchanged grant is not re-posted. */
export function samePolicy(a: WirePolicy, b: WirePolicy): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(policy: WirePolicy): unknown {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(policy).sort()) {
    const value = policy[key];
    out[key] = Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...(value as string[])].sort() : value;
  }
  return out;
}
