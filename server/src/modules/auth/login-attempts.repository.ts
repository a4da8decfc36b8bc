import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * Failed and successful secret checks. `key` is the lower-cased email for password logins,
 * `2fa:<login id>` for second factors and `pw:<login id>` for password confirmations in a session.
 */
export class LoginAttemptsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(key: string, ip: string | null, succeeded: boolean, at: string): Promise<void> {
    await this.db.insertInto('login_attempts').values({ email: key.toLowerCase(), ip, succeeded, at }).execute();
  }

  /** Failures for a key since `since` that no later success (by insertion order) ended, with the latest failure time. */
  async failureStreak(key: string, since: string): Promise<{ failures: number; lastFailureAt: string | null }> {
    const streaks = await this.failureStreaks([key], since);
    return streaks.get(key.toLowerCase()) ?? { failures: 0, lastFailureAt: null };
  }

  /** `failureStreak` for many keys in one query (the admin Logins page). */
  async failureStreaks(keys: string[], since: string): Promise<Map<string, { failures: number; lastFailureAt: string | null }>> {
    const result = new Map<string, { failures: number; lastFailureAt: string | null }>();
    if (keys.length === 0) return result;
    const rows = await this.db
      .selectFrom('login_attempts as f')
      .select((eb) => ['f.email', eb.fn.countAll<number>().as('n'), eb.fn.max('f.at').as('last')])
      .where(
        'f.email',
        'in',
        keys.map((k) => k.toLowerCase()),
      )
      .where('f.succeeded', '=', false)
      .where('f.at', '>=', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('login_attempts as s')
              .select('s.id')
              .whereRef('s.email', '=', 'f.email')
              .where('s.succeeded', '=', true)
              .whereRef('s.id', '>', 'f.id'),
          ),
        ),
      )
      .groupBy('f.email')
      .execute();
    for (const row of rows) result.set(row.email, { failures: Number(row.n), lastFailureAt: row.last });
    return result;
  }

  async ipFailures(ip: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ip', '=', ip)
      .where('succeeded', '=', false)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async succeededFrom(key: string, ip: string, since: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('login_attempts')
      .select('id')
      .where('email', '=', key.toLowerCase())
      .where('ip', '=', ip)
      .where('succeeded', '=', true)
      .where('at', '>=', since)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Forgets the failures of these keys (an administrator unlocked the login). */
  async clearFailures(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .deleteFrom('login_attempts')
      .where(
        'email',
        'in',
        keys.map((k) => k.toLowerCase()),
      )
      .where('succeeded', '=', false)
      .execute();
  }
}
