import type { Kysely } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** A member's account on an enabled server as the last sync (or the last applied operation) left it. */
export interface LinkedAccount {
  memberId: string;
  memberEmail: string | null;
  memberUsername: string | null;
  memberDisplayName: string | null;
  permanent: boolean;
  serverId: string;
  remoteId: string;
  shareId: string | null;
  username: string | null;
  email: string | null;
  state: 'active' | 'pending' | 'disabled';
  libraries: string[] | 'all';
  allowDownloads: boolean;
  /** null when unknown (Plex, or not read since migration 0017): not compared. */
  allowTranscoding: boolean | null;
  sessionCap: number | null;
  /** Moves whenever the row changes: part of the operation epoch. */
  updatedAt: string;
}

/** A Plex server the member was shared on before (the share is gone): a renewal re-invites there. */
export interface PreviousPlexAccount {
  memberId: string;
  memberEmail: string | null;
  memberUsername: string | null;
  memberDisplayName: string | null;
  permanent: boolean;
  serverId: string;
  remoteId: string;
  removedAt: string;
}

export interface LibraryRow {
  serverId: string;
  remoteId: string;
  groupId: string;
  title: string;
  removed: boolean;
}

function parseLibraries(value: string): string[] | 'all' {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === 'all') return 'all';
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function state(value: string): LinkedAccount['state'] {
  return value === 'pending' || value === 'disabled' ? value : 'active';
}

/** The reads (and the one write-back) the access engine needs; everything else goes through other modules' repositories. */
export class AccessRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Linked (sub) members among these, with their master's id and permanent flag (reference §2.14). */
  async mastersOf(memberIds: readonly string[]): Promise<Map<string, { masterId: string; permanent: boolean }>> {
    const out = new Map<string, { masterId: string; permanent: boolean }>();
    for (let i = 0; i < memberIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('members as s')
        .innerJoin('members as m', 'm.id', 's.master_member_id')
        .select(['s.id', 'm.id as master_id', 'm.permanent'])
        .where('s.id', 'in', memberIds.slice(i, i + 500))
        .where('m.deleted_at', 'is', null)
        .execute();
      for (const r of rows) out.set(r.id, { masterId: r.master_id, permanent: toBool(r.permanent) });
    }
    return out;
  }

  /** The live subs of these masters: a change to a master's payments changes their access too. */
  async subsOfMany(masterIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < masterIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('members')
        .select('id')
        .where('master_member_id', 'in', masterIds.slice(i, i + 500))
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of rows) out.push(r.id);
    }
    return out;
  }

  /** Every live member's id, in id order: a full pass takes them a slice at a time. */
  async liveMemberIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('members').select('id').where('deleted_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /** The accounts of these members (at most a few hundred: the caller slices), or of everyone. */
  async linkedAccounts(memberIds?: readonly string[]): Promise<LinkedAccount[]> {
    if (memberIds?.length === 0) return [];
    let query = this.db
      .selectFrom('member_accounts as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .innerJoin('servers as s', 's.id', 'a.server_id')
      .select([
        'a.member_id',
        'm.email as member_email',
        'm.username as member_username',
        'm.display_name as member_display_name',
        'm.permanent',
        'a.server_id',
        'a.remote_id',
        'a.share_id',
        'a.username',
        'a.email',
        'a.state',
        'a.libraries',
        'a.allow_downloads',
        'a.allow_transcoding',
        'a.session_cap',
        'a.updated_at',
      ])
      .where('m.deleted_at', 'is', null)
      .where('s.enabled', '=', true)
      // A Plex account an identity change replaced only waits for its share to be removed.
      .where('a.replaced_at', 'is', null);
    if (memberIds) query = query.where('a.member_id', 'in', [...memberIds]);
    const rows = await query.orderBy('a.member_id').orderBy('a.server_id').orderBy('a.remote_id').execute();
    return rows.map((r) => ({
      memberId: r.member_id!,
      memberEmail: r.member_email,
      memberUsername: r.member_username,
      memberDisplayName: r.member_display_name,
      permanent: toBool(r.permanent),
      serverId: r.server_id,
      remoteId: r.remote_id,
      shareId: r.share_id,
      username: r.username,
      email: r.email,
      state: state(r.state),
      libraries: parseLibraries(r.libraries),
      allowDownloads: toBool(r.allow_downloads),
      allowTranscoding: r.allow_transcoding === null ? null : toBool(r.allow_transcoding),
      sessionCap: r.session_cap,
      updatedAt: r.updated_at,
    }));
  }

  /** The newest removed Plex share of each of these live members, or of everyone (on an enabled server). */
  async previousPlexAccounts(memberIds?: readonly string[]): Promise<PreviousPlexAccount[]> {
    if (memberIds?.length === 0) return [];
    let query = this.db
      .selectFrom('member_server_history as h')
      .innerJoin('members as m', 'm.id', 'h.member_id')
      .innerJoin('servers as s', 's.id', 'h.server_id')
      .select(['h.member_id', 'm.email', 'm.username', 'm.display_name', 'm.permanent', 'h.server_id', 'h.remote_id', 'h.removed_at'])
      .where('m.deleted_at', 'is', null)
      .where('s.enabled', '=', true)
      .where('s.kind', '=', 'plex');
    if (memberIds) query = query.where('h.member_id', 'in', [...memberIds]);
    const rows = await query.orderBy('h.removed_at', 'desc').execute();
    const newest = new Map<string, PreviousPlexAccount>();
    for (const r of rows) {
      if (newest.has(r.member_id)) continue;
      newest.set(r.member_id, {
        memberId: r.member_id,
        memberEmail: r.email,
        memberUsername: r.username,
        memberDisplayName: r.display_name,
        permanent: toBool(r.permanent),
        serverId: r.server_id,
        remoteId: r.remote_id,
        removedAt: r.removed_at,
      });
    }
    return [...newest.values()];
  }

  async libraries(serverIds: readonly string[]): Promise<LibraryRow[]> {
    if (serverIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('libraries')
      .select(['server_id', 'remote_id', 'group_id', 'title', 'removed_at'])
      .where('server_id', 'in', [...serverIds])
      .execute();
    return rows.map((r) => ({
      serverId: r.server_id,
      remoteId: r.remote_id,
      groupId: r.group_id,
      title: r.title,
      removed: r.removed_at !== null,
    }));
  }

  /** Live members with any payment on the plan (their access may follow it). */
  async membersWithPlan(planId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('payments')
      .innerJoin('members', 'members.id', 'payments.member_id')
      .select('payments.member_id')
      .distinct()
      .where('payments.plan_id', '=', planId)
      .where('members.deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.member_id);
  }

  /**
   * Records what an applied grant or revoke left on the server, so the next pass (before the next
   * sync) compares against it instead of the stale picture.
   */
  async recordAccess(
    serverId: string,
    remoteId: string,
    access: { libraries: string[]; allowDownloads: boolean; allowTranscoding?: boolean; sessionCap?: number },
    now: string,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('member_accounts')
      .set({
        libraries: JSON.stringify(access.libraries),
        allow_downloads: access.allowDownloads,
        // A revoke leaves the cap and transcoding as they were; only a grant sets them.
        ...(access.allowTranscoding === undefined ? {} : { allow_transcoding: access.allowTranscoding }),
        ...(access.sessionCap === undefined ? {} : { session_cap: access.sessionCap }),
        updated_at: now,
      })
      .where('server_id', '=', serverId)
      .where('remote_id', '=', remoteId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
