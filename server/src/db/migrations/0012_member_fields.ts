import type { Kysely } from 'kysely';

/**
 * Fields the admin edits on a member (issue 8 point 5) and the master of a linked (sub) member
 * (reference §2.14). A sub has no payments of its own that count: its status follows the master's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('members')
    .addColumn('paypal_email', 'text')
    .execute();
  await db.schema.alterTable('members').addColumn('discord_id', 'text').execute();
  await db.schema.alterTable('members').addColumn('notes', 'text').execute();
  // null = the plan's weekly download quota applies.
  await db.schema.alterTable('members').addColumn('weekly_download_quota', 'integer').execute();
  await db.schema.alterTable('members').addColumn('requires_plex_account_change', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  // Deleting a master row never happens (members are soft-deleted); set null keeps the FK honest anyway.
  await db.schema.alterTable('members').addColumn('master_member_id', 'text', (c) => c.references('members.id').onDelete('set null')).execute();
  await db.schema.createIndex('members_master_idx').on('members').column('master_member_id').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the member fields migration cannot be rolled back'));
}
