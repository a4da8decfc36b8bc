import type { Kysely } from 'kysely';

/**
 * When the member last asked to be re-invited from My Account (reference §4.4): the button reads
 * the member's server and queues a share, so it is limited to once per 15 minutes per member.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('members').addColumn('reinvite_requested_at', 'text').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the member re-invite migration cannot be rolled back'));
}
