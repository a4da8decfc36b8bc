/**
 * The port every media-server platform implements. The domain sees only these types; only the
 * registry switches on the kind. Every mutating method is idempotent: calling it again with the
 * same input when the remote already matches changes nothing and does not fail.
 */
export type MediaServerKind = 'plex' | 'jellyfin' | 'emby';

export interface MediaServerCapabilities {
  /** Can stop a playing session (Plex needs Plex Pass). */
  stopSessions: boolean;
  /** Can show a message on the player before stopping (Jellyfin/Emby). */
  sessionMessages: boolean;
  /** The server itself can cap concurrent streams per user (Jellyfin MaxActiveSessions, Emby SimultaneousStreamLimit). */
  serverSideSessionCap: boolean;
  /** Emby device list / allowed devices. */
  devices: boolean;
  /** Push events over a websocket. */
  events: boolean;
  /** Local passwords exist (Jellyfin/Emby); Plex uses plex.tv accounts. */
  localPasswords: boolean;
}

export interface ServerIdentity {
  /** Plex machineIdentifier, Jellyfin/Emby server Id. */
  machineId: string;
  name: string;
  version: string;
  /** Emby Premiere / Plex Pass where the platform has one. */
  premium?: boolean;
  /**
   * What the server says it is, where that can differ from what the admin chose: an Emby server
   * answers Jellyfin's API too, so only its system info tells them apart.
   */
  product?: MediaServerKind;
}

export type LibraryType = 'movie' | 'show' | 'music' | 'photo' | 'book' | 'mixed' | 'other';

export interface RemoteLibrary {
  /** The id sharing needs: plex.tv global section id, Jellyfin folder ItemId, Emby folder Guid. */
  remoteId: string;
  /** Plex section key on the PMS (the same as remoteId elsewhere). */
  key: string;
  title: string;
  type: LibraryType;
}

export interface LibraryCounts {
  remoteId: string;
  /** Main items: movies, shows, artists, photos or books. */
  items: number;
  /** Shows: episodes; music: albums and tracks. */
  episodes?: number;
  albums?: number;
  tracks?: number;
}

/** How a remote account relates to the server; only `member` accounts are ever imported or touched. */
export type RemoteAccountRole = 'member' | 'owner' | 'admin' | 'home' | 'managed';

export interface RemoteAccount {
  /** Plex account id (User@id); Jellyfin/Emby user Id. */
  remoteId: string;
  username: string | null;
  email: string | null;
  displayName: string | null;
  role: RemoteAccountRole;
  /** pending = a Plex invite not yet accepted. */
  state: 'active' | 'pending' | 'disabled';
  /** Libraries (remoteId) the account can see on this server; 'all' when every library. */
  libraries: string[] | 'all';
  allowDownloads: boolean;
  /** Jellyfin/Emby video transcoding; absent where the platform has no per-account flag (Plex). */
  allowTranscoding?: boolean;
  /** Jellyfin/Emby per-account concurrent-stream cap, 0 = unlimited; absent on Plex. */
  sessionCap?: number;
  /** Plex shared-server id (needed to update or remove the share). */
  shareId?: string;
  invitedAt?: string | null;
  acceptedAt?: string | null;
  /**
   * Jellyfin/Emby: this is the configured template ("default") user new accounts are copied
   * from. Sync never imports or touches it, whatever its role.
   */
  isTemplate?: boolean;
}

export interface AccessGrant {
  libraries: string[];
  allowDownloads: boolean;
  allowTranscoding: boolean;
  /** Concurrent streams the server itself should allow; 0 = unlimited. */
  sessionCap: number;
}

export interface ProvisionInput {
  /** Plex: the plex.tv email or username to invite. Jellyfin/Emby: the local username. */
  identifier: string;
  /** Jellyfin/Emby only: the local password to set. */
  password?: string;
  grant: AccessGrant;
}

export interface AccountRef {
  remoteId: string;
  /** Plex: the share to update/remove when known. */
  shareId?: string;
}

export interface RemoteSession {
  /** The id stopSession takes (Plex Session.id, Jellyfin/Emby session Id). */
  sessionId: string;
  accountRemoteId: string;
  username: string | null;
  device: string | null;
  player: string | null;
  ip: string | null;
  state: 'playing' | 'paused' | 'buffering';
  media: { title: string; type: string; grandparentTitle?: string | null };
  /** Whether the video is transcoded (not direct play / direct stream). */
  videoTranscode: boolean;
  /** Whether the source is 4K (width ≥ 3840, height ≥ 2160 or Plex videoResolution "4k"). */
  source4k: boolean;
  startedAt?: string | null;
}

export type MediaServerEvent =
  | { type: 'sessions_changed' }
  | { type: 'library_changed' }
  | { type: 'account_changed'; remoteId: string }
  | { type: 'connection'; state: 'open' | 'closed' };

export interface EventSubscription {
  close(): Promise<void>;
}

export interface RemoteDevice {
  id: string;
  name: string;
  app: string | null;
  lastUserId: string | null;
  lastActiveAt: string | null;
}

/** An original-file download the server logged (Jellyfin/Emby activity log, integrations.md §9.4). */
export interface RemoteDownload {
  accountRemoteId: string;
  /** Jellyfin logs the item id; Emby does not. */
  itemId: string | null;
  /** The server's (localized) log line, e.g. "bob is downloading Movie". */
  description: string | null;
  at: string;
}

export type EmbyConnectCheck = { valid: true; pending: boolean } | { valid: false; reason: string };

export interface MediaServerAdapter {
  readonly kind: MediaServerKind;
  readonly capabilities: MediaServerCapabilities;
  testConnection(): Promise<ServerIdentity>;
  identity(): Promise<ServerIdentity>;
  listLibraries(): Promise<RemoteLibrary[]>;
  /** Members, pending invites, Home users and administrators, each with its role. */
  listAccounts(): Promise<RemoteAccount[]>;
  provisionAccount(input: ProvisionInput): Promise<RemoteAccount>;
  grantAccess(account: AccountRef, grant: AccessGrant): Promise<void>;
  /** Removes library access but keeps the account (Plex: share with no libraries is removed; Jellyfin/Emby: no folders). */
  revokeAccess(account: AccountRef): Promise<void>;
  deleteAccount(account: AccountRef): Promise<void>;
  /**
   * Jellyfin/Emby: gives the local user a new name (the member's username changed). Plex cannot:
   * a plex.tv account belongs to its user, so an identity change there is a new invite instead.
   */
  renameAccount(account: AccountRef, name: string): Promise<void>;
  listSessions(): Promise<RemoteSession[]>;
  stopSession(sessionId: string, message: string): Promise<void>;
  libraryStats(): Promise<LibraryCounts[]>;
  subscribeEvents?(onEvent: (event: MediaServerEvent) => void): EventSubscription;
  listDevices?(): Promise<RemoteDevice[]>;
  deleteDevice?(deviceId: string): Promise<void>;
  setAllowAllDevices?(account: AccountRef, allow: boolean, deviceIds?: string[]): Promise<void>;
  /** Emby: whether a name or email is a usable Emby Connect account (reference §2.5.10). */
  checkEmbyConnect?(connectUsername: string): Promise<EmbyConnectCheck>;
  /** Downloads logged since the given instant, oldest first (Jellyfin/Emby). */
  listDownloads?(since: Date): Promise<RemoteDownload[]>;
  close(): Promise<void>;
}
