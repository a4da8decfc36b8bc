/** What the plex.tv client returns. Ids are strings, as the rest of Usher stores remote ids. */

export interface PlexAccountInfo {
  /** Plex account id (the `User@id` sharing uses). */
  plexUserId: string;
  uuid: string;
  username: string | null;
  email: string | null;
  title: string;
  thumb: string | null;
  /** `subscription.active`. */
  plexPass: boolean;
  /** The token the answer was read with (after sign-in: the new token). */
  authToken: string | null;
  twoFactorEnabled: boolean;
}

export interface PlexConnection {
  uri: string;
  local: boolean;
  relay: boolean;
  protocol: string;
  address: string;
  port: number;
}

/** A Plex Media Server the account can reach (`/api/v2/resources`, `provides` contains `server`). */
export interface PlexServerResource {
  machineId: string;
  name: string;
  version: string | null;
  owned: boolean;
  /** Token for this server's own API (owned servers: the server's token; shared: the account's). */
  accessToken: string | null;
  connections: PlexConnection[];
}

/** A user of v1 `/api/users`: friends and Home members, with their shares of the owner's servers. */
export interface PlexUser {
  id: string;
  username: string | null;
  email: string | null;
  title: string;
  home: boolean;
  restricted: boolean;
  allowSync: boolean;
  servers: { shareId: string; machineId: string; name: string; numLibraries: number; allLibraries: boolean; pending: boolean }[];
}

export interface PlexFriend {
  id: string;
  username: string | null;
  email: string | null;
  title: string;
  home: boolean;
  restricted: boolean;
  status: string;
}

export interface PlexHomeUser {
  id: string;
  uuid: string;
  title: string;
  username: string | null;
  email: string | null;
  /** The Home admin (the account owner). */
  admin: boolean;
  /** Managed user: no plex.tv login of its own. */
  restricted: boolean;
  guest: boolean;
}

/** A library section as plex.tv knows it: `id` is the global id sharing takes, `key` the PMS key. */
export interface PlexSection {
  id: string;
  key: string;
  title: string;
  type: string;
}

/** One server shared with one user (accepted or still an invite). */
export interface PlexShare {
  shareId: string;
  machineId: string;
  userId: string;
  username: string | null;
  email: string | null;
  title: string | null;
  accepted: boolean;
  allLibraries: boolean;
  /** Global section ids shared. */
  sectionIds: string[];
  allowSync: boolean;
  invitedAt: string | null;
  acceptedAt: string | null;
}

export interface PlexShareSettings {
  allowSync: boolean;
  allowChannels: boolean;
  allowCameraUpload: boolean;
  allowSubtitleAdmin: boolean;
  allowTuners: number;
  filterAll: string;
  filterMovies: string;
  filterMusic: string;
  filterPhotos: string;
  filterTelevision: string;
}

export interface PlexPin {
  id: string;
  code: string;
  /** Where the admin approves the sign-in (app.plex.tv/auth#?…). */
  authUrl: string;
  expiresAt: string;
}

export type PlexPinState = { status: 'waiting' } | { status: 'approved'; token: string } | { status: 'expired' };

export interface PlexSignInInput {
  /** Username or email. */
  login: string;
  password: string;
  /** The 6-digit code when the account has two-factor authentication. */
  verificationCode?: string;
}
