import type { Kysely } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { MediaServerKind } from '../../ports/media-server.js';

export interface PortalMember {
  id: string;
  email: string | null;
  username: string | null;
  permanent: boolean;
  requiresPlexAccountChange: boolean;
  reinviteRequestedAt: string | null;
}

export interface PortalAccount {
  serverId: string;
  serverName: string;
  serverKind: MediaServerKind;
  serverUrl: string;
  state: 'active' | 'pending' | 'disabled' | 'removed';
  username: string | null;
  email: string | null;
}

export interface PortalOperation {
  id: string;
  kind: 'provision' | 'grant' | 'revoke' | 'delete';
  status: 'pending' | 'running' | 'failed' | 'done';
  serverId: string;
  serverName: string;
  serverKind: MediaServerKind;
  attempts: number;
  idempotencyKey: string;
  createdAt: string;
}

type MemberRow = {
  id: string;
  email: string | null;
  username: string | null;
  permanent: unknown;
  requires_plex_account_change: unknown;
  reinvite_requested_at: string | null;
};

const toMember = (r: MemberRow): PortalMember => ({
  id: r.id,
  email: r.email,
  username: r.username,
  permanent: toBool(r.permanent),
  requiresPlexAccountChange: toBool(r.requires_plex_account_change),
  reinviteRequestedAt: r.reinvite_requested_at,
});

const MEMBER_COLUMNS = ['id', 'email', 'username', 'permanent', 'requires_plex_account_change', 'reinvite_requested_at'] as const;

/** What My Account reads about the member behind a login, and the one field the portal writes. */
export class PortalRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async memberOfLogin(loginId: string): Promise<PortalMember | undefined> {
    const row = await this.db
      .selectFrom('members')
      .select(MEMBER_COLUMNS)
      .where('login_id', '=', loginId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    return row ? toMember(row) : undefined;
  }

  /** A live member with this email and no login yet (emails are stored lower-case). */
  async unlinkedMemberByEmail(email: string): Promise<PortalMember | undefined> {
    const row = await this.db
      .selectFrom('members')
      .select(MEMBER_COLUMNS)
      .where('email', '=', email.toLowerCase())
      .where('login_id', 'is', null)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    return row ? toMember(row) : undefined;
  }

  /** Links only a member nobody has claimed, so two logins racing for one member cannot both get it. */
  async linkLogin(memberId: string, loginId: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('members')
      .set({ login_id: loginId, updated_at: now })
      .where('id', '=', memberId)
      .where('login_id', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Takes the member's re-invite slot: succeeds only if the last request is older than `before`, so
   * two clicks at once (or on two instances) make one request.
   */
  async claimReinvite(memberId: string, now: string, before: string): Promise<boolean> {
    const res = await this.db
      .updateTable('members')
      .set({ reinvite_requested_at: now })
      .where('id', '=', memberId)
      .where((eb) => eb.or([eb('reinvite_requested_at', 'is', null), eb('reinvite_requested_at', '<=', before)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** The member's accounts on enabled servers, then the Plex servers whose share is gone (newest first). */
  async accounts(memberId: string): Promise<PortalAccount[]> {
    const live = await this.db
      .selectFrom('member_accounts as a')
      .innerJoin('servers as s', 's.id', 'a.server_id')
      .select(['s.id', 's.name', 's.kind', 's.url', 'a.state', 'a.username', 'a.email'])
      .where('a.member_id', '=', memberId)
      .where('s.enabled', '=', true)
      .orderBy('s.name')
      .execute();
    const out: PortalAccount[] = live.map((r) => ({
      serverId: r.id,
      serverName: r.name,
      serverKind: r.kind as MediaServerKind,
      serverUrl: r.url,
      state: r.state === 'pending' || r.state === 'disabled' ? r.state : 'active',
      username: r.username,
      email: r.email,
    }));
    // Only Plex: the access engine re-invites a member where their share was (a Jellyfin/Emby account deleted
    // remotely needs a new placement, which is the admin's invite).
    const removed = await this.db
      .selectFrom('member_server_history as h')
      .innerJoin('servers as s', 's.id', 'h.server_id')
      .select(['s.id', 's.name', 's.kind', 's.url', 'h.removed_at'])
      .where('h.member_id', '=', memberId)
      .where('s.enabled', '=', true)
      .where('s.kind', '=', 'plex')
      .orderBy('h.removed_at', 'desc')
      .execute();
    const newest = removed.find((r) => !out.some((a) => a.serverId === r.id));
    if (newest && out.length === 0) {
      out.push({
        serverId: newest.id,
        serverName: newest.name,
        serverKind: 'plex',
        serverUrl: newest.url,
        state: 'removed',
        username: null,
        email: null,
      });
    }
    return out;
  }

  async groupNames(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('library_groups')
      .select('name')
      .where('id', 'in', [...groupIds])
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  /** Titles of the libraries in these groups on these servers (not removed), without duplicates. */
  async libraryTitles(serverIds: readonly string[], groupIds: readonly string[]): Promise<string[]> {
    if (serverIds.length === 0 || groupIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('libraries')
      .select('title')
      .where('server_id', 'in', [...serverIds])
      .where('group_id', 'in', [...groupIds])
      .where('removed_at', 'is', null)
      .orderBy('title')
      .execute();
    return [...new Set(rows.map((r) => r.title))];
  }

  /** The member's operations still to do, failed or done, oldest first (a member has few). */
  async openOperations(memberId: string): Promise<PortalOperation[]> {
    const rows = await this.db
      .selectFrom('operations as o')
      .innerJoin('servers as s', 's.id', 'o.server_id')
      .select([
        'o.id',
        'o.kind',
        'o.status',
        'o.attempts',
        'o.idempotency_key',
        'o.created_at',
        's.id as server_id',
        's.name',
        's.kind as server_kind',
      ])
      .where('o.member_id', '=', memberId)
      .where('o.status', 'in', ['pending', 'running', 'failed', 'done'])
      .orderBy('o.created_at')
      .orderBy('o.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as PortalOperation['kind'],
      status: r.status as PortalOperation['status'],
      serverId: r.server_id,
      serverName: r.name,
      serverKind: r.server_kind as MediaServerKind,
      attempts: Number(r.attempts),
      idempotencyKey: r.idempotency_key,
      createdAt: r.created_at,
    }));
  }
}
