import type { Kysely } from 'kysely';

/**
 * A member's Plex account replaced by another (an identity change, reference §6.7): the old row is
 * kept until sync sees its share gone, so it is neither imported as a new member nor granted
 * access again by the reconciler in the meantime.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('member_accounts').addColumn('replaced_at', 'text').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the member account replaced migration cannot be rolled back'));
}
