import type { Kysely } from 'kysely';

// TOTP replay protection (the last accepted time step per login); outbox rows whose message carries a
// one-time link or code keep only a masked subject once delivered; indexes for pruning and throttling.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('logins').addColumn('totp_last_step', 'integer').execute();
  await db.schema.alterTable('notification_outbox').addColumn('safe_subject', 'text').execute();
  await db.schema.createIndex('notification_outbox_sent_at_idx').on('notification_outbox').column('sent_at').execute();
  await db.schema.createIndex('login_attempts_ip_idx').on('login_attempts').columns(['ip', 'at']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the auth hardening migration cannot be rolled back'));
}
