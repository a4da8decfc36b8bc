import type { Kysely } from 'kysely';

// The mass-removal guard of the server sync: what a held pass would have removed, and the removals
// Usher itself caused (which never count toward the guard).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_held_removals')
    .addColumn('server_id', 'text', (c) => c.primaryKey().references('servers.id').onDelete('cascade'))
    .addColumn('account_remote_ids', 'text', (c) => c.notNull())
    .addColumn('library_remote_ids', 'text', (c) => c.notNull())
    .addColumn('accounts_stored', 'integer', (c) => c.notNull())
    .addColumn('accounts_seen', 'integer', (c) => c.notNull())
    .addColumn('libraries_stored', 'integer', (c) => c.notNull())
    .addColumn('libraries_seen', 'integer', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_expected_removals')
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_expected_removals_pk', ['server_id', 'remote_id'])
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the sync guard migration cannot be rolled back'));
}
