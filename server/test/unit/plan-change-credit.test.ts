import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodEnd } from '../../src/domain/calendar.js';
import { adminPlanChange, planChangeWithCredit, unusedCredit, type PaidPeriod } from '../../src/domain/plan-change-credit.js';

const D = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00.000Z');
const at = (days: number): Date => new Date(NOW.getTime() + days * D);
const period = (paymentId: string, amountMinor: number, fromD: number, toD: number): PaidPeriod => ({
  paymentId,
  amountMinor,
  from: at(fromD),
  to: at(toD),
});
const big = (n: number | Date): bigint => BigInt(typeof n === 'number' ? n : n.getTime());

describe('planChangeWithCredit', () => {
  it('follows the reference example: $30 plan with 5 days left → $15 plan, $5 credit, 10 extra days', () => {
    const change = planChangeWithCredit({
      now: NOW,
      periods: [period('old', 3000, -25, 5)],
      newPlan: { costMinor: 1500, duration: { unit: 'days', count: 30 } },
      timeZone: 'UTC',
    });
    expect(change.creditMinor).toBe(500);
    expect(change.adjustments).toEqual([{ paymentId: 'old', creditMinor: 500, newTo: NOW, newAmountMinor: 2500, unusedMs: 5 * D }]);
    expect(change.newPayment).toEqual({ from: NOW, to: at(40), amountDueMinor: 1500, recordedAmountMinor: 2000, extraMs: 10 * D });
    expect(change.unappliedCreditMinor).toBe(0);
  });

  it('credits a period paid ahead in full and shrinks it to nothing at its own start', () => {
    const change = planChangeWithCredit({
      now: NOW,
      periods: [period('current', 3000, -25, 5), period('ahead', 3000, 5, 35), period('past', 3000, -55, -25), period('free', 0, -1, 10)],
      newPlan: { costMinor: 3000, duration: { unit: 'days', count: 30 } },
      timeZone: 'UTC',
    });
    expect(change.creditMinor).toBe(3500);
    expect(change.adjustments.map((a) => [a.paymentId, a.creditMinor, a.newTo])).toEqual([
      ['current', 500, NOW],
      ['ahead', 3000, at(5)],
      ['free', 0, NOW],
    ]);
    expect(change.newPayment.to).toEqual(at(65));
  });

  it('uses the new plan period in the site time zone (calendar months)', () => {
    const now = new Date('2026-01-31T09:00:00.000Z'); // 10:00 in Paris
    const change = planChangeWithCredit({
      now,
      periods: [],
      newPlan: { costMinor: 1000, duration: { unit: 'months', count: 1 } },
      timeZone: 'Europe/Paris',
    });
    expect(change.newPayment.to.toISOString()).toBe('2026-02-28T09:00:00.000Z');
    expect(change.creditMinor).toBe(0);
  });

  it('records the credit a free plan cannot turn into time, instead of dividing by zero', () => {
    const change = planChangeWithCredit({
      now: NOW,
      periods: [period('old', 3000, -25, 5)],
      newPlan: { costMinor: 0, duration: { unit: 'days', count: 7 } },
      timeZone: 'UTC',
    });
    expect(change.newPayment).toMatchObject({ to: at(7), amountDueMinor: 0, recordedAmountMinor: 0, extraMs: 0 });
    expect(change.unappliedCreditMinor).toBe(500);
  });

  it('refuses a negative or fractional cost', () => {
    const input = { now: NOW, periods: [], timeZone: 'UTC' };
    expect(() => planChangeWithCredit({ ...input, newPlan: { costMinor: -1, duration: { unit: 'days', count: 7 } } })).toThrow(RangeError);
    expect(() => planChangeWithCredit({ ...input, newPlan: { costMinor: 1.5, duration: { unit: 'days', count: 7 } } })).toThrow(RangeError);
  });

  it('refuses a credit that would push the end past what a date can hold', () => {
    const absurd = { paymentId: 'p', amountMinor: 10_000_000, from: NOW, to: new Date(NOW.getTime() + 1) };
    expect(() =>
      planChangeWithCredit({
        now: NOW,
        periods: [absurd],
        newPlan: { costMinor: 1, duration: { unit: 'months', count: 12 } },
        timeZone: 'UTC',
      }),
    ).toThrow(RangeError);
  });

  it('rounds the credit down', () => {
    // 1000 over 3 days with 1 day left: 333.33… → 333.
    expect(unusedCredit(period('p', 1000, -2, 1), NOW)).toEqual({ creditMinor: 333, unusedMs: D });
  });
});

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Adelaide'];
const HOUR = 3_600_000;
const paid = fc
  .record({
    id: fc.uuid(),
    amount: fc.integer({ min: 0, max: 1_000_000 }),
    start: fc.integer({ min: -400 * 24, max: 400 * 24 }), // hours from now
    hours: fc.integer({ min: 1, max: 400 * 24 }),
    extraMs: fc.integer({ min: 0, max: HOUR - 1 }),
  })
  .map(({ id, amount, start, hours, extraMs }): PaidPeriod => {
    const from = NOW.getTime() + start * HOUR;
    return { paymentId: id, amountMinor: amount, from: new Date(from), to: new Date(from + hours * HOUR + extraMs) };
  });
