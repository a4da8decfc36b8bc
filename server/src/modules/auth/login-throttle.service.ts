import { accountThrottledUntil, THROTTLE, throttleDecision } from '../../domain/login-throttle.js';
import { tooManyRequests } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { LoginAttemptsRepository } from './login-attempts.repository.js';

export const secondFactorKey = (loginId: string) => `2fa:${loginId}`;
export const passwordCheckKey = (loginId: string) => `pw:${loginId}`;

function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** Slows down guessing of passwords and codes (rules in domain/login-throttle.ts). */
export class LoginThrottleService {
  constructor(
    private readonly attempts: LoginAttemptsRepository,
    private readonly clock: Clock,
  ) {}

  /** Throws 429 when `key` may not be tried from `ip` right now. */
  async assertAllowed(key: string, ip: string | null, options: { knownIpExempt: boolean }): Promise<void> {
    const now = this.clock.now();
    const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const [streak, ipFailures, knownIp] = await Promise.all([
      this.attempts.failureStreak(key, since(THROTTLE.accountWindowMs)),
      ip ? this.attempts.ipFailures(ip, since(THROTTLE.ipWindowMs)) : Promise.resolve(0),
      options.knownIpExempt && ip ? this.attempts.succeededFrom(key, ip, since(THROTTLE.knownIpMs)) : Promise.resolve(false),
    ]);
    const decision = throttleDecision(
      { accountFailures: streak.failures, lastAccountFailureAt: streak.lastFailureAt, ipFailures, knownIp },
      now,
    );
    if (decision.allowed) return;
    const wait = waitText(decision.retryAfterMs);
    throw tooManyRequests(
      decision.reason === 'ip'
        ? `Too many failed attempts from your network. Try again in ${wait}.`
        : `Too many failed attempts for this account. Try again in ${wait}.`,
      Math.ceil(decision.retryAfterMs / 1000),
    );
  }

  failed(key: string, ip: string | null): Promise<void> {
    return this.attempts.record(key, ip, false, this.clock.now().toISOString());
  }

  succeeded(key: string, ip: string | null): Promise<void> {
    return this.attempts.record(key, ip, true, this.clock.now().toISOString());
  }

  /** For each login (email → id), until when it is throttled for addresses it never logged in from. */
  async lockedUntil(logins: { id: string; email: string }[]): Promise<Map<string, string>> {
    const now = this.clock.now();
    const keys = logins.flatMap((l) => [l.email, secondFactorKey(l.id), passwordCheckKey(l.id)]);
    const streaks = await this.attempts.failureStreaks(keys, new Date(now.getTime() - THROTTLE.accountWindowMs).toISOString());
    const result = new Map<string, string>();
    for (const login of logins) {
      const untils = [login.email.toLowerCase(), secondFactorKey(login.id), passwordCheckKey(login.id)]
        .map((key) => streaks.get(key))
        .map((s) => (s ? accountThrottledUntil(s.failures, s.lastFailureAt, now) : null))
        .filter((d): d is Date => d !== null);
      if (untils.length > 0) result.set(login.id, new Date(Math.max(...untils.map((d) => d.getTime()))).toISOString());
    }
    return result;
  }

  unlock(login: { id: string; email: string }): Promise<void> {
    return this.attempts.clearFailures([login.email, secondFactorKey(login.id), passwordCheckKey(login.id)]);
  }
}
