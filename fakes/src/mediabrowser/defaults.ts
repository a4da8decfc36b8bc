import { randomUUID } from 'node:crypto';
import type { Flavor, Json } from './types.js';

/** Both servers write GUIDs as 32 lowercase hex digits and accept the dashed form on input. */
export const newGuid = (): string => randomUUID().replace(/-/g, '');
export const normalizeGuid = (id: string): string => id.replace(/-/g, '').toLowerCase();

export const JELLYFIN_AUTH_PROVIDER = 'Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider';
export const JELLYFIN_RESET_PROVIDER = 'Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider';
export const EMBY_AUTH_PROVIDER = 'Emby.Server.Implementations.Library.DefaultAuthenticationProvider';

/** The policy a fresh user gets (Jellyfin 10.10+ `UserPolicy`, Emby 4.8 `UserPolicy`; integrations.md §2.3). */
export function defaultPolicy(flavor: Flavor): Json {
  const shared: Json = {
    IsAdministrator: false,
    IsHidden: true,
    IsDisabled: false,
    BlockedTags: [],
    EnableUserPreferenceAccess: true,
    AccessSchedules: [],
    BlockUnratedItems: [],
    EnableRemoteControlOfOtherUsers: false,
    EnableSharedDeviceControl: false,
    EnableRemoteAccess: true,
    EnableLiveTvManagement: false,
    EnableLiveTvAccess: false,
    EnableMediaPlayback: true,
    EnableAudioPlaybackTranscoding: true,
    EnableVideoPlaybackTranscoding: true,
    EnablePlaybackRemuxing: true,
    EnableContentDeletion: false,
    EnableContentDeletionFromFolders: [],
    EnableContentDownloading: true,
    EnableSubtitleManagement: false,
    EnableSyncTranscoding: true,
    EnableMediaConversion: true,
    EnabledDevices: [],
    EnableAllDevices: true,
    EnabledChannels: [],
    EnableAllChannels: true,
    EnabledFolders: [],
    EnableAllFolders: true,
    InvalidLoginAttemptCount: 0,
    EnablePublicSharing: false,
    BlockedMediaFolders: [],
    RemoteClientBitrateLimit: 0,
  };
  if (flavor === 'jellyfin') {
    return {
      ...shared,
      EnableCollectionManagement: false,
      EnableLyricManagement: false,
      AllowedTags: [],
      ForceRemoteSourceTranscoding: false,
      LoginAttemptsBeforeLockout: -1,
      MaxActiveSessions: 0,
      BlockedChannels: [],
      AuthenticationProviderId: JELLYFIN_AUTH_PROVIDER,
      PasswordResetProviderId: JELLYFIN_RESET_PROVIDER,
      SyncPlayAccess: 'CreateAndJoinGroups',
    };
  }
  return {
    ...shared,
    IsHiddenRemotely: true,
    IsHiddenFromUnusedDevices: false,
    LockedOutDate: 0,
    AllowTagOrRating: false,
    IsTagBlockingModeInclusive: false,
    IncludeTags: [],
    RestrictedFeatures: [],
    EnableSubtitleDownloading: false,
    AuthenticationProviderId: EMBY_AUTH_PROVIDER,
    ExcludedSubFolders: [],
    SimultaneousStreamLimit: 0,
    AllowCameraUpload: false,
    AllowSharingPersonalItems: false,
  };
}

export function defaultConfiguration(flavor: Flavor): Json {
  const shared: Json = {
    PlayDefaultAudioTrack: true,
    SubtitleLanguagePreference: '',
    DisplayMissingEpisodes: false,
    SubtitleMode: 'Default',
    EnableLocalPassword: false,
    OrderedViews: [],
    LatestItemsExcludes: [],
    MyMediaExcludes: [],
    HidePlayedInLatest: true,
    RememberAudioSelections: true,
    RememberSubtitleSelections: true,
    EnableNextEpisodeAutoPlay: true,
  };
  if (flavor === 'jellyfin') return { ...shared, AudioLanguagePreference: '', GroupedFolders: [], DisplayCollectionsView: false, CastReceiverId: 'F007D354' };
  return { ...shared, AudioLanguagePreference: '', ResumeRewindSeconds: 0, IntroSkipMode: 'ShowButton' };
}

export function defaultDisplayPreferences(flavor: Flavor, id: string, client: string): Json {
  if (flavor === 'emby') return { Id: id, SortBy: 'SortName', CustomPrefs: {}, SortOrder: 'Ascending', Client: client };
  return {
    Id: id,
    SortBy: 'SortName',
    RememberIndexing: false,
    PrimaryImageHeight: 250,
    PrimaryImageWidth: 250,
    CustomPrefs: {},
    ScrollDirection: 'Horizontal',
    ShowBackdrop: true,
    RememberSorting: false,
    SortOrder: 'Ascending',
    ShowSidebar: false,
    Client: client,
  };
}

/** Drops nulls recursively: Jellyfin's serializer omits them, and Emby's clients never see them either. */
export function omitNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => omitNulls(v)) as T;
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (v !== null && v !== undefined) out[k] = omitNulls(v);
    return out as T;
  }
  return value;
}

/** .NET ticks (100 ns) for a duration in minutes. */
export const minutesToTicks = (minutes: number): number => minutes * 60 * 10_000_000;
