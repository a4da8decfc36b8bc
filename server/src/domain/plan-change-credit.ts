/**
 * A plan change that starts now, with credit for the unused paid time (reference §6.13):
 * every paid period still running or still ahead is cut at now, the unused part is valued at that
 * payment's own daily rate (its amount over its own length, so a credit already added to it is
 * valued too), and the credit lengthens the new plan's period at the new plan's rate.
 * Usher-side only: gateways are not refunded or changed.
 *
 * Rounding: the credit is rounded down to a whole minor unit, so it is never more than what was
 * paid for the unused time; the extra time is rounded up to a whole millisecond, so the credit is
 * never lost to rounding and the time given is worth at most one millisecond more. Together the
 * value of the unused time and the value of the extra time differ by less than one minor unit.
 * Products are taken in BigInt: amount × milliseconds overflows 2^53 for a year-long period.
 */
import { periodEnd, type PlanDuration } from './calendar.js';

export interface PaidPeriod {
  paymentId: string;
  amountMinor: number;
  from: Date;
  to: Date;
}

export interface PlanChangeInput {
  now: Date;
  /**
   * The member's payments. Every one still running or ahead is cut at now, free ones too (they
   * earn no credit), so only the new plan covers the member from now on; those already over are
   * left untouched.
   */
  periods: readonly PaidPeriod[];
  newPlan: { costMinor: number; duration: PlanDuration };
  timeZone: string;
}

/** How an existing payment is rewritten: it now ends at `newTo` and keeps `newAmountMinor`. */
export interface PeriodAdjustment {
  paymentId: string;
  creditMinor: number;
  newTo: Date;
  newAmountMinor: number;
  /** For the payment's notes, so the credit is traceable (reference §6.13 step 3). */
  unusedMs: number;
}

export interface PlanChange {
  adjustments: PeriodAdjustment[];
  creditMinor: number;
  newPayment: {
    from: Date;
    /** One plan duration from now, plus the credit at the new plan's daily rate. */
    to: Date;
    /** What the member pays now: the plan's cost; the credit buys time, not a discount. */
    amountDueMinor: number;
    /** What the payment records (cost + credit), so its own daily rate values any later change. */
    recordedAmountMinor: number;
    extraMs: number;
  };
  /**
   * Credit that bought no time because the new plan is free: recorded so the admin can refund it,
   * rather than stretching a free period by a division by zero.
   */
  unappliedCreditMinor: number;
}

const big = (n: number): bigint => BigInt(Math.trunc(n));

/** floor(a × b / c) for non-negative integers, exact. */
function mulDivFloor(a: number, b: number, c: number): number {
  return Number((big(a) * big(b)) / big(c));
}

/** ceil(a × b / c) for non-negative integers, exact. */
function mulDivCeil(a: number, b: number, c: number): number {
  return Number((big(a) * big(b) + big(c) - 1n) / big(c));
}

/** The value of the unused part of one paid period, rounded down. */
export function unusedCredit(period: PaidPeriod, now: Date): { creditMinor: number; unusedMs: number } {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const length = to - from;
  if (length <= 0 || to <= now.getTime()) return { creditMinor: 0, unusedMs: 0 };
  const unusedMs = to - Math.max(from, now.getTime());
  return { creditMinor: period.amountMinor > 0 ? mulDivFloor(period.amountMinor, unusedMs, length) : 0, unusedMs };
}