const newPlan = fc.record({
  // Credits are at most 10,000 times the new cost, so the extended end stays a real date (see the RangeError test).
  costMinor: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 10_000_000 })),
  duration: fc.oneof(
    fc.record({ unit: fc.constant('days' as const), count: fc.integer({ min: 1, max: 366 }) }),
    fc.record({ unit: fc.constant('months' as const), count: fc.integer({ min: 1, max: 12 }) }),
  ),
});
const nowArb = fc.integer({ min: -HOUR * 24, max: HOUR * 24 }).map((ms) => new Date(NOW.getTime() + ms));

describe('plan change credit properties', () => {
  it('each credit is never negative and never more than what was paid for the unused time (and under one unit less)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(paid, { maxLength: 4, selector: (p) => p.paymentId }),
        newPlan,
        nowArb,
        fc.constantFrom(...ZONES),
        (periods, plan, now, timeZone) => {
          const change = planChangeWithCredit({ now, periods, newPlan: plan, timeZone });
          let total = 0;
          for (const adj of change.adjustments) {
            const p = periods.find((x) => x.paymentId === adj.paymentId)!;
            const length = big(p.to) - big(p.from);
            const unused = big(p.to) - big(Math.max(p.from.getTime(), now.getTime()));
            expect(adj.creditMinor).toBeGreaterThanOrEqual(0);
            expect(big(adj.creditMinor) * length <= big(p.amountMinor) * unused).toBe(true);
            expect(big(adj.creditMinor + 1) * length > big(p.amountMinor) * unused).toBe(true);
            expect(adj.newAmountMinor).toBe(p.amountMinor - adj.creditMinor);
            expect(adj.newAmountMinor).toBeGreaterThanOrEqual(0);
            expect(adj.newTo.getTime()).toBeGreaterThanOrEqual(p.from.getTime());
            expect(adj.newTo.getTime()).toBeLessThan(p.to.getTime());
            total += adj.creditMinor;
          }
          expect(change.creditMinor).toBe(total);
          // Periods already over (or empty) are never rewritten.
          for (const p of periods) {
            if (p.to.getTime() <= now.getTime() || p.to.getTime() <= p.from.getTime())
              expect(change.adjustments.some((a) => a.paymentId === p.paymentId)).toBe(false);
          }
        },
      ),
    );
  });

  it('conserves the value of time within one minor unit: unused value ≈ credit ≈ value of the extra time', () => {
    fc.assert(
      fc.property(paid, newPlan, nowArb, fc.constantFrom(...ZONES), (current, plan, now, timeZone) => {
        const change = planChangeWithCredit({ now, periods: [current], newPlan: plan, timeZone });
        const length = big(current.to) - big(current.from);
        const base = big(periodEnd(now, plan.duration, timeZone)) - big(now);
        expect(big(change.newPayment.to) - big(now)).toBe(base + big(change.newPayment.extraMs));
        if (plan.costMinor === 0) {
          expect(change.newPayment.extraMs).toBe(0);
          expect(change.unappliedCreditMinor).toBe(change.creditMinor);
          return;
        }
        // Value of the extra time at the new plan's own rate, extraMs × cost / base: the whole credit, and at most one ms more.
        const extraValueTimesBase = big(change.newPayment.extraMs) * big(plan.costMinor);
        expect(extraValueTimesBase >= big(change.creditMinor) * base).toBe(true);
        expect(big(change.newPayment.extraMs - 1) * big(plan.costMinor) < big(change.creditMinor) * base).toBe(true);
        // And against the unused value itself: |unused value − extra value| < 1 minor unit (both scaled by length × base).
        if (current.to.getTime() > now.getTime()) {
          const unused = big(current.to) - big(Math.max(current.from.getTime(), now.getTime()));
          const unusedValueScaled = big(current.amountMinor) * unused * base;
          const extraValueScaled = extraValueTimesBase * length;
          const gap = unusedValueScaled - extraValueScaled;
          expect(gap < length * base && -gap < length * base).toBe(true);
        }
        // The new payment's recorded amount over its whole period is the plan's rate, so a later change values it fairly.
        expect(change.newPayment.recordedAmountMinor).toBe(plan.costMinor + change.creditMinor);
      }),
    );
  });
});

