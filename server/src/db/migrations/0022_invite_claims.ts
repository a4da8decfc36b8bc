import type { Kysely } from 'kysely';

// Two invites of one email at once (two admins, a bulk file and the dialog, two instances) must
// create one member. A unique index on members.email cannot be added: existing installs may
// already hold the same email twice (imports from two servers), and deleted members keep theirs.
// Instead each invite inserts its email's key here and deletes it again inside its own transaction:
// the primary key makes a second invite of the same key wait until the first commits (PostgreSQL
// blocks on the uncommitted key; SQLite runs one write transaction at a time), and then its
// duplicate check sees the first member. The table is empty between invites.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invite_claims')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the invite claims migration cannot be rolled back'));
}
