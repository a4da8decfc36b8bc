/**
 * Whether a member is active, and why (product.md §2, reference §6.5). Payments are the only
 * source of truth: nothing here is stored, everything is derived from the payment periods, so the
 * member page can explain the status with the very rule the reconciler used.
 *
 * Periods are half-open, [from, to): a payment ending at 10:00 and the next starting at 10:00
 * never both cover 10:00, so back-to-back payments neither overlap nor leave a gap.
 */
import { DAY_MS } from './calendar.js';

export interface PaymentPeriod {
  id: string;
  from: Date;
  to: Date;
}

/** Gateway subscription states that promise a renewal is on its way. */
export type SubscriptionState = 'active' | 'past_due' | 'canceled' | 'none';

/** What a gateway reports for a subscription (the subscriptions table's status). */
export type GatewaySubscriptionStatus = 'active' | 'past_due' | 'cancelled' | 'expired';

/**
 * One state from all of a member's subscriptions: the most hopeful wins, since any live one can
 * bring the renewal (a member who re-subscribed has an old cancelled one beside the new one).
 */
export function subscriptionStateOf(statuses: readonly GatewaySubscriptionStatus[]): SubscriptionState {
  if (statuses.includes('active')) return 'active';
  if (statuses.includes('past_due')) return 'past_due';
  return statuses.includes('cancelled') ? 'canceled' : 'none';
}

export const DEFAULT_RENEWAL_GRACE_MS = 48 * 3_600_000;

export interface StatusInput {
  permanent: boolean;
  payments: readonly PaymentPeriod[];
  now: Date;
  /** The state of the member's recurring gateway subscription, if any. */
  subscription?: SubscriptionState;
  /** Settings → Subscriptions renewal grace; 48 hours when not given. */
  renewalGraceMs?: number;
}

export type ActiveReason =
  | { kind: 'permanent' }
  /** `until`: the end of the run of back-to-back payments that starts with the covering one. */
  | { kind: 'payment'; paymentId: string; until: Date }
  /**
   * Renewals from a gateway arrive late (PayPal hours after the period ends), so a live
   * subscription keeps the member active a little past `to` instead of unsharing and re-inviting.
   */
  | { kind: 'renewal_grace'; paymentId: string; expiredAt: Date; until: Date };

export type InactiveReason =
  | { kind: 'no_payments' }
  | { kind: 'expired'; paymentId: string; at: Date }
  /** Paid in advance: the earliest future payment; `expiredAt` is when the previous one ended, if any. */
  | { kind: 'starts_in_future'; paymentId: string; startsAt: Date; expiredAt: Date | null };

export type MemberStatus = { active: true; reason: ActiveReason } | { active: false; reason: InactiveReason };

export function covers(p: PaymentPeriod, now: Date): boolean {
  return p.from.getTime() <= now.getTime() && now.getTime() < p.to.getTime();
}

/**
 * The payment that makes the member active now. When several overlap, the one that started last
 * wins, because it carries the member's current plan (a plan change starts a payment at "now").
 */
export function coveringPayment(payments: readonly PaymentPeriod[], now: Date): PaymentPeriod | null {
  let best: PaymentPeriod | null = null;
  for (const p of payments) {
    if (!covers(p, now)) continue;
    if (!best || compareStart(p, best) > 0) best = p;
  }
  return best;
}

function compareStart(a: PaymentPeriod, b: PaymentPeriod): number {
  return a.from.getTime() - b.from.getTime() || a.to.getTime() - b.to.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Follows payments that start at or before the current end, so "active until" spans renewals paid in advance. */
export function coveredUntil(payments: readonly PaymentPeriod[], from: Date): Date {
  let end = from.getTime();
  for (;;) {
    let next = end;
    for (const p of payments) if (p.from.getTime() <= end && p.to.getTime() > next) next = p.to.getTime();
    if (next === end) return new Date(end);
    end = next;
  }
}

/** The payment that ended last before now (ties: the later start). */
function lastEnded(payments: readonly PaymentPeriod[], now: Date): PaymentPeriod | null {
  let best: PaymentPeriod | null = null;
  for (const p of payments) {
    if (p.to.getTime() > now.getTime()) continue;
    if (!best || p.to.getTime() > best.to.getTime() || (p.to.getTime() === best.to.getTime() && compareStart(p, best) > 0)) best = p;
  }
  return best;
}

export function memberStatus(input: StatusInput): MemberStatus {
  const { now, payments } = input;
  if (input.permanent) return { active: true, reason: { kind: 'permanent' } };
  const covering = coveringPayment(payments, now);
  if (covering) return { active: true, reason: { kind: 'payment', paymentId: covering.id, until: coveredUntil(payments, now) } };
  if (payments.length === 0) return { active: false, reason: { kind: 'no_payments' } };

  const ended = lastEnded(payments, now);
  const live = input.subscription === 'active' || input.subscription === 'past_due';
  if (ended && live) {
    const until = new Date(ended.to.getTime() + (input.renewalGraceMs ?? DEFAULT_RENEWAL_GRACE_MS));
    if (now.getTime() < until.getTime())
      return { active: true, reason: { kind: 'renewal_grace', paymentId: ended.id, expiredAt: ended.to, until } };
  }
  const future = payments.filter((p) => p.from.getTime() > now.getTime()).sort(compareStart)[0];
  if (future)
    return {
      active: false,
      reason: { kind: 'starts_in_future', paymentId: future.id, startsAt: future.from, expiredAt: ended?.to ?? null },
    };
  // Every payment has ended (payments with from ≥ to cover nothing and end up here too).
  const last = ended ?? payments[0]!;
  return { active: false, reason: { kind: 'expired', paymentId: last.id, at: last.to } };
}

/**
 * Where a new pay-as-you-go period starts: at the end of the paid run covering now, or now when
 * the member has lapsed. A member kept on by the renewal grace has been using the time since `to`,
 * so their new period continues from `to` rather than giving those hours away.
 */
export function nextPeriodStart(input: StatusInput): Date {
  const status = memberStatus({ ...input, permanent: false });
  if (status.active && status.reason.kind === 'payment') return status.reason.until;
  if (status.active && status.reason.kind === 'renewal_grace') return coveredUntil(input.payments, status.reason.expiredAt);
  return input.now;
}

/**
 * What one day of a payment's own period cost, in minor units (fractional: rounding happens only
 * when money is moved). A 30-day payment of 3000 costs 100 a day; the same plan paid over a
 * 31-day month costs less per day, which is what the member actually bought.
 */
export function dailyRate(amountMinor: number, period: { from: Date; to: Date }): number {
  const ms = period.to.getTime() - period.from.getTime();
  if (ms <= 0) throw new RangeError('a payment period must end after it starts');
  return (amountMinor * DAY_MS) / ms;
}
