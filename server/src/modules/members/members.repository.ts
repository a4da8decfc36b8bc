import { sql, type Kysely, type Transaction } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { StoredAccount } from '../../domain/server-sync.js';
import type { RemoteAccount } from '../../ports/media-server.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MemberListItem {
  id: string;
  email: string | null;
  username: string | null;
  displayName: string | null;
  permanent: boolean;
  source: string;
  createdAt: string;
  servers: { serverId: string; serverName: string; state: string }[];
}

export interface SharedServerItem {
  id: string;
  serverId: string;
  serverName: string;
  memberId: string | null;
  remoteId: string;
  username: string | null;
  email: string | null;
  state: string;
  libraries: string[] | 'all';
  allowDownloads: boolean;
  invitedAt: string | null;
  acceptedAt: string | null;
  firstSeenAt: string;
  /** Set when an identity change replaced this account by another (the old one is kept for the record). */
  replacedAt: string | null;
}

export const MEMBER_SORTS = ['email', 'username', 'createdAt'] as const;
const sortColumns = { email: 'members.email', username: 'members.username', createdAt: 'members.created_at' } as const;

function parseLibraries(value: string): string[] | 'all' {
  const parsed = JSON.parse(value) as unknown;
  return parsed === 'all' ? 'all' : (parsed as string[]);
}

function accountRow(remote: RemoteAccount) {
  return {
    username: remote.username,
    email: remote.email?.toLowerCase() ?? null,
    display_name: remote.displayName,
    state: remote.state,
    libraries: JSON.stringify(remote.libraries),
    allow_downloads: remote.allowDownloads,
    allow_transcoding: remote.allowTranscoding ?? null,
    session_cap: remote.sessionCap ?? null,
    share_id: remote.shareId ?? null,
    invited_at: remote.invitedAt ?? null,
    accepted_at: remote.acceptedAt ?? null,
  };
}

