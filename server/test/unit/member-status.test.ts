import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coveredUntil,
  dailyRate,
  DEFAULT_RENEWAL_GRACE_MS,
  memberStatus,
  nextPeriodStart,
  type PaymentPeriod,
  type SubscriptionState,
} from '../../src/domain/member-status.js';

const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const t = (hours: number): Date => new Date(T0 + hours * H);
const pay = (id: string, fromH: number, toH: number): PaymentPeriod => ({ id, from: t(fromH), to: t(toH) });

describe('memberStatus', () => {
  it('a permanent member is active whatever the payments', () => {
    expect(memberStatus({ permanent: true, payments: [], now: t(0) })).toEqual({ active: true, reason: { kind: 'permanent' } });
    expect(memberStatus({ permanent: true, payments: [pay('p', -10, -5)], now: t(0) }).active).toBe(true);
  });

  it('periods are half-open: active from `from`, no longer at `to`', () => {
    const payments = [pay('p', 0, 10)];
    expect(memberStatus({ permanent: false, payments, now: t(0) })).toEqual({
      active: true,
      reason: { kind: 'payment', paymentId: 'p', until: t(10) },
    });
    expect(memberStatus({ permanent: false, payments, now: new Date(t(10).getTime() - 1) }).active).toBe(true);
    expect(memberStatus({ permanent: false, payments, now: t(10) })).toEqual({
      active: false,
      reason: { kind: 'expired', paymentId: 'p', at: t(10) },
    });
  });

  it('says why not: no payments, expired, or starting in the future', () => {
    expect(memberStatus({ permanent: false, payments: [], now: t(0) }).reason).toEqual({ kind: 'no_payments' });
    expect(memberStatus({ permanent: false, payments: [pay('a', -30, -20), pay('b', -20, -5)], now: t(0) }).reason).toEqual({
      kind: 'expired',
      paymentId: 'b',
      at: t(-5),
    });
    expect(memberStatus({ permanent: false, payments: [pay('a', -30, -5), pay('b', 5, 10), pay('c', 20, 30)], now: t(0) }).reason).toEqual({
      kind: 'starts_in_future',
      paymentId: 'b',
      startsAt: t(5),
      expiredAt: t(-5),
    });
    expect(memberStatus({ permanent: false, payments: [pay('b', 5, 10)], now: t(0) }).reason).toEqual({
      kind: 'starts_in_future',
      paymentId: 'b',
      startsAt: t(5),
      expiredAt: null,
    });
  });

  it('active until the end of back-to-back payments; the latest-started covering payment is the reason', () => {
    const payments = [pay('old', -100, 10), pay('new', -1, 20), pay('next', 20, 50), pay('later', 60, 70)];
    expect(memberStatus({ permanent: false, payments, now: t(0) })).toEqual({
      active: true,
      reason: { kind: 'payment', paymentId: 'new', until: t(50) },
    });
  });

  it('keeps a member with a live gateway subscription active through the renewal grace', () => {
    const payments = [pay('p', -100, -1)];
    for (const subscription of ['active', 'past_due'] as const) {
      expect(memberStatus({ permanent: false, payments, now: t(0), subscription })).toEqual({
        active: true,
        reason: { kind: 'renewal_grace', paymentId: 'p', expiredAt: t(-1), until: t(47) },
      });
      expect(memberStatus({ permanent: false, payments, now: t(47), subscription }).active).toBe(false);
    }
    expect(memberStatus({ permanent: false, payments, now: t(0), subscription: 'canceled' }).active).toBe(false);
    expect(memberStatus({ permanent: false, payments, now: t(0) }).active).toBe(false);
    expect(memberStatus({ permanent: false, payments, now: t(0), subscription: 'active', renewalGraceMs: H }).active).toBe(false);
  });
});

