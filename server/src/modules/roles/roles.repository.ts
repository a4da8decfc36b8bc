import type { Kysely, Selectable } from 'kysely';
import type { Database, RolesTable } from '../../db/schema.js';

export interface Role {
  id: string;
  name: string;
  builtin: 'administrator' | 'user' | null;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export const ADMIN_ROLE_ID = 'role-administrator';
export const USER_ROLE_ID = 'role-user';

function toRole(row: Selectable<RolesTable>): Role {
  return {
    id: row.id,
    name: row.name,
    builtin: row.builtin === 'administrator' || row.builtin === 'user' ? row.builtin : null,
    permissions: JSON.parse(row.permissions) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class RolesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('name').execute();
    return rows.map(toRole);
  }

  async find(id: string): Promise<Role | undefined> {
    const row = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRole(row);
  }

  /** Case-insensitive: "Europe" and "europe" would read as one name to anyone choosing. */
  async findByName(name: string): Promise<Role | undefined> {
    const row = await this.db.selectFrom('roles').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase())).executeTakeFirst();
    return row && toRole(row);
  }

  async insert(role: { id: string; name: string; permissions: string[]; now: string }): Promise<void> {
    await this.db
      .insertInto('roles')
      .values({
        id: role.id,
        name: role.name,
        builtin: null,
        permissions: JSON.stringify(role.permissions),
        created_at: role.now,
        updated_at: role.now,
      })
      .execute();
  }

  async update(id: string, patch: { name?: string; permissions?: string[]; now: string }): Promise<void> {
    await this.db
      .updateTable('roles')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.permissions !== undefined ? { permissions: JSON.stringify(patch.permissions) } : {}),
        updated_at: patch.now,
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('roles').where('id', '=', id).execute();
  }

  async usage(id: string): Promise<{ logins: number; apiKeys: number }> {
    const logins = await this.db
      .selectFrom('logins')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role_id', '=', id)
      .executeTakeFirstOrThrow();
    const keys = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role_id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { logins: Number(logins.n), apiKeys: Number(keys.n) };
  }
}
