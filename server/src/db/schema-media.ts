/** Tables of media servers, libraries and the remote accounts Usher tracks (migration 0003). */
import type { Generated } from 'kysely';
type Bool = boolean | number;

export interface PlexAccountsTable {
  id: string;
  email: string | null;
  username: string | null;
  plex_user_id: string | null;
  token: string; // sealed
  password: string | null; // sealed
  proxy_url: string | null;
  proxy_username: string | null;
  proxy_password: string | null; // sealed
  has_plex_pass: Bool;
  /** null = detected value; 1/0 = the admin's override */
  plex_pass_override: Bool | null;
  token_status: string; // 'valid' | 'invalid' | 'unchecked'
  token_checked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ServerLocationsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ServersTable {
  id: string;
  kind: string; // 'plex' | 'jellyfin' | 'emby'
  name: string;
  machine_id: string | null;
  version: string | null;
  plex_account_id: string | null;
  url: string;
  api_key: string | null; // sealed
  allow_self_signed: Bool;
  location_id: string | null;
  enabled: Bool;
  allow_new_subscriptions: Bool;
  allow_trials: Bool;
  max_users: number; // 0 = unlimited
  allow_4k_transcoding: Bool;
  log_streaming: Bool;
  log_downloads: Bool;
  has_emby_premiere: Bool;
  status: string; // 'unknown' | 'ok' | 'unreachable' | 'unauthorized' | 'machine_id_changed'
  status_message: string | null;
  members_imported_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LibraryGroupsTable {
  id: string;
  name: string;
  builtin: string | null; // 'private' | 'standard' | 'premium4k'
  locked: Bool;
  created_at: string;
}

export interface LibrariesTable {
  id: string;
  server_id: string;
  remote_id: string;
  key: string;
  title: string;
  type: string;
  group_id: string;
  item_count: number | null;
  removed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembersTable {
  id: string;
  email: string | null;
  username: string | null;
  display_name: string | null;
  login_id: string | null;
  permanent: Bool;
  source: string; // 'import' | 'invite' | 'subscription'
  import_expires_at: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
  paypal_email: Generated<string | null>;
  discord_id: Generated<string | null>;
  notes: Generated<string | null>;
  /** null: the plan's weekly download quota applies. */
  weekly_download_quota: Generated<number | null>;
  requires_plex_account_change: Generated<Bool>;
  /** Set on a linked (sub) member: its status follows this master's (reference §2.14). */
  master_member_id: Generated<string | null>;
  /** Last "Re-invite me" from My Account (reference §4.4); rate-limits the button. */
  reinvite_requested_at: Generated<string | null>;
}

export interface MemberAccountsTable {
  id: string;
  server_id: string;
  /** null while the account is known on the server but not (yet) imported as a member. */
  member_id: string | null;
  remote_id: string;
  username: string | null;
  email: string | null;
  display_name: string | null;
  state: string; // 'active' | 'pending' | 'disabled'
  libraries: string; // JSON: string[] | "all"
  allow_downloads: Bool;
  /** Jellyfin/Emby video transcoding; null when unknown (Plex, or not read yet). */
  allow_transcoding: Bool | null;
  /** Jellyfin MaxActiveSessions / Emby SimultaneousStreamLimit (0 = unlimited); null when unknown. */
  session_cap: number | null;
  share_id: string | null;
  invited_at: string | null;
  accepted_at: string | null;
  first_seen_at: string;
  updated_at: string;
  /** Set when an identity change replaced this Plex account by another (migration 0015). */
  replaced_at: string | null;
  /** Usher turned "Allow all devices" off on this Emby account for a device cap (migration 0029). */
  devices_restricted: Generated<Bool>;
}

/** What a sync pass held back because it would have removed too much (domain/sync-guard.ts). */
export interface SyncHeldRemovalsTable {
  server_id: string;
  account_remote_ids: string; // JSON string[]
  library_remote_ids: string; // JSON string[]
  accounts_stored: number;
  accounts_seen: number;
  libraries_stored: number;
  libraries_seen: number;
  detected_at: string;
}

/** An account Usher itself removed from a server; its disappearance does not count toward the guard. */
export interface SyncExpectedRemovalsTable {
  server_id: string;
  remote_id: string;
  recorded_at: string;
}

/** A server a member had an account on, kept after sync saw the account go (migration 0010). */
export interface MemberServerHistoryTable {
  member_id: string;
  server_id: string;
  remote_id: string;
  removed_at: string;
}

/** Where a member without an account was placed, or why they could not be (migration 0013). */
export interface MemberPlacementsTable {
  member_id: string;
  server_id: string | null;
  /** 'manual' (the admin chose the server) or a placement rule of domain/placement.ts. */
  rule: string | null;
  preferred_location_id: string | null;
  /** Why no server could take the member; null once placed. */
  error: string | null;
  /** Where to email how to accept once the account exists; null when nobody is to be told (or was told). */
  invite_email: Generated<string | null>;
  decided_at: string;
}

export interface MediaTables {
  plex_accounts: PlexAccountsTable;
  server_locations: ServerLocationsTable;
  servers: ServersTable;
  library_groups: LibraryGroupsTable;
  libraries: LibrariesTable;
  members: MembersTable;
  member_accounts: MemberAccountsTable;
  sync_held_removals: SyncHeldRemovalsTable;
  sync_expected_removals: SyncExpectedRemovalsTable;
  member_server_history: MemberServerHistoryTable;
  member_placements: MemberPlacementsTable;
  bulk_invites: BulkInvitesTable;
  invite_claims: InviteClaimsTable;
}

/** An invite in progress for this email or username key; held only inside its transaction (migration 0022). */
export interface InviteClaimsTable {
  key: string;
  claimed_at: string;
}

/** A bulk invite from CSV waiting for, or applied by, the jobs runner (migration 0014). */
export interface BulkInvitesTable {
  id: string;
  status: string; // 'pending' | 'running' | 'done' | 'failed'
  csv: string;
  actor: string; // JSON Actor
  rows_total: number;
  rows_done: Generated<number>;
  invited: Generated<number>;
  failed: Generated<number>;
  report: string; // JSON BulkInviteResult[]
  run_id: string | null;
  claimed_by: string | null;
  heartbeat_at: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
