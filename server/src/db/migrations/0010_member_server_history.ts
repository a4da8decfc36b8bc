import type { Kysely } from 'kysely';

// Which servers a member has had an account on. Sync deletes a member_accounts row when the account
// disappears; this keeps the fact, so placement can prefer "a server the member was shared on before"
// (reference §6.14) without every account query having to skip removed rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('member_server_history')
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_server_history_pk', ['member_id', 'server_id'])
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the member server history migration cannot be rolled back'));
}
