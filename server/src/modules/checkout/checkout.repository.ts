import type { Kysely } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export interface CheckoutMemberFacts {
  id: string;
  email: string | null;
  permanent: boolean;
  isSubAccount: boolean;
  subAccounts: number;
  /** Servers the member has a live account on (pending Plex invites included). */
  serverIds: string[];
}

/** What checkout reads about members and locations, and the member it creates for a new customer. */
export class CheckoutRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async memberFacts(memberId: string): Promise<CheckoutMemberFacts | null> {
    const member = await this.db
      .selectFrom('members')
      .select(['id', 'email', 'permanent', 'master_member_id'])
      .where('id', '=', memberId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!member) return null;
    const subs = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('master_member_id', '=', memberId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const accounts = await this.db
      .selectFrom('member_accounts')
      .select('server_id')
      .where('member_id', '=', memberId)
      .where('state', 'in', ['active', 'pending'])
      .execute();
    return {
      id: member.id,
      email: member.email,
      permanent: toBool(member.permanent),
      isSubAccount: member.master_member_id !== null,
      subAccounts: Number(subs.n),
      serverIds: [...new Set(accounts.map((a) => a.server_id))],
    };
  }

  async locationNames(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('server_locations').select(['id', 'name']).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Whether an existing live member already uses this email without a login (an import or an invite). */
  async unlinkedMemberWithEmail(email: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('members')
      .select('id')
      .where('email', '=', email.toLowerCase())
      .where('login_id', 'is', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A customer's first checkout: the member their payments will belong to, tied to their login. */
  async createMember(m: { id: string; email: string; displayName: string | null; loginId: string }, now: string): Promise<void> {
    await this.db
      .insertInto('members')
      .values({
        id: m.id,
        email: m.email.toLowerCase(),
        username: null,
        display_name: m.displayName,
        login_id: m.loginId,
        permanent: false,
        source: 'subscription',
        import_expires_at: null,
        deleted_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}
