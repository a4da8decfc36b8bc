import { formatMinor } from '../../domain/money.js';
import type { GatewayEvent } from '../../ports/payment-gateway.js';
import type { PaymentRecord } from '../payments/payments.repository.js';

export type RefundPolicy = 'end_period' | 'pro_rata' | 'keep';

/**
 * What a refund does to the payment it refunds, or null when there is nothing new (a re-sent refund
 * event carries the same cumulative total). The amount becomes what was kept; the period follows
 * the policy: `keep` leaves it, `end_period` ends it now on a full refund, and a partial refund (or
 * `pro_rata`) keeps the share of the period the kept money paid for. Repeated partial refunds
 * compose, since the period stays proportional to the amount kept.
 */
export function refundedPeriod(
  payment: PaymentRecord,
  event: GatewayEvent,
  policy: RefundPolicy,
  now: Date,
): { amountMinor: number; to: string; notes: string } | null {
  const refunded = event.refundedAmount;
  if (!refunded || refunded.currency.toUpperCase() !== payment.currency.toUpperCase()) return null;
  const original =
    event.amount && event.amount.currency.toUpperCase() === payment.currency.toUpperCase() ? event.amount.amountMinor : payment.amountMinor;
  const kept = Math.max(0, original - refunded.amountMinor);
  if (kept >= payment.amountMinor) return null;
  const from = new Date(payment.from).getTime();
  const to = new Date(payment.to).getTime();
  const full = kept === 0;
  const note = `Refunded ${formatMinor(refunded.amountMinor, refunded.currency)} of ${formatMinor(original, payment.currency)} (policy: ${policy.replace('_', ' ')}).`;
  if (policy === 'keep') return { amountMinor: kept, to: payment.to, notes: note };
  if (full && policy === 'end_period')
    return { amountMinor: 0, to: new Date(Math.min(to, Math.max(from, now.getTime()))).toISOString(), notes: note };
  const length = payment.amountMinor > 0 ? Math.round(((to - from) * kept) / payment.amountMinor) : 0;
  return { amountMinor: kept, to: new Date(from + length).toISOString(), notes: note };
}
