import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  roleId: string;
  roleName: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class ApiKeysRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: { id: string; name: string; prefix: string; keyHash: string; roleId: string; createdBy: string | null; now: string }) {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        key_hash: key.keyHash,
        role_id: key.roleId,
        created_by: key.createdBy,
        created_at: key.now,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select([
        'api_keys.id',
        'api_keys.name',
        'api_keys.prefix',
        'api_keys.role_id',
        'roles.name as role_name',
        'api_keys.created_by',
        'api_keys.created_at',
        'api_keys.last_used_at',
        'api_keys.revoked_at',
      ])
      .orderBy('api_keys.created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      roleId: r.role_id,
      roleName: r.role_name,
      createdBy: r.created_by,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  async findActiveByHash(keyHash: string) {
    return this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role_id', 'last_used_at'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  async touch(id: string, now: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  async revoke(id: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
