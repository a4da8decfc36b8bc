import { describe, expect, it } from 'vitest';
import { RETRY_BASE_MS, RETRY_CAP_MS, retryDelayMs } from '../../src/domain/operation-retry.js';

describe('retryDelayMs', () => {
  it('doubles from 30 s and stops at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(8, 0)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(500, 0)).toBe(RETRY_CAP_MS);
  });

  it('jitter only shortens, by at most a quarter', () => {
    for (const r of [0, 0.3, 0.99, 1, 7, -1]) {
      const d = retryDelayMs(3, r);
      expect(d).toBeLessThanOrEqual(4 * RETRY_BASE_MS);
      expect(d).toBeGreaterThanOrEqual(3 * RETRY_BASE_MS);
    }
  });
});
