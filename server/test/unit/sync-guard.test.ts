import { describe, expect, it } from 'vitest';
import { describeHeld, isMassRemoval, judgeRemovals, MASS_REMOVAL_MIN, MASS_REMOVAL_SHARE, type HeldRemovals } from '../../src/domain/sync-guard.js';

const ids = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const side = (stored: number, removing: string[]) => ({ stored, seen: stored - removing.length, removing });
const none = side(10, []);

describe('isMassRemoval: more than 20% and more than 5', () => {
  it.each([
    // stored, removing, held?
    [0, 0, false],
    [10, 5, false], // 50%, but only 5
    [10, 6, true], // 60% and 6
    [6, 6, true], // everything on a small server
    [5, 5, false], // everything, but a server this small cannot lose more than 5
    [30, 6, false], // exactly 20%: not more than
    [31, 7, true], // 22.6%
    [100, 20, false], // exactly 20%
    [100, 21, true],
    [1000, 150, false], // 15%
    [1000, 201, true],
    [3, 1, false],
  ])('stored %i, removing %i → %s', (stored, removing, held) => {
    expect(isMassRemoval(stored, removing)).toBe(held);
  });

  it('uses the documented thresholds', () => {
    expect(MASS_REMOVAL_SHARE).toBe(0.2);
    expect(MASS_REMOVAL_MIN).toBe(5);
  });
});

describe('judgeRemovals', () => {
  it('applies an ordinary pass', () => {
    expect(judgeRemovals({ accounts: side(12, ids(2)), libraries: side(4, ids(1, 'l')), expectedAccountRemovals: new Set() }, null)).toEqual({ action: 'apply' });
  });

  it('holds a pass that empties the account list, with the numbers', () => {
    const verdict = judgeRemovals({ accounts: side(12, ids(12)), libraries: none, expectedAccountRemovals: new Set() }, null);
    expect(verdict).toEqual({
      action: 'hold',
      held: { accounts: { stored: 12, seen: 0, removing: [...ids(12)].sort() }, libraries: { stored: 10, seen: 10, removing: [] } },
    });
  });

  it('holds a pass that removes most libraries even when accounts are fine', () => {
    const verdict = judgeRemovals({ accounts: side(12, []), libraries: side(8, ids(8, 'l')), expectedAccountRemovals: new Set() }, null);
    expect(verdict.action).toBe('hold');
  });

  it('does not count removals Usher made itself', () => {
    const expected = new Set(ids(10));
    expect(judgeRemovals({ accounts: side(12, ids(10)), libraries: none, expectedAccountRemovals: expected }, null)).toEqual({ action: 'apply' });
    // Two expected plus six unexpected: the six alone trip it, and only they are held.
    const verdict = judgeRemovals({ accounts: side(20, ids(8)), libraries: none, expectedAccountRemovals: new Set(['r1', 'r2']) }, null);
    expect(verdict.action).toBe('hold');
    if (verdict.action === 'hold') expect(verdict.held.accounts.removing).toEqual(['r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
  });

  it('applies when the next pass sees the same reduced set, in any order', () => {
    const first = judgeRemovals({ accounts: side(12, ids(12)), libraries: none, expectedAccountRemovals: new Set() }, null);
    if (first.action !== 'hold') throw new Error('expected a hold');
    const again = judgeRemovals({ accounts: side(12, [...ids(12)].reverse()), libraries: none, expectedAccountRemovals: new Set() }, first.held);
    expect(again).toEqual({ action: 'apply_agreed' });
  });

  it('holds again when the next pass sees a different reduced set', () => {
    const previous: HeldRemovals = { accounts: { stored: 12, seen: 0, removing: ids(12) }, libraries: { stored: 10, seen: 10, removing: [] } };
    const verdict = judgeRemovals({ accounts: side(12, ids(11)), libraries: none, expectedAccountRemovals: new Set() }, previous);
    expect(verdict.action).toBe('hold');
    const libsDiffer = judgeRemovals({ accounts: side(12, ids(12)), libraries: side(10, ['l1']), expectedAccountRemovals: new Set() }, previous);
    expect(libsDiffer.action).toBe('hold');
  });

  it('an ordinary pass after a hold simply applies', () => {
    const previous: HeldRemovals = { accounts: { stored: 12, seen: 0, removing: ids(12) }, libraries: { stored: 10, seen: 10, removing: [] } };
    expect(judgeRemovals({ accounts: side(12, []), libraries: none, expectedAccountRemovals: new Set() }, previous)).toEqual({ action: 'apply' });
  });
});

describe('describeHeld', () => {
  it('names the server and the stored versus seen counts', () => {
    const text = describeHeld('Living Room', { accounts: { stored: 12, seen: 0, removing: ids(12) }, libraries: { stored: 4, seen: 4, removing: [] } });
    expect(text).toContain('Living Room');
    expect(text).toContain('0 of 12 accounts were seen (12 would be removed)');
    expect(text).not.toContain('libraries were seen');
  });
});
