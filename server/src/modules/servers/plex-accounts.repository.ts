import type { Kysely, Selectable } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PlexAccountsTable } from '../../db/schema-media.js';

export interface PlexAccountRecord {
  id: string;
  email: string | null;
  username: string | null;
  plexUserId: string | null;
  tokenSealed: string;
  passwordSealed: string | null;
  proxyUrl: string | null;
  proxyUsername: string | null;
  proxyPasswordSealed: string | null;
  detectedPlexPass: boolean;
  plexPassOverride: boolean | null;
  tokenStatus: 'valid' | 'invalid' | 'unchecked';
  tokenCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type PlexAccountPatch = Partial<Omit<Selectable<PlexAccountsTable>, 'id' | 'created_at'>>;

function toRecord(row: Selectable<PlexAccountsTable>): PlexAccountRecord {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    plexUserId: row.plex_user_id,
    tokenSealed: row.token,
    passwordSealed: row.password,
    proxyUrl: row.proxy_url,
    proxyUsername: row.proxy_username,
    proxyPasswordSealed: row.proxy_password,
    detectedPlexPass: toBool(row.has_plex_pass),
    plexPassOverride: row.plex_pass_override === null ? null : toBool(row.plex_pass_override),
    tokenStatus: row.token_status === 'valid' || row.token_status === 'invalid' ? row.token_status : 'unchecked',
    tokenCheckedAt: row.token_checked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class PlexAccountsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<PlexAccountRecord[]> {
    const rows = await this.db.selectFrom('plex_accounts').selectAll().orderBy('created_at').execute();
    return rows.map(toRecord);
  }

  async find(id: string): Promise<PlexAccountRecord | undefined> {
    const row = await this.db.selectFrom('plex_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByPlexUserId(plexUserId: string): Promise<PlexAccountRecord | undefined> {
    const row = await this.db.selectFrom('plex_accounts').selectAll().where('plex_user_id', '=', plexUserId).executeTakeFirst();
    return row && toRecord(row);
  }

  async insert(row: Selectable<PlexAccountsTable>): Promise<void> {
    await this.db.insertInto('plex_accounts').values(row).execute();
  }

  async update(id: string, patch: PlexAccountPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('plex_accounts').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('plex_accounts').where('id', '=', id).execute();
  }

  async serverCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('servers')
      .select(['plex_account_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('plex_account_id', 'is not', null)
      .groupBy('plex_account_id')
      .execute();
    return new Map(rows.map((r) => [r.plex_account_id!, Number(r.n)]));
  }
}
