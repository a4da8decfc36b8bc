import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, addCalendarMonths, DAY_MS, periodEnd } from '../../src/domain/calendar.js';

const at = (iso: string): Date => new Date(iso);

describe('addCalendarMonths', () => {
  it.each([
    // [start, months, zone, expected]
    ['2026-01-15T10:00:00.000Z', 1, 'UTC', '2026-02-15T10:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', 1, 'UTC', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', 1, 'UTC', '2028-02-29T10:00:00.000Z'],
    ['2026-03-31T10:00:00.000Z', 1, 'UTC', '2026-04-30T10:00:00.000Z'],
    ['2026-12-31T10:00:00.000Z', 2, 'UTC', '2027-02-28T10:00:00.000Z'],
    ['2026-11-30T10:00:00.000Z', 12, 'UTC', '2027-11-30T10:00:00.000Z'],
    ['2026-03-31T10:00:00.000Z', -1, 'UTC', '2026-02-28T10:00:00.000Z'],
    // 2026-01-31 23:30 in New York is 2026-02-01 04:30 UTC: the month end is New York's.
    ['2026-02-01T04:30:00.000Z', 1, 'America/New_York', '2026-03-01T04:30:00.000Z'],
    // Jan 31 in Tokyo (UTC+9) while UTC still says Jan 30 → Feb 28 in Tokyo.
    ['2026-01-30T20:00:00.000Z', 1, 'Asia/Tokyo', '2026-02-27T20:00:00.000Z'],
    // DST: 10:00 in Paris in winter (09:00Z) → 10:00 in Paris in summer (08:00Z).
    ['2026-03-15T09:00:00.000Z', 1, 'Europe/Paris', '2026-04-15T08:00:00.000Z'],
    ['2026-10-15T08:00:00.000Z', 1, 'Europe/Paris', '2026-11-15T09:00:00.000Z'],
    // Southern hemisphere, half-hour zone: 10:30 ACDT (+10:30) → 10:30 ACST (+9:30) after April's change.
    ['2026-03-15T00:00:00.000Z', 1, 'Australia/Adelaide', '2026-04-15T01:00:00.000Z'],
  ])('%s + %i month(s) in %s = %s', (start, months, zone, expected) => {
    expect(addCalendarMonths(at(start), months, zone).toISOString()).toBe(expected);
  });

  it('moves a wall time that does not exist forward by the gap (spring forward)', () => {
    // 2026-03-08 02:30 does not exist in New York; Feb 8 02:30 EST + 1 month → 03:30 EDT.
    expect(addCalendarMonths(at('2026-02-08T07:30:00.000Z'), 1, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes the earlier of a wall time that occurs twice (fall back)', () => {
    // 2026-11-01 01:30 happens twice in New York; the first is 01:30 EDT = 05:30Z.
    expect(addCalendarMonths(at('2026-10-01T05:30:00.000Z'), 1, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('keeps milliseconds', () => {
    expect(addCalendarMonths(at('2026-01-15T10:00:00.123Z'), 1, 'Europe/Paris').toISOString()).toBe('2026-02-15T10:00:00.123Z');
  });
});

describe('addCalendarDays', () => {
  it('keeps the wall-clock time across DST, so the day is 23 or 25 hours long', () => {
    expect(addCalendarDays(at('2026-03-28T11:00:00.000Z'), 1, 'Europe/Paris').toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(addCalendarDays(at('2026-10-24T10:00:00.000Z'), 1, 'Europe/Paris').toISOString()).toBe('2026-10-25T11:00:00.000Z');
    expect(addCalendarDays(at('2026-01-31T10:00:00.000Z'), 30, 'UTC').toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });
});

describe('periodEnd', () => {
  it('counts days or calendar months', () => {
    expect(periodEnd(at('2026-01-31T10:00:00.000Z'), { unit: 'months', count: 1 }, 'UTC').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(periodEnd(at('2026-01-31T10:00:00.000Z'), { unit: 'days', count: 7 }, 'UTC').toISOString()).toBe('2026-02-07T10:00:00.000Z');
  });

  it('refuses a duration that is not a positive whole number', () => {
    expect(() => periodEnd(at('2026-01-01T00:00:00.000Z'), { unit: 'days', count: 0 }, 'UTC')).toThrow(RangeError);
    expect(() => periodEnd(at('2026-01-01T00:00:00.000Z'), { unit: 'months', count: 1.5 }, 'UTC')).toThrow(RangeError);
  });
});

describe('calendar properties', () => {
  const zone = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham');
  const instant = fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2060-01-01') }).map((ms) => new Date(ms));

  it('N days in UTC are exactly N × 24 hours', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 1000 }), (start, n) => {
        expect(periodEnd(start, { unit: 'days', count: n }, 'UTC').getTime() - start.getTime()).toBe(n * DAY_MS);
      }),
    );
  });

  it('N months last between 28N days and 31N days (give or take a DST hour), and more months never end sooner', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 36 }), zone, (start, n, tz) => {
        const end = addCalendarMonths(start, n, tz).getTime();
        const length = end - start.getTime();
        expect(length).toBeGreaterThanOrEqual(28 * n * DAY_MS - 2 * 3_600_000 - 2 * DAY_MS * Math.ceil(n / 12));
        expect(length).toBeLessThanOrEqual(31 * n * DAY_MS + 2 * 3_600_000);
        expect(end).toBeGreaterThanOrEqual(addCalendarMonths(start, n - 1, tz).getTime());
      }),
    );
  });
});