export function planChangeWithCredit(input: PlanChangeInput): PlanChange {
  const now = input.now.getTime();
  const adjustments: PeriodAdjustment[] = [];
  let creditMinor = 0;
  for (const period of input.periods) {
    const { creditMinor: credit, unusedMs } = unusedCredit(period, input.now);
    if (unusedMs === 0) continue;
    creditMinor += credit;
    // A period paid ahead (starting after now) shrinks to nothing at its own start, so no period ever ends before it begins.
    const newTo = new Date(Math.max(period.from.getTime(), now));
    adjustments.push({ paymentId: period.paymentId, creditMinor: credit, newTo, newAmountMinor: period.amountMinor - credit, unusedMs });
  }

  const cost = input.newPlan.costMinor;
  if (!Number.isSafeInteger(cost) || cost < 0)
    throw new RangeError(`a plan cost is a non-negative whole number of minor units, not ${cost}`);
  const baseEnd = periodEnd(input.now, input.newPlan.duration, input.timeZone).getTime();
  const extraMs = cost > 0 ? mulDivCeil(creditMinor, baseEnd - now, cost) : 0;
  // Only absurd inputs get here (a huge credit for a plan costing a cent), but an Invalid Date must not reach the database.
  if (!Number.isSafeInteger(baseEnd + extraMs) || Number.isNaN(new Date(baseEnd + extraMs).getTime())) {
    throw new RangeError('the credit buys more time than a date can hold');
  }
  return {
    adjustments,
    creditMinor,
    newPayment: {
      from: input.now,
      to: new Date(baseEnd + extraMs),
      amountDueMinor: cost,
      recordedAmountMinor: cost > 0 ? cost + creditMinor : 0,
      extraMs,
    },
    unappliedCreditMinor: cost > 0 ? 0 : creditMinor,
  };
}

/** A new payment an admin's plan change records. */
export interface AdminPlanChangePayment {
  from: Date;
  to: Date;
  amountMinor: number;
  kind: 'credit' | 'free_time';
}

export interface AdminPlanChange {
  adjustments: PeriodAdjustment[];
  creditMinor: number;
  /** Back to back from now: the credit's time on the new plan, then the carried free time. */
  payments: AdminPlanChangePayment[];
  /** Credit a free plan cannot turn into time; the paid time is carried as time instead. */
  unappliedCreditMinor: number;
}

/** Length of the union of the parts of these periods after `now`. */
function unusedUnionMs(periods: readonly PaidPeriod[], now: number): number {
  const spans = periods
    .map((p) => [Math.max(p.from.getTime(), now), p.to.getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * A plan change an admin makes (one member or a bulk selection): nobody pays now, so the new plan
 * gets exactly what the unused time is worth. Paid time converts by value at the new plan's daily
 * rate (the §6.13 credit, `credit × duration / cost`); time nobody paid for (an import's default-plan
 * payment, an admin extension) has no value to convert, so it is carried over as time, after the
 * credit. A free new plan cannot price the credit: all unused time is carried as time and the credit
 * is reported as unapplied.
 */
export function adminPlanChange(input: PlanChangeInput): AdminPlanChange {
  const change = planChangeWithCredit(input);
  const now = input.now.getTime();
  const cut = new Set(change.adjustments.map((a) => a.paymentId));
  const running = input.periods.filter((p) => cut.has(p.paymentId));
  const payments: AdminPlanChangePayment[] = [];
  if (input.newPlan.costMinor === 0) {
    const carried = unusedUnionMs(running, now);
    if (carried > 0) payments.push({ from: input.now, to: new Date(now + carried), amountMinor: 0, kind: 'free_time' });
    return { adjustments: change.adjustments, creditMinor: change.creditMinor, payments, unappliedCreditMinor: change.creditMinor };
  }
  const creditMs = change.newPayment.extraMs;
  if (creditMs > 0) payments.push({ from: input.now, to: new Date(now + creditMs), amountMinor: change.creditMinor, kind: 'credit' });
  const freeMs = unusedUnionMs(
    running.filter((p) => p.amountMinor === 0),
    now,
  );
  if (freeMs > 0)
    payments.push({ from: new Date(now + creditMs), to: new Date(now + creditMs + freeMs), amountMinor: 0, kind: 'free_time' });
  return { adjustments: change.adjustments, creditMinor: change.creditMinor, payments, unappliedCreditMinor: 0 };
}
