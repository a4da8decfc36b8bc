import type { PlexMediaServerFake } from './pms-fake.js';

/** Types of the fake plex.tv: accounts, shares, registered servers, PINs and the error triple. */

export interface ShareSettings {
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

export const DEFAULT_SETTINGS: ShareSettings = {
  allowSync: false,
  allowChannels: false,
  allowCameraUpload: false,
  allowSubtitleAdmin: false,
  allowTuners: 0,
  filterAll: '',
  filterMovies: '',
  filterMusic: '',
  filterPhotos: '',
  filterTelevision: '',
};

export interface FakePlexAccount {
  id: number;
  uuid: string;
  username: string | null;
  email: string | null;
  title: string;
  /** null for managed users and for emails invited before they signed up. */
  token: string | null;
  password: string | null;
  /** When set, 2FA is on and this is the code sign-in expects. */
  twoFactorCode: string | null;
  plexPass: boolean;
  /** Managed (restricted) Plex Home user: no plex.tv login of its own. */
  restricted: boolean;
  /** Id of the Home admin whose Plex Home this account belongs to (its own id for the admin). */
  homeOf: number | null;
  joinedAt: number;
}

export interface AccountSeed {
  username?: string | null;
  email?: string | null;
  title?: string;
  token?: string | null;
  password?: string | null;
  twoFactorCode?: string | null;
  plexPass?: boolean;
  restricted?: boolean;
  id?: number;
}

/**
 * One share of one server. plex.tv keeps two id spaces: the v2 id (`/api/v2/shared_servers/{id}`,
 * the owned/accepted and pending lists) and the v1 `SharedServer@id` (`/api/servers/{machineId}/
 * shared_servers/{id}`, `/api/users` `Server@id`). Public clients use each with its own routes
 * (python-plexapi updateFriend: v1 id on the v1 route; Wizarr: owned/accepted id on v2), so the
 * fake keeps them apart and a mix-up is a 404.
 */
export interface FakeShare {
  id: number;
  v1Id: number;
  machineId: string;
  ownerId: number;
  /** null: an invite to an email that has no Plex account yet (it gets one at sign-up). */
  invitedId: number | null;
  invitedEmail: string;
  accepted: boolean;
  allLibraries: boolean;
  /** plex.tv global section ids. */
  sectionIds: number[];
  settings: ShareSettings;
  invitedAt: number;
  acceptedAt: number | null;
}

export interface RegisteredServer {
  /** plex.tv's own numeric id for the server (v1 `serverId`). */
  id: number;
  pms: PlexMediaServerFake;
  ownerId: number;
  maxUsers: number;
  createdAt: number;
}

export interface FakePin {
  id: number;
  code: string;
  clientIdentifier: string;
  product: string;
  createdAt: number;
  expiresAt: number;
  authToken: string | null;
}

/** A refusal with plex.tv's error triple; routes turn it into the JSON or XML error body. */
export class PlexTvFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Where v1 and v2 answer the same refusal differently (the duplicate share: 400 on v1, 422 on v2). */
    readonly wire: { v2Status?: number; v1Response?: boolean } = {},
  ) {
    super(message);
  }
}

export interface InviteInput {
  machineId: string;
  /** Email or username (v2 `invitedEmail`, v1 `invited_email`). */
  identifier?: string;
  /** Plex account id (v1 `invited_id`). */
  invitedId?: number;
  sectionIds: (number | string)[];
  settings?: Partial<ShareSettings>;
}
