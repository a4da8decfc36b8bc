/**
 * When a failed remote operation is tried again. A server that is down for a while is asked less and
 * less often (never more than hourly), and instances that failed together do not retry in lockstep.
 */
export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 60 * 60_000;
/** Consecutive failures after which the admin is alerted (once per operation). */
export const ALERT_AFTER_FAILURES = 5;

/**
 * Delay after the `attempts`-th consecutive failure (1-based): 30 s × 2^(attempts-1), capped at an
 * hour, minus up to a quarter of jitter. Jitter only shortens it, so waiting the full delay is enough.
 */
export function retryDelayMs(attempts: number, random: number = Math.random()): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const full = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
  const jitter = Math.min(Math.max(random, 0), 1) * 0.25;
  return Math.round(full * (1 - jitter));
}
