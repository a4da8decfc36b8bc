import type { Kysely } from 'kysely';

// A bulk invite from CSV (issue 8 point 5): the file the admin sent waits here until the jobs
// runner applies it, so a restart or a second instance picks it up, and the per-row report stays
// downloadable after the run.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bulk_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('csv', 'text', (c) => c.notNull())
    // JSON Actor: the rows are applied, and audited, as the admin who started the invite.
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('rows_total', 'integer', (c) => c.notNull())
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('invited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON array of per-row results, written as rows are applied.
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('claimed_by', 'text')
    // Moved on by the instance applying it; a run whose instance died stops moving and is taken over.
    .addColumn('heartbeat_at', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('bulk_invites_status_idx').on('bulk_invites').columns(['status', 'created_at']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the bulk invites migration cannot be rolled back'));
}
