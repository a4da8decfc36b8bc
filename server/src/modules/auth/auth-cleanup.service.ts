import { DAY_MS, type Clock } from '../../platform/clock.js';
import type { AuthRepository } from './auth.repository.js';

/** Login attempts feed the lockout window (minutes); a month of them is plenty for investigations. */
const ATTEMPT_RETENTION_MS = 30 * DAY_MS;

/** Housekeeping for the auth tables, run daily by the `auth.cleanup` job. */
export class AuthCleanupService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<{ sessions: number; attempts: number }> {
    const now = this.clock.now();
    const sessions = await this.repo.deleteExpiredSessions(now.toISOString());
    const attempts = await this.repo.pruneAttempts(new Date(now.getTime() - ATTEMPT_RETENTION_MS).toISOString());
    return { sessions, attempts };
  }
}
