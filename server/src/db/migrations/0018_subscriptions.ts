import type { Kysely } from 'kysely';

/**
 * A member's recurring subscription at a payment gateway, as the gateway last reported it. Payments
 * stay the source of truth for the paid periods; this only says whether a renewal is on its way, so
 * a member whose subscription is active or past due keeps access for the renewal grace after `to`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('gateway', 'text', (c) => c.notNull()) // 'paypal' | 'stripe' | …
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // 'active' | 'past_due' | 'cancelled' | 'expired'
    .addColumn('current_period_end', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_external_uq').unique().on('subscriptions').columns(['gateway', 'external_id']).execute();
  await db.schema.createIndex('subscriptions_member_idx').on('subscriptions').column('member_id').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the subscriptions migration cannot be rolled back'));
}
