import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { MembersTable } from '../../db/schema-media.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MemberFieldsRow {
  email?: string | null;
  paypal_email?: string | null;
  discord_id?: string | null;
  notes?: string | null;
  weekly_download_quota?: number | null;
  requires_plex_account_change?: boolean;
  permanent?: boolean;
}

export interface ExportAccount {
  memberId: string;
  serverName: string;
  state: string;
}

/** Writes of the admin member operations: edit, merge, links and export reads. */
export class MemberOpsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db): Promise<Selectable<MembersTable> | undefined> {
    return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async emailTaken(email: string, exceptId: string, db: Db = this.db): Promise<boolean> {
    const row = await db.selectFrom('members').select('id').where('email', '=', email).where('id', '!=', exceptId).where('deleted_at', 'is', null).executeTakeFirst();
    return !!row;
  }

  async update(id: string, fields: MemberFieldsRow, now: string, db: Db = this.db): Promise<void> {
    await db.updateTable('members').set({ ...fields, updated_at: now }).where('id', '=', id).execute();
  }

  async subCount(masterId: string, db: Db = this.db): Promise<number> {
    const row = await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('master_member_id', '=', masterId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async subs(masterId: string, db: Db = this.db) {
    return db.selectFrom('members').select(['id', 'email', 'username', 'display_name']).where('master_member_id', '=', masterId).where('deleted_at', 'is', null).orderBy('email').execute();
  }

  async setMaster(id: string, masterId: string | null, now: string, db: Db = this.db): Promise<void> {
    await db.updateTable('members').set({ master_member_id: masterId, updated_at: now }).where('id', '=', id).execute();
  }

  /** A deleted master pays for nobody: its subs stand on their own payments again. */
  async releaseSubs(masterId: string, now: string, db: Db = this.db): Promise<number> {
    const res = await db.updateTable('members').set({ master_member_id: null, updated_at: now }).where('master_member_id', '=', masterId).executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Master ids of these members (only those that have one). */
  async mastersOf(ids: readonly string[], db: Db = this.db): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('members').select(['id', 'master_member_id']).where('id', 'in', ids.slice(i, i + 500)).where('master_member_id', 'is not', null).execute();
      for (const r of rows) out.set(r.id, r.master_member_id!);
    }
    return out;
  }

  async permanentOf(ids: readonly string[], db: Db = this.db): Promise<{ id: string; permanent: boolean }[]> {
    const out: { id: string; permanent: boolean }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('members').select(['id', 'permanent']).where('id', 'in', ids.slice(i, i + 500)).execute();
      out.push(...rows.map((r) => ({ id: r.id, permanent: Boolean(r.permanent) })));
    }
    return out;
  }

  /**
   * Moves everything of `sourceId` onto `targetId` and soft-deletes the source. History rows the
   * target already has for a server win (primary key member × server); the source's login moves only
   * when the target has none, since a member links to one login.
   */
  async merge(sourceId: string, targetId: string, fields: MemberFieldsRow & { login_id?: string | null }, now: string, trx: Transaction<Database>): Promise<{ payments: number; accounts: number }> {
    const payments = await trx.updateTable('payments').set({ member_id: targetId }).where('member_id', '=', sourceId).executeTakeFirst();
    const accounts = await trx.updateTable('member_accounts').set({ member_id: targetId }).where('member_id', '=', sourceId).executeTakeFirst();
    await trx
      .deleteFrom('member_server_history')
      .where('member_id', '=', sourceId)
      .where('server_id', 'in', trx.selectFrom('member_server_history').select('server_id').where('member_id', '=', targetId))
      .execute();
    await trx.updateTable('member_server_history').set({ member_id: targetId }).where('member_id', '=', sourceId).execute();
    await trx.updateTable('members').set({ master_member_id: targetId, updated_at: now }).where('master_member_id', '=', sourceId).where('id', '!=', targetId).execute();
    const loginId = fields.login_id;
    await trx.updateTable('members').set({ login_id: null, master_member_id: null, deleted_at: now, updated_at: now }).where('id', '=', sourceId).execute();
    await trx.updateTable('members').set({ ...fields, ...(loginId !== undefined ? { login_id: loginId } : {}), updated_at: now }).where('id', '=', targetId).execute();
    return { payments: Number(payments.numUpdatedRows), accounts: Number(accounts.numUpdatedRows) };
  }

  /** Every live member for the CSV export, oldest first so repeated exports diff cleanly. */
  async exportRows(db: Db = this.db) {
    const members = await db.selectFrom('members').selectAll().where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    const accounts = await db
      .selectFrom('member_accounts')
      .innerJoin('servers', 'servers.id', 'member_accounts.server_id')
      .select(['member_accounts.member_id', 'servers.name', 'member_accounts.state'])
      .where('member_accounts.member_id', 'is not', null)
      .orderBy(sql`servers.name`)
      .execute();
    return { members, accounts: accounts.map((a): ExportAccount => ({ memberId: a.member_id!, serverName: a.name, state: a.state })) };
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}