describe('adminPlanChange (nobody pays now)', () => {
  const monthly = (costMinor: number) => ({ costMinor, duration: { unit: 'days' as const, count: 30 } });

  it('the reference example without a new payment: $5 credit buys 10 days on the $15 plan', () => {
    const change = adminPlanChange({ now: NOW, periods: [period('old', 3000, -25, 5)], newPlan: monthly(1500), timeZone: 'UTC' });
    expect(change.payments).toEqual([{ from: NOW, to: at(10), amountMinor: 500, kind: 'credit' }]);
    expect(change.adjustments).toEqual([{ paymentId: 'old', creditMinor: 500, newTo: NOW, newAmountMinor: 2500, unusedMs: 5 * D }]);
  });

  it('carries unpaid time (an import, an extension) as time after the credit', () => {
    const change = adminPlanChange({
      now: NOW,
      periods: [period('paid', 3000, -25, 5), period('ext', 0, 5, 12), period('import', 0, -100, -10)],
      newPlan: monthly(6000),
      timeZone: 'UTC',
    });
    // 500 credit at 200 a day = 2.5 days, then the 7 unpaid days.
    expect(change.payments).toEqual([
      { from: NOW, to: at(2.5), amountMinor: 500, kind: 'credit' },
      { from: at(2.5), to: at(9.5), amountMinor: 0, kind: 'free_time' },
    ]);
    expect(change.adjustments.map((a) => a.paymentId)).toEqual(['paid', 'ext']);
  });

  it('a free new plan keeps all the unused time and reports the credit as unapplied', () => {
    const change = adminPlanChange({
      now: NOW,
      periods: [period('paid', 3000, -25, 5), period('overlap', 0, 3, 8)],
      newPlan: monthly(0),
      timeZone: 'UTC',
    });
    expect(change.payments).toEqual([{ from: NOW, to: at(8), amountMinor: 0, kind: 'free_time' }]);
    expect(change.unappliedCreditMinor).toBe(500);
  });

  it('property: the new payments are back to back from now, and their value is the credit within one minor unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 20 }),
        (amount, length, used, newCost, freeDays) => {
          const usedDays = Math.min(used, length - 1);
          const periods = [
            period('paid', amount, -usedDays, length - usedDays),
            period('free', 0, length - usedDays, length - usedDays + freeDays),
          ];
          const change = adminPlanChange({ now: NOW, periods, newPlan: monthly(newCost), timeZone: 'UTC' });
          let cursor = NOW.getTime();
          for (const p of change.payments) {
            expect(p.from.getTime()).toBe(cursor);
            expect(p.to.getTime()).toBeGreaterThan(cursor);
            cursor = p.to.getTime();
          }
          const credit = change.payments.find((p) => p.kind === 'credit');
          const free = change.payments.find((p) => p.kind === 'free_time');
          expect((free ? free.to.getTime() - free.from.getTime() : 0) / D).toBe(freeDays);
          const creditMs = credit ? credit.to.getTime() - credit.from.getTime() : 0;
          // Value of the time given at the new plan's rate, against the credit: within one minor unit.
          const value = (BigInt(creditMs) * BigInt(newCost)) / BigInt(30 * D);
          expect(Number(value - BigInt(change.creditMinor)) ** 2).toBeLessThanOrEqual(1);
          expect(credit?.amountMinor ?? 0).toBe(change.creditMinor);
        },
      ),
    );
  });
});
