/**
 * When a secret check (password, second factor) may be tried again. Two independent limits:
 *
 * - per account: the first few failures are free, then every further try waits a delay that doubles
 *   with each failure, up to a cap. Never a hard lock, so nobody can lock the owner out for good, and
 *   an address the account already logged in from is exempt (the owner at home is not slowed down by
 *   a stranger guessing from elsewhere).
 * - per address: a hard limit of failures in a window, whatever the accounts tried.
 */
export const THROTTLE = {
  freeFailures: 5,
  baseDelayMs: 15_000,
  maxDelayMs: 15 * 60_000,
  /** How far back account failures count (since the last success). */
  accountWindowMs: 24 * 60 * 60_000,
  ipWindowMs: 15 * 60_000,
  ipMaxFailures: 30,
  /** A success from an address within this period makes the address known for the account. */
  knownIpMs: 30 * 24 * 60 * 60_000,
} as const;

export interface ThrottleState {
  /** Failures for the account since its last success, within the account window. */
  accountFailures: number;
  lastAccountFailureAt: string | null;
  /** Failures from the caller's address within the address window, any account. */
  ipFailures: number;
  /** The account succeeded from this address recently (then only the address limit applies). */
  knownIp: boolean;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; reason: 'account' | 'ip'; retryAfterMs: number };

/** The wait an account imposes after `failures` failures in a row. */
export function accountDelayMs(failures: number): number {
  if (failures < THROTTLE.freeFailures) return 0;
  const doublings = Math.min(failures - THROTTLE.freeFailures, 30);
  return Math.min(THROTTLE.baseDelayMs * 2 ** doublings, THROTTLE.maxDelayMs);
}

/** Until when an account is throttled for unknown addresses, or null when it is not. */
export function accountThrottledUntil(failures: number, lastFailureAt: string | null, now: Date): Date | null {
  const delay = accountDelayMs(failures);
  if (delay === 0 || !lastFailureAt) return null;
  const until = new Date(new Date(lastFailureAt).getTime() + delay);
  return until > now ? until : null;
}

export function throttleDecision(state: ThrottleState, now: Date): ThrottleDecision {
  if (state.ipFailures >= THROTTLE.ipMaxFailures) return { allowed: false, reason: 'ip', retryAfterMs: THROTTLE.ipWindowMs };
  if (!state.knownIp) {
    const until = accountThrottledUntil(state.accountFailures, state.lastAccountFailureAt, now);
    if (until) return { allowed: false, reason: 'account', retryAfterMs: until.getTime() - now.getTime() };
  }
  return { allowed: true };
}
