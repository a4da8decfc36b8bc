import { sql, type Kysely } from 'kysely';

/**
 * One gateway payment is recorded once, whichever path sees it first (a webhook, the PayPal return
 * capture, the transaction sync): unique on (gateway, transaction_id). Manual payments keep the
 * older (gateway, transaction_id, sequence_number) rule, where an admin may record several periods
 * against one reference.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('payments_gateway_transaction_uq')
    .unique()
    .on('payments')
    .columns(['gateway', 'transaction_id'])
    .where(sql.ref('transaction_id'), 'is not', null)
    .where(sql.ref('gateway'), '<>', 'manual')
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the payments gateway transaction migration cannot be rolled back'));
}
