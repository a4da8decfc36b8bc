import type { Kysely } from 'kysely';

// Where the access engine (or the admin's invite) placed a member who had no account yet, and why
// (reference §6.14). Kept apart from member_accounts: the decision exists before the remote account
// does, holds the seat while the invite or provision is queued, and explains a failed placement.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('member_placements')
    .addColumn('member_id', 'text', (c) => c.primaryKey().references('members.id').onDelete('cascade'))
    // null while no server could take the member (see error); set null if the server is deleted.
    .addColumn('server_id', 'text', (c) => c.references('servers.id').onDelete('set null'))
    .addColumn('rule', 'text')
    .addColumn('preferred_location_id', 'text', (c) => c.references('server_locations.id').onDelete('set null'))
    .addColumn('error', 'text')
    // Where to email how to accept once the account exists (a Jellyfin/Emby password exists only then); cleared when sent.
    .addColumn('invite_email', 'text')
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_placements_server_idx').on('member_placements').column('server_id').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the member placement migration cannot be rolled back'));
}
