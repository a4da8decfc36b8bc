import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { LibraryCountRow } from '../../domain/library-stats.js';
import { PRIVATE_GROUP_ID } from '../libraries/libraries.repository.js';

export interface LibraryCountInput {
  libraryId: string;
  items: number;
  episodes: number | null;
  albums: number | null;
  tracks: number | null;
}

export class LibraryStatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async save(rows: LibraryCountInput[], now: string): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const values = { items: row.items, episodes: row.episodes, albums: row.albums, tracks: row.tracks, counted_at: now };
        await trx
          .insertInto('library_stats')
          .values({ library_id: row.libraryId, ...values })
          .onConflict((oc) => oc.column('library_id').doUpdateSet(values))
          .execute();
      }
    });
  }

  /** Counts of the libraries members can be given: present on an enabled server, not in Private. */
  async countsByGroup(): Promise<LibraryCountRow[]> {
    const rows = await this.db
      .selectFrom('library_stats')
      .innerJoin('libraries', 'libraries.id', 'library_stats.library_id')
      .innerJoin('library_groups', 'library_groups.id', 'libraries.group_id')
      .innerJoin('servers', 'servers.id', 'libraries.server_id')
      .select([
        'libraries.group_id',
        'library_groups.name as group_name',
        'libraries.type',
        'library_stats.items',
        'library_stats.episodes',
        'library_stats.albums',
        'library_stats.tracks',
      ])
      .where('libraries.removed_at', 'is', null)
      .where('libraries.group_id', '!=', PRIVATE_GROUP_ID)
      .where('servers.enabled', '=', true)
      .orderBy('library_groups.name')
      .execute();
    return rows.map((r) => ({
      groupId: r.group_id,
      groupName: r.group_name,
      type: r.type,
      items: Number(r.items),
      episodes: r.episodes === null ? null : Number(r.episodes),
      albums: r.albums === null ? null : Number(r.albums),
      tracks: r.tracks === null ? null : Number(r.tracks),
    }));
  }

  async lastCountedAt(): Promise<string | null> {
    const row = await this.db.selectFrom('library_stats').select((eb) => eb.fn.max('counted_at').as('at')).executeTakeFirst();
    return row?.at ?? null;
  }
}
