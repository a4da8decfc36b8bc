/** State and options of the Jellyfin/Emby ("MediaBrowser") fake. */

export type Flavor = 'jellyfin' | 'emby';

export type Json = Record<string, unknown>;

export type CollectionType = 'movies' | 'tvshows' | 'music' | 'homevideos' | 'books' | 'mixed' | 'musicvideos' | 'boxsets';

export type ItemType = 'Movie' | 'Series' | 'Season' | 'Episode' | 'MusicArtist' | 'MusicAlbum' | 'Audio' | 'Book' | 'Photo' | 'MusicVideo';

export interface FakeUser {
  /** 32 hex digits, the form both servers write. */
  id: string;
  name: string;
  password: string;
  /** Stored verbatim as last posted (full-object semantics). */
  policy: Json;
  configuration: Json;
  /** Display preferences keyed by `<preferencesId>|<client>`, stored verbatim. */
  displayPreferences: Map<string, Json>;
  dateCreated: string;
  lastActivityDate: string | null;
  connectUserName: string | null;
}

export interface FakeLibrary {
  /** Jellyfin: the folder ItemId (hex). Emby: the numeric item id. */
  id: string;
  /** Emby's folder Guid (what EnabledFolders holds there); on Jellyfin the same as id. */
  guid: string;
  name: string;
  collectionType: CollectionType;
  locations: string[];
}

export interface FakeItem {
  id: string;
  name: string;
  type: ItemType;
  libraryId: string;
  seriesName?: string;
  seasonName?: string;
  indexNumber?: number;
  parentIndexNumber?: number;
  productionYear?: number;
  /** Video source size; 3840x2160 is 4K. */
  width?: number;
  height?: number;
  runTimeTicks: number;
}

export type TranscodeMode = 'none' | 'video' | 'audio';

export interface FakeSession {
  id: string;
  userId: string;
  deviceId: string;
  deviceName: string;
  client: string;
  applicationVersion: string;
  remoteEndPoint: string;
  /** Null when the client is connected but plays nothing (not a stream). */
  itemId: string | null;
  paused: boolean;
  transcode: TranscodeMode;
  positionTicks: number;
  lastActivityDate: string;
}

export interface FakeDevice {
  id: string;
  /** Emby's numeric internal id. */
  internalId: number;
  name: string;
  appName: string;
  appVersion: string;
  lastUserId: string;
  lastUserName: string;
  dateLastActivity: string;
  ipAddress: string;
}

export interface ActivityEntry {
  id: number;
  name: string;
  shortOverview: string;
  type: string;
  itemId?: string;
  date: string;
  userId: string;
  severity: 'Information' | 'Warning' | 'Error';
}

export interface ConnectAccount {
  /** Connect user name; `email` also resolves to it. */
  name: string;
  email?: string;
  state: 'active' | 'inactive' | 'pending';
}

export interface ReceivedMessage {
  sessionId: string;
  header: string | null;
  text: string;
  timeoutMs: number | null;
  /** How the message arrived: Jellyfin JSON body or Emby query parameters. */
  via: 'json' | 'query';
  at: string;
}

export interface ReceivedCommand {
  sessionId: string;
  command: string;
  at: string;
}

export interface ReceivedPolicy {
  userId: string;
  body: unknown;
  status: number;
}

export interface SeedUser {
  name: string;
  password?: string;
  admin?: boolean;
  hidden?: boolean;
  disabled?: boolean;
  /** Library names or ids the user sees; omitted = all. */
  libraries?: string[];
  allowDownloads?: boolean;
  id?: string;
}

export interface SeedLibrary {
  name: string;
  collectionType: CollectionType;
  /** Items to generate by type, e.g. { Movie: 20 } or { Series: 3, Episode: 30 }. */
  items?: Partial<Record<ItemType, number>>;
  /** How many generated movies/episodes are 4K (the first N). */
  fourK?: number;
}

export interface StartPlaybackInput {
  /** User id or name. */
  user: string;
  /** Item id or name; omitted = a new movie is invented in the first movie library. */
  item?: string;
  fourK?: boolean;
  transcode?: TranscodeMode | boolean;
  paused?: boolean;
  device?: string;
  client?: string;
  ip?: string;
}

export interface MediaBrowserFakeOptions {
  flavor: Flavor;
  serverName?: string;
  /** The admin API key Usher is given. */
  apiKey?: string;
  /** Emby Premiere. */
  premiere?: boolean;
  /** Jellyfin `EnableLegacyAuthorization` (true by default in 10.11): accept X-Emby-Token and api_key=. */
  legacyAuthorization?: boolean;
  /** Passwords shorter than this are refused, like a password policy would. */
  minPasswordLength?: number;
  /** Emby Connect accounts emby.media knows. */
  connectAccounts?: ConnectAccount[];
  /** Serve HTTPS with this certificate; `true` generates a self-signed one. */
  tls?: { key: string; cert: string } | true;
  port?: number;
  host?: string;
}
