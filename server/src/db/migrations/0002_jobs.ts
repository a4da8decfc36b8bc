import type { Kysely } from 'kysely';

// Runs record the scheduled tick they serve (null for manual runs), so the admin can tell a late run
// from a skipped one and tests can prove one run per tick. The run list is read newest first across
// all jobs, which the (job, started_at) index from 0001 cannot serve.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('job_runs').addColumn('tick', 'text').execute();
  await db.schema.createIndex('job_runs_started_idx').on('job_runs').column('started_at').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the jobs migration cannot be rolled back'));
}