describe('nextPeriodStart', () => {
  it('continues after the paid run, or starts now after a lapse', () => {
    expect(nextPeriodStart({ permanent: false, payments: [pay('a', -10, 10), pay('b', 10, 30)], now: t(0) })).toEqual(t(30));
    expect(nextPeriodStart({ permanent: false, payments: [pay('a', -10, -1)], now: t(0) })).toEqual(t(0));
    expect(nextPeriodStart({ permanent: false, payments: [], now: t(0) })).toEqual(t(0));
    // Permanent members who also pay: the new period still follows the paid time.
    expect(nextPeriodStart({ permanent: true, payments: [pay('a', -10, 10)], now: t(0) })).toEqual(t(10));
  });

  it('continues from the end of the paid time for a member kept on by the renewal grace', () => {
    expect(nextPeriodStart({ permanent: false, payments: [pay('a', -10, -1)], now: t(0), subscription: 'past_due' })).toEqual(t(-1));
  });
});

describe('dailyRate', () => {
  it("is the payment's amount over its own period", () => {
    expect(dailyRate(3000, { from: t(0), to: t(30 * 24) })).toBe(100);
    expect(dailyRate(3100, { from: t(0), to: t(31 * 24) })).toBe(100);
    expect(dailyRate(1000, { from: t(0), to: t(12) })).toBe(2000);
    expect(() => dailyRate(1000, { from: t(1), to: t(1) })).toThrow(RangeError);
  });
});

// Hours on a small grid, so boundaries (now = from, now = to, back-to-back payments) come up often.
const hour = fc.integer({ min: -60, max: 60 });
const payment = fc.tuple(fc.uuid(), hour, fc.integer({ min: 0, max: 40 })).map(([id, from, length]) => pay(id, from, from + length));
const subscription = fc.constantFrom<SubscriptionState | undefined>('active', 'past_due', 'canceled', 'none', undefined);
const input = fc.record({
  payments: fc.array(payment, { maxLength: 6 }),
  now: hour.map(t),
  subscription,
  graceHours: fc.integer({ min: 0, max: 72 }),
});

describe('memberStatus properties', () => {
  it('active exactly when a payment covers now or, with a live subscription, the last end is within the grace', () => {
    fc.assert(
      fc.property(input, ({ payments, now, subscription, graceHours }) => {
        const status = memberStatus({ permanent: false, payments, now, subscription, renewalGraceMs: graceHours * H });
        const covered = payments.some((p) => p.from <= now && now < p.to);
        const ends = payments.filter((p) => p.to <= now).map((p) => p.to.getTime());
        const live = subscription === 'active' || subscription === 'past_due';
        const inGrace = live && ends.length > 0 && now.getTime() < Math.max(...ends) + graceHours * H;
        expect(status.active).toBe(covered || inGrace);
        const reason = status.reason;
        if (status.active && reason.kind === 'payment') {
          const p = payments.find((x) => x.id === reason.paymentId && x.from <= now && now < x.to);
          expect(p).toBeDefined();
          // `until` ends the run: nothing covers it, and it is no earlier than the covering payment's end.
          expect(payments.some((x) => x.from <= reason.until && reason.until < x.to)).toBe(false);
          expect(reason.until.getTime()).toBeGreaterThanOrEqual(p!.to.getTime());
        }
        if (status.active && status.reason.kind === 'renewal_grace')
          expect(status.reason.until.getTime()).toBe(status.reason.expiredAt.getTime() + graceHours * H);
        if (!status.active && status.reason.kind === 'no_payments') expect(payments).toHaveLength(0);
      }),
    );
  });

  it('permanent is always active', () => {
    fc.assert(
      fc.property(input, ({ payments, now, subscription }) => {
        expect(memberStatus({ permanent: true, payments, now, subscription }).active).toBe(true);
      }),
    );
  });

  it('a new period never starts in the past, never inside paid time, and right after it when covered', () => {
    fc.assert(
      fc.property(input, ({ payments, now }) => {
        const start = nextPeriodStart({ permanent: false, payments, now });
        expect(start.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(payments.some((p) => p.from <= start && start < p.to)).toBe(false);
        const covered = payments.some((p) => p.from <= now && now < p.to);
        if (!covered) expect(start).toEqual(now);
        else expect(start).toEqual(coveredUntil(payments, now));
      }),
    );
  });

  it('the default renewal grace is 48 hours', () => {
    expect(DEFAULT_RENEWAL_GRACE_MS).toBe(48 * H);
  });
});
