import type { Kysely } from 'kysely';

/**
 * One row per checkout a customer starts. Its id is the reference every gateway echoes back
 * (Stripe client_reference_id, PayPal custom_id, Plisio order_number), so a webhook finds the
 * member, plan and amount Usher asked for without trusting what the payer's browser says.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('checkouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('gateway_account', 'text', (c) => c.notNull()) // 'stripe' | 'paypal' | 'paypalSecondary' | 'plisio'
    .addColumn('mode', 'text', (c) => c.notNull()) // 'one_off' | 'recurring'
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    // The server the customer picked when several locations had room; null lets placement choose.
    .addColumn('server_id', 'text')
    .addColumn('discount_code_id', 'text')
    .addColumn('external_id', 'text')
    .addColumn('redirect_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // 'open' | 'paid' | 'failed' | 'expired' | 'cancelled'
    .addColumn('failure_reason', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkouts_member_idx').on('checkouts').column('member_id').execute();
  await db.schema.createIndex('checkouts_external_idx').on('checkouts').columns(['gateway_account', 'external_id']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the checkouts migration cannot be rolled back'));
}
