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
