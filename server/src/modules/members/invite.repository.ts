import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface NewInvitedMember {
  id: string;
  email: string | null;
  username: string | null;
  paypalEmail: string | null;
  notes?: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The invite's own SQL: the duplicate check and the member row (payment and placement go through their modules). */
export class InviteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A live member already using this email or username (case-insensitive), if any. */
  async liveMemberWith(
    email: string | null,
    username: string | null,
    db: Db = this.db,
  ): Promise<{ id: string; field: 'email' | 'username' } | null> {
    if (email) {
      const row = await db
        .selectFrom('members')
        .select('id')
        .where('email', '=', email.toLowerCase())
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (row) return { id: row.id, field: 'email' };
    }
    if (username) {
      const row = await db
        .selectFrom('members')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (row) return { id: row.id, field: 'username' };
    }
    return null;
  }

  async locationExists(id: string): Promise<boolean> {
    return !!(await this.db.selectFrom('server_locations').select('id').where('id', '=', id).executeTakeFirst());
  }

  async insertMember(member: NewInvitedMember, now: string, trx: Transaction<Database>): Promise<void> {
    await trx
      .insertInto('members')
      .values({
        id: member.id,
        email: member.email?.toLowerCase() ?? null,
        username: member.username,
        display_name: null,
        login_id: null,
        permanent: false,
        source: 'invite',
        import_expires_at: null,
        deleted_at: null,
        created_at: now,
        updated_at: now,
        paypal_email: member.paypalEmail?.toLowerCase() ?? null,
        notes: member.notes ?? null,
      })
      .execute();
  }

  /**
   * Makes concurrent invites of the same keys (a person, or the server whose seat they take) wait
   * for each other (migration 0022 says how); call
   * first in the invite's transaction and `releaseIdentity` before it commits. Sorted, so two
   * invites sharing two keys take them in the same order and cannot deadlock.
   */
  async claimIdentity(keys: readonly string[], now: string, trx: Transaction<Database>): Promise<void> {
    for (const key of [...new Set(keys)].sort()) await trx.insertInto('invite_claims').values({ key, claimed_at: now }).execute();
  }

  async releaseIdentity(keys: readonly string[], trx: Transaction<Database>): Promise<void> {
    if (keys.length)
      await trx
        .deleteFrom('invite_claims')
        .where('key', 'in', [...keys])
        .execute();
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}
