import type { Kysely } from 'kysely';

// Scheduled runs that found nothing to do are counted per job instead of filling the run history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_idle_runs')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('last_message', 'text')
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the idle job runs migration cannot be rolled back'));
}
