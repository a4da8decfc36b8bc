import type { Kysely, Selectable, Transaction } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { ServersTable } from '../../db/schema-media.js';
import type { MediaServerKind } from '../../ports/media-server.js';

export interface ServerRecord {
  id: string;
  kind: MediaServerKind;
  name: string;
  machineId: string | null;
  version: string | null;
  plexAccountId: string | null;
  url: string;
  /** Sealed API key (Jellyfin/Emby). */
  apiKeySealed: string | null;
  allowSelfSigned: boolean;
  locationId: string | null;
  enabled: boolean;
  allowNewSubscriptions: boolean;
  allowTrials: boolean;
  maxUsers: number;
  allow4kTranscoding: boolean;
  logStreaming: boolean;
  logDownloads: boolean;
  hasEmbyPremiere: boolean;
  status: string;
  statusMessage: string | null;
  membersImportedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ServerPatch = Partial<Omit<Selectable<ServersTable>, 'id' | 'created_at'>>;

function toServer(row: Selectable<ServersTable>): ServerRecord {
  return {
    id: row.id,
    kind: row.kind as MediaServerKind,
    name: row.name,
    machineId: row.machine_id,
    version: row.version,
    plexAccountId: row.plex_account_id,
    url: row.url,
    apiKeySealed: row.api_key,
    allowSelfSigned: toBool(row.allow_self_signed),
    locationId: row.location_id,
    enabled: toBool(row.enabled),
    allowNewSubscriptions: toBool(row.allow_new_subscriptions),
    allowTrials: toBool(row.allow_trials),
    maxUsers: row.max_users,
    allow4kTranscoding: toBool(row.allow_4k_transcoding),
    logStreaming: toBool(row.log_streaming),
    logDownloads: toBool(row.log_downloads),
    hasEmbyPremiere: toBool(row.has_emby_premiere),
    status: row.status,
    statusMessage: row.status_message,
    membersImportedAt: row.members_imported_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface LocationRecord {
  id: string;
  name: string;
  createdAt: string;
  servers: number;
}

export class ServersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<ServerRecord[]> {
    const rows = await this.db.selectFrom('servers').selectAll().orderBy('name').execute();
    return rows.map(toServer);
  }

  async find(id: string): Promise<ServerRecord | undefined> {
    const row = await this.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toServer(row);
  }

  async findByMachineId(kind: MediaServerKind, machineId: string): Promise<ServerRecord | undefined> {
    const row = await this.db
      .selectFrom('servers')
      .selectAll()
      .where('kind', '=', kind)
      .where('machine_id', '=', machineId)
      .executeTakeFirst();
    return row && toServer(row);
  }

  async insert(row: Selectable<ServersTable>): Promise<void> {
    await this.db.insertInto('servers').values(row).execute();
  }

  async update(id: string, patch: ServerPatch, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await db.updateTable('servers').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('servers').where('id', '=', id).execute();
  }

  /** Active member accounts per server, for the capacity bars. */
  async memberCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('member_accounts')
      .select(['server_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('member_id', 'is not', null)
      .groupBy('server_id')
      .execute();
    return new Map(rows.map((r) => [r.server_id, Number(r.n)]));
  }

  async listLocations(): Promise<LocationRecord[]> {
    const rows = await this.db
      .selectFrom('server_locations')
      .leftJoin('servers', 'servers.location_id', 'server_locations.id')
      .select(['server_locations.id', 'server_locations.name', 'server_locations.created_at', (eb) => eb.fn.count<number>('servers.id').as('n')])
      .groupBy(['server_locations.id', 'server_locations.name', 'server_locations.created_at'])
      .orderBy('server_locations.name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, servers: Number(r.n) }));
  }

  async findLocation(id: string) {
    return this.db.selectFrom('server_locations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Case-insensitive: "Europe" and "europe" would read as one name to anyone choosing. */
  async findLocationByName(name: string) {
    return this.db.selectFrom('server_locations').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase())).executeTakeFirst();
  }

  async insertLocation(row: { id: string; name: string; created_at: string }): Promise<void> {
    await this.db.insertInto('server_locations').values(row).execute();
  }

  async renameLocation(id: string, name: string): Promise<void> {
    await this.db.updateTable('server_locations').set({ name }).where('id', '=', id).execute();
  }

  async deleteLocation(id: string): Promise<void> {
    await this.db.deleteFrom('server_locations').where('id', '=', id).execute();
  }
}
