import type { Kysely } from 'kysely';

/**
 * Whether Usher turned "Allow all devices" off on this Emby account for a plan's device cap. When
 * the member later has no cap (plan changed, cap removed), only accounts Usher restricted are opened
 * again: one an admin restricted by hand on the server is left alone, and uncapped members cost no
 * policy read every run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('member_accounts')
    .addColumn('devices_restricted', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the devices-restricted migration cannot be rolled back'));
}
