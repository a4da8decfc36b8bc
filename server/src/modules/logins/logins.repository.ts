import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { toBool } from '../../db/database.js';

export interface LoginListItem {
  id: string;
  email: string;
  displayName: string | null;
  roleId: string;
  roleName: string;
  emailConfirmed: boolean;
  disabled: boolean;
  twoFactor: { totp: boolean; email: boolean };
  createdAt: string;
  lastLoginAt: string | null;
}

export const LOGIN_SORTS = ['email', 'createdAt', 'lastLoginAt', 'role'] as const;
export type LoginSort = (typeof LOGIN_SORTS)[number];

const sortColumns = {
  email: 'logins.email',
  createdAt: 'logins.created_at',
  lastLoginAt: 'logins.last_login_at',
  role: 'roles.name',
} as const;

export class LoginsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async search(query: {
    q?: string | undefined;
    roleId?: string | undefined;
    sort: LoginSort;
    order: 'asc' | 'desc';
    offset: number;
    limit: number;
  }): Promise<{ items: LoginListItem[]; total: number }> {
    let base = this.db.selectFrom('logins').innerJoin('roles', 'roles.id', 'logins.role_id');
    if (query.q) {
      const like = `%${query.q.toLowerCase()}%`;
      base = base.where((eb) =>
        eb.or([eb('logins.email', 'like', like), eb(eb.fn('lower', ['logins.display_name']), 'like', like)]),
      );
    }
    if (query.roleId) base = base.where('logins.role_id', '=', query.roleId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .select([
        'logins.id',
        'logins.email',
        'logins.display_name',
        'logins.role_id',
        'roles.name as role_name',
        'logins.email_confirmed_at',
        'logins.disabled',
        'logins.totp_enabled',
        'logins.email_otp_enabled',
        'logins.created_at',
        'logins.last_login_at',
      ])
      .orderBy(sortColumns[query.sort], query.order)
      .orderBy('logins.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        email: r.email,
        displayName: r.display_name,
        roleId: r.role_id,
        roleName: r.role_name,
        emailConfirmed: r.email_confirmed_at !== null,
        disabled: toBool(r.disabled),
        twoFactor: { totp: toBool(r.totp_enabled), email: toBool(r.email_otp_enabled) },
        createdAt: r.created_at,
        lastLoginAt: r.last_login_at,
      })),
    };
  }
}
