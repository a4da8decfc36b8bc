import type { Kysely } from 'kysely';

/**
 * Item counts per library, read daily (and on demand) from every enabled server for the public home
 * page. Kept per library and summed per group when read, so moving a library to another group shows
 * at once, without waiting for the next count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('library_stats')
    .addColumn('library_id', 'text', (c) => c.primaryKey().references('libraries.id').onDelete('cascade'))
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('episodes', 'integer')
    .addColumn('albums', 'integer')
    .addColumn('tracks', 'integer')
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the library statistics migration cannot be rolled back'));
}
