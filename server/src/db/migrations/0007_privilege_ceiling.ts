import { sql, type Kysely } from 'kysely';

/**
 * A key is honoured only for the login that created it (its permissions cap the key's). Keys with
 * no creator login — minted by another key, or left behind by a deleted login — belong to no one
 * who can answer for them, so they are revoked rather than left able to outrank everybody.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = new Date().toISOString();
  await sql`update api_keys set revoked_at = ${now} where revoked_at is null and created_by is null`.execute(db);
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the privilege ceiling migration cannot be rolled back'));
}