export class MembersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async storedAccounts(serverId: string, db: Db = this.db): Promise<StoredAccount[]> {
    const rows = await db.selectFrom('member_accounts').selectAll().where('server_id', '=', serverId).execute();
    return rows.map((r) => ({
      id: r.id,
      remoteId: r.remote_id,
      memberId: r.member_id,
      username: r.username,
      email: r.email,
      displayName: r.display_name,
      state: r.state,
      libraries: parseLibraries(r.libraries),
      allowDownloads: toBool(r.allow_downloads),
      allowTranscoding: r.allow_transcoding === null ? null : toBool(r.allow_transcoding),
      sessionCap: r.session_cap,
      shareId: r.share_id,
      invitedAt: r.invited_at,
      acceptedAt: r.accepted_at,
    }));
  }

  async insertAccounts(rows: { id: string; serverId: string; memberId: string | null; remote: RemoteAccount }[], now: string, db: Db = this.db) {
    // Chunked so a server with thousands of accounts stays under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('member_accounts')
        .values(
          rows.slice(i, i + 200).map((r) => ({
            id: r.id,
            server_id: r.serverId,
            member_id: r.memberId,
            remote_id: r.remote.remoteId,
            ...accountRow(r.remote),
            first_seen_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  async updateAccount(id: string, remote: RemoteAccount, now: string, db: Db = this.db): Promise<void> {
    await db.updateTable('member_accounts').set({ ...accountRow(remote), updated_at: now }).where('id', '=', id).execute();
  }

  /** Removes accounts the server no longer lists; a member's account leaves a trace in the history. */
  async deleteAccounts(ids: string[], removedAt: string, db: Db = this.db): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const linked = await db.selectFrom('member_accounts').select(['member_id', 'server_id', 'remote_id']).where('id', 'in', chunk).where('member_id', 'is not', null).where('replaced_at', 'is', null).execute();
      // A replaced account (identity change) is not a server the member was on "before": no trace.
      for (const row of linked) {
        await db
          .insertInto('member_server_history')
          .values({ member_id: row.member_id!, server_id: row.server_id, remote_id: row.remote_id, removed_at: removedAt })
          .onConflict((oc) => oc.columns(['member_id', 'server_id']).doUpdateSet({ remote_id: row.remote_id, removed_at: removedAt }))
          .execute();
      }
      await db.deleteFrom('member_accounts').where('id', 'in', chunk).execute();
    }
  }

  /** Servers the member had an account on before (newest removal first), for placement. */
  async previousServers(memberId: string, db: Db = this.db): Promise<{ serverId: string; remoteId: string; removedAt: string }[]> {
    const rows = await db.selectFrom('member_server_history').selectAll().where('member_id', '=', memberId).orderBy('removed_at', 'desc').execute();
    return rows.map((r) => ({ serverId: r.server_id, remoteId: r.remote_id, removedAt: r.removed_at }));
  }

  async linkAccounts(links: { accountId: string; memberId: string }[], db: Db = this.db): Promise<void> {
    for (const link of links) {
      await db.updateTable('member_accounts').set({ member_id: link.memberId }).where('id', '=', link.accountId).execute();
    }
  }

  /** Every member (deleted ones too, so sync can recognise them) keyed by email and username. */
  async memberIndex(db: Db = this.db) {
    return db.selectFrom('members').select(['id', 'email', 'username', 'deleted_at']).execute();
  }

  async insertMembers(
    rows: { id: string; email: string | null; username: string | null; displayName: string | null; permanent: boolean; source: string; importExpiresAt: string | null }[],
    now: string,
    db: Db = this.db,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('members')
        .values(
          rows.slice(i, i + 200).map((r) => ({
            id: r.id,
            email: r.email?.toLowerCase() ?? null,
            username: r.username,
            display_name: r.displayName,
            login_id: null,
            permanent: r.permanent,
            source: r.source,
            import_expires_at: r.importExpiresAt,
            deleted_at: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  async search(query: { q?: string | undefined; serverId?: string | undefined; sort: (typeof MEMBER_SORTS)[number]; order: 'asc' | 'desc'; offset: number; limit: number }) {
    let base = this.db.selectFrom('members').where('members.deleted_at', 'is', null);
    if (query.q) {
      const like = `%${query.q.toLowerCase()}%`;
      base = base.where((eb) => eb.or([eb('members.email', 'like', like), eb(eb.fn('lower', ['members.username']), 'like', like), eb(eb.fn('lower', ['members.display_name']), 'like', like)]));
    }
    if (query.serverId) {
      const serverId = query.serverId;
      base = base.where((eb) => eb.exists(eb.selectFrom('member_accounts').select(sql`1`.as('x')).whereRef('member_accounts.member_id', '=', 'members.id').where('member_accounts.server_id', '=', serverId)));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll('members')
      .orderBy(sortColumns[query.sort], query.order)
      .orderBy('members.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const ids = rows.map((r) => r.id);
    const accounts = ids.length
      ? await this.db
          .selectFrom('member_accounts')
          .innerJoin('servers', 'servers.id', 'member_accounts.server_id')
          .select(['member_accounts.member_id', 'member_accounts.server_id', 'servers.name', 'member_accounts.state'])
          .where('member_accounts.member_id', 'in', ids)
          .execute()
      : [];
    const items: MemberListItem[] = rows.map((r) => ({
      id: r.id,
      email: r.email,
      username: r.username,
      displayName: r.display_name,
      permanent: toBool(r.permanent),
      source: r.source,
      createdAt: r.created_at,
      servers: accounts.filter((a) => a.member_id === r.id).map((a) => ({ serverId: a.server_id, serverName: a.name, state: a.state })),
    }));
    return { items, total: Number(total.n) };
  }

  async hasActiveMemberWithEmail(email: string): Promise<boolean> {
    const row = await this.db.selectFrom('members').select('id').where('email', '=', email.toLowerCase()).where('deleted_at', 'is', null).executeTakeFirst();
    return !!row;
  }

  async findMember(id: string) {
    return this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async sharedServers(filter: { memberId?: string; serverId?: string | undefined; untrackedOnly?: boolean }): Promise<SharedServerItem[]> {
    let q = this.db
      .selectFrom('member_accounts')
      .innerJoin('servers', 'servers.id', 'member_accounts.server_id')
      .selectAll('member_accounts')
      .select('servers.name as server_name');
    if (filter.memberId) q = q.where('member_accounts.member_id', '=', filter.memberId);
    if (filter.serverId) q = q.where('member_accounts.server_id', '=', filter.serverId);
    if (filter.untrackedOnly) q = q.where('member_accounts.member_id', 'is', null);
    const rows = await q.orderBy('servers.name').orderBy('member_accounts.username').execute();
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      serverName: r.server_name,
      memberId: r.member_id,
      remoteId: r.remote_id,
      username: r.username,
      email: r.email,
      state: r.state,
      libraries: parseLibraries(r.libraries),
      allowDownloads: toBool(r.allow_downloads),
      invitedAt: r.invited_at,
      acceptedAt: r.accepted_at,
      firstSeenAt: r.first_seen_at,
      replacedAt: r.replaced_at,
    }));
  }

  /** A deleted member keeps its row (and its accounts' link), so sync never brings it back. */
  async softDeleteMember(id: string, now: string, db: Db = this.db): Promise<void> {
    await db.updateTable('members').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
  }

  async setPermanent(id: string, permanent: boolean, now: string): Promise<void> {
    await this.db.updateTable('members').set({ permanent, updated_at: now }).where('id', '=', id).execute();
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}
