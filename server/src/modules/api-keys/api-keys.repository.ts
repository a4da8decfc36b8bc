import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { toBool } from '../../db/database.js';

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

export interface ActiveKey {
  id: string;
  name: string;
  roleId: string;
  lastUsedAt: string | null;
  /** Null when the key has no creator login (any more): such a key is never honoured. */
  creator: { id: string; roleId: string; disabled: boolean; twoFactor: boolean } | null;
}

/** An active key and the permissions of the role it acts with. */
export interface KeyGrant {
  id: string;
  name: string;
  createdBy: string | null;
  permissions: string[];
}

function toGrant(row: { id: string; name: string; created_by: string | null; permissions: string }): KeyGrant {
  return { id: row.id, name: row.name, createdBy: row.created_by, permissions: JSON.parse(row.permissions) as string[] };
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

  /** The key, its role's permissions and its creator's current standing, checked at every use. */
  async findActiveByHash(keyHash: string): Promise<ActiveKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .leftJoin('logins', 'logins.id', 'api_keys.created_by')
      .select([
        'api_keys.id',
        'api_keys.name',
        'api_keys.role_id',
        'api_keys.last_used_at',
        'api_keys.created_by',
        'logins.disabled as creator_disabled',
        'logins.role_id as creator_role_id',
        'logins.totp_enabled as creator_totp',
        'logins.email_otp_enabled as creator_email_otp',
      ])
      .where('api_keys.key_hash', '=', keyHash)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const creator =
      row.created_by !== null && row.creator_role_id !== null
        ? {
            id: row.created_by,
            roleId: row.creator_role_id,
            disabled: toBool(row.creator_disabled),
            twoFactor: toBool(row.creator_totp) || toBool(row.creator_email_otp),
          }
        : null;
    return { id: row.id, name: row.name, roleId: row.role_id, lastUsedAt: row.last_used_at, creator };
  }

  async findActive(id: string): Promise<KeyGrant | undefined> {
    const row = await this.activeGrants().where('api_keys.id', '=', id).executeTakeFirst();
    return row && toGrant(row);
  }

  /** Active keys a login created (directly, or through a key it created). */
  async activeCreatedBy(loginId: string): Promise<KeyGrant[]> {
    const rows = await this.activeGrants().where('api_keys.created_by', '=', loginId).execute();
    return rows.map(toGrant);
  }

  /** Active keys created by the logins that hold a role. */
  async activeCreatedByHoldersOf(roleId: string): Promise<KeyGrant[]> {
    const rows = await this.activeGrants()
      .innerJoin('logins', 'logins.id', 'api_keys.created_by')
      .where('logins.role_id', '=', roleId)
      .execute();
    return rows.map(toGrant);
  }

  private activeGrants() {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select(['api_keys.id', 'api_keys.name', 'api_keys.created_by', 'roles.permissions'])
      .where('api_keys.revoked_at', 'is', null);
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
