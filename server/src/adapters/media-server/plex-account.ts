/** What Usher needs from a plex.tv account, independent of the client that implements it. */
export interface PlexAccountInfo {
  plexUserId: string;
  username: string | null;
  email: string | null;
  plexPass: boolean;
}

export interface PlexServerResource {
  machineId: string;
  name: string;
  version: string | null;
  owned: boolean;
  connections: { uri: string; local: boolean; relay: boolean }[];
}

export interface PlexAccountPort {
  /** Checks the token (401 → IntegrationError 'unauthorized') and reads the account. */
  me(): Promise<PlexAccountInfo>;
  servers(): Promise<PlexServerResource[]>;
  close(): Promise<void>;
}

export interface PlexPin {
  id: string;
  code: string;
  /** Where the admin approves the sign-in (app.plex.tv/auth…). */
  authUrl: string;
  expiresAt: string;
}

export type PlexPinState = { status: 'waiting' } | { status: 'approved'; token: string } | { status: 'expired' };

export interface PlexPinPort {
  start(forwardUrl?: string): Promise<PlexPin>;
  poll(id: string): Promise<PlexPinState>;
}
