import type { Kysely } from 'kysely';

// Discord identity a customer gives at registration (required when the operator asks for it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('logins').addColumn('discord_username', 'text').execute();
  await db.schema.alterTable('logins').addColumn('discord_id', 'text').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the login Discord migration cannot be rolled back'));
}
