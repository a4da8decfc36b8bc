import type { Kysely } from 'kysely';

// The access engine's durable queue: every remote change the reconciler decides (provision, grant,
// revoke, delete) is a row here until a server has applied it, so a crash, an outage or a second
// instance loses nothing and applies nothing twice (the idempotency key is unique).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // No foreign key: a deleted member's last operations (unshare, delete) must outlive it.
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('remote_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operations_due_idx').on('operations').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('operations_member_idx').on('operations').columns(['member_id', 'created_at']).execute();
  await db.schema.createIndex('operations_server_idx').on('operations').columns(['server_id', 'status']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the operations migration cannot be rolled back'));
}
