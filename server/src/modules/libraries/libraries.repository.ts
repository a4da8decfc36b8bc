import { sql, type Kysely, type Transaction } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { StoredLibrary } from '../../domain/server-sync.js';

export const PRIVATE_GROUP_ID = 'group-private';
export const STANDARD_GROUP_ID = 'group-standard';

export interface LibraryGroupRecord {
  id: string;
  name: string;
  builtin: 'private' | 'standard' | 'premium4k' | null;
  locked: boolean;
  libraries: number;
}

export interface LibraryListItem {
  id: string;
  serverId: string;
  serverName: string;
  remoteId: string;
  title: string;
  type: string;
  groupId: string;
  groupName: string;
  itemCount: number | null;
  removedAt: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

export class LibrariesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async storedForServer(serverId: string, db: Db = this.db): Promise<StoredLibrary[]> {
    const rows = await db
      .selectFrom('libraries')
      .select(['id', 'remote_id', 'key', 'title', 'type', 'removed_at'])
      .where('server_id', '=', serverId)
      .execute();
    return rows.map((r) => ({ id: r.id, remoteId: r.remote_id, key: r.key, title: r.title, type: r.type, removedAt: r.removed_at }));
  }

  async list(filter: { serverId?: string | undefined; groupId?: string | undefined; includeRemoved: boolean }): Promise<LibraryListItem[]> {
    let q = this.db
      .selectFrom('libraries')
      .innerJoin('servers', 'servers.id', 'libraries.server_id')
      .innerJoin('library_groups', 'library_groups.id', 'libraries.group_id')
      .select([
        'libraries.id',
        'libraries.server_id',
        'servers.name as server_name',
        'libraries.remote_id',
        'libraries.title',
        'libraries.type',
        'libraries.group_id',
        'library_groups.name as group_name',
        'libraries.item_count',
        'libraries.removed_at',
      ]);
    if (filter.serverId) q = q.where('libraries.server_id', '=', filter.serverId);
    if (filter.groupId) q = q.where('libraries.group_id', '=', filter.groupId);
    if (!filter.includeRemoved) q = q.where('libraries.removed_at', 'is', null);
    const rows = await q.orderBy('servers.name').orderBy('libraries.title').execute();
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      serverName: r.server_name,
      remoteId: r.remote_id,
      title: r.title,
      type: r.type,
      groupId: r.group_id,
      groupName: r.group_name,
      itemCount: r.item_count,
      removedAt: r.removed_at,
    }));
  }

  async find(id: string) {
    return this.db.selectFrom('libraries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertMany(
    rows: { id: string; server_id: string; remote_id: string; key: string; title: string; type: string; group_id: string; now: string }[],
    db: Db = this.db,
  ): Promise<void> {
    if (rows.length === 0) return;
    await db
      .insertInto('libraries')
      .values(
        rows.map(({ now, ...r }) => ({ ...r, item_count: null, removed_at: null, created_at: now, updated_at: now })),
      )
      .execute();
  }

  async updateRemote(id: string, patch: { key: string; title: string; type: string; now: string }, db: Db = this.db): Promise<void> {
    await db
      .updateTable('libraries')
      .set({ key: patch.key, title: patch.title, type: patch.type, removed_at: null, updated_at: patch.now })
      .where('id', '=', id)
      .execute();
  }

  async markRemoved(ids: string[], now: string, db: Db = this.db): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('libraries').set({ removed_at: now, updated_at: now }).where('id', 'in', ids).execute();
  }

  async setGroup(id: string, groupId: string, now: string): Promise<void> {
    await this.db.updateTable('libraries').set({ group_id: groupId, updated_at: now }).where('id', '=', id).execute();
  }

  async setItemCount(id: string, count: number, now: string): Promise<void> {
    await this.db.updateTable('libraries').set({ item_count: count, updated_at: now }).where('id', '=', id).execute();
  }

  async listGroups(): Promise<LibraryGroupRecord[]> {
    const rows = await this.db
      .selectFrom('library_groups')
      .leftJoin('libraries', (join) => join.onRef('libraries.group_id', '=', 'library_groups.id').on('libraries.removed_at', 'is', null))
      .select(['library_groups.id', 'library_groups.name', 'library_groups.builtin', 'library_groups.locked', (eb) => eb.fn.count<number>('libraries.id').as('n')])
      .groupBy(['library_groups.id', 'library_groups.name', 'library_groups.builtin', 'library_groups.locked', 'library_groups.created_at'])
      // Built-in groups first, in their natural order, then the admin's groups by name.
      .orderBy(sql`case library_groups.builtin when 'private' then 0 when 'standard' then 1 when 'premium4k' then 2 else 3 end`)
      .orderBy('library_groups.name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      builtin: r.builtin === 'private' || r.builtin === 'standard' || r.builtin === 'premium4k' ? r.builtin : null,
      locked: toBool(r.locked),
      libraries: Number(r.n),
    }));
  }

  async findGroup(id: string) {
    return this.db.selectFrom('library_groups').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Case-insensitive: "Europe" and "europe" would read as one name to anyone choosing. */
  async findGroupByName(name: string) {
    return this.db.selectFrom('library_groups').selectAll().where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase())).executeTakeFirst();
  }

  async insertGroup(row: { id: string; name: string; now: string }): Promise<void> {
    await this.db.insertInto('library_groups').values({ id: row.id, name: row.name, builtin: null, locked: false, created_at: row.now }).execute();
  }

  async renameGroup(id: string, name: string): Promise<void> {
    await this.db.updateTable('library_groups').set({ name }).where('id', '=', id).execute();
  }

  /** Deleting a group moves its libraries back to Private, so nothing becomes shared by accident. */
  async deleteGroup(id: string, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('libraries').set({ group_id: PRIVATE_GROUP_ID, updated_at: now }).where('group_id', '=', id).execute();
      await trx.deleteFrom('library_groups').where('id', '=', id).execute();
    });
  }
}
