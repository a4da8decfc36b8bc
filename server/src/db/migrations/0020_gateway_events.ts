import type { Kysely } from 'kysely';

/**
 * Every verified gateway event, kept whatever became of it: the webhook pipeline inserts the row in
 * the same transaction that applies the event, so a re-delivery finds it and changes nothing, and an
 * event that matched no member stays visible (and replayable) instead of being dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway', 'text', (c) => c.notNull()) // 'stripe' | 'paypal' | 'plisio'
    .addColumn('account', 'text', (c) => c.notNull()) // 'stripe' | 'paypal' | 'paypalSecondary' | 'plisio'
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('gateway_type', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // 'applied' | 'ignored' | 'unmatched' | 'failed'
    .addColumn('member_id', 'text')
    .addColumn('payment_id', 'text')
    // Lets an early renewal that matched nobody be applied once checkout.completed links its subscription.
    .addColumn('subscription_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    // The event as the adapter read it: a replay applies this (a stored signature is stale by then).
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .execute();
  await db.schema.createIndex('gateway_events_event_uq').unique().on('gateway_events').columns(['gateway', 'event_id']).execute();
  await db.schema.createIndex('gateway_events_received_idx').on('gateway_events').columns(['received_at']).execute();
  await db.schema.createIndex('gateway_events_subscription_idx').on('gateway_events').columns(['gateway', 'subscription_id']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the gateway events migration cannot be rolled back'));
}
