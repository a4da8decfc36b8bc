import { IntegrationError } from '../../http/integration-error.js';
import { fromPayPalValue, PayPalAmountError } from './paypal-amounts.js';
import { PAYPAL_SERVICE } from './paypal-errors.js';
import type {
  Amount,
  CaptureWire,
  OrderWire,
  PayPalCapture,
  PayPalLink,
  PayPalMoneyWire,
  PayPalOrder,
  PayPalPlan,
  PayPalSubscription,
  PayPalSubscriptionTransaction,
  PayPalTransaction,
  PlanWire,
  ReportingDetailWire,
  SubscriptionTransactionWire,
  SubscriptionWire,
} from './paypal-types.js';

/** An answer Usher cannot read is a failed call, never a zero amount or an empty list. */
export function badShape(what: string): IntegrationError {
  return new IntegrationError(
    PAYPAL_SERVICE,
    'invalid_response',
    `PayPal answered ${what} in a shape Usher does not understand; Usher changed nothing.`,
    true,
  );
}

export function amountOf(money: PayPalMoneyWire | undefined, what: string): Amount {
  if (!money || typeof money.value !== 'string' || typeof money.currency_code !== 'string') throw badShape(what);
  try {
    return { minor: fromPayPalValue(money.value, money.currency_code), currency: money.currency_code.toUpperCase() };
  } catch (error) {
    if (error instanceof PayPalAmountError || error instanceof RangeError) throw badShape(`${what} (${error.message})`);
    throw error;
  }
}

const optionalAmount = (money: PayPalMoneyWire | undefined, what: string): Amount | null => (money ? amountOf(money, what) : null);

/** The absolute value: PayPal prints fees negative in reports and positive on captures. */
const fee = (money: PayPalMoneyWire | undefined, what: string): Amount | null => {
  const a = optionalAmount(money, what);
  return a ? { ...a, minor: Math.abs(a.minor) } : null;
};

export function linkHref(links: PayPalLink[] | undefined, ...rels: string[]): string | null {
  for (const rel of rels) {
    const link = links?.find((l) => l.rel === rel);
    if (link?.href) return link.href;
  }
  return null;
}

/**
 * PayPal prints times as RFC 3339 ("2024-01-01T10:00:00Z") in Orders/Subscriptions and with a
 * colon-less offset ("2024-01-01T10:00:00+0000") in the Reporting API.
 */
export function parseTime(value: string | undefined | null): Date | null {
  if (!value) return null;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function captureOf(c: CaptureWire): PayPalCapture {
  if (typeof c.id !== 'string') throw badShape('a capture');
  return {
    id: c.id,
    status: c.status,
    amount: amountOf(c.amount, `capture ${c.id}`),
    fee: fee(c.seller_receivable_breakdown?.paypal_fee, `capture ${c.id} fee`),
    customId: c.custom_id ?? null,
    invoiceId: c.invoice_id ?? null,
    createTime: c.create_time ?? null,
  };
}

export function orderOf(o: OrderWire): PayPalOrder {
  if (!o || typeof o.id !== 'string' || typeof o.status !== 'string') throw badShape('an order');
  return {
    id: o.id,
    status: o.status,
    approveUrl: linkHref(o.links, 'approve', 'payer-action'),
    payerEmail: o.payer?.email_address ?? null,
    payerId: o.payer?.payer_id ?? null,
    captures: (o.purchase_units ?? []).flatMap((u) => (u.payments?.captures ?? []).map(captureOf)),
  };
}

export function subscriptionOf(s: SubscriptionWire): PayPalSubscription {
  if (!s || typeof s.id !== 'string' || typeof s.status !== 'string') throw badShape('a subscription');
  const last = s.billing_info?.last_payment;
  return {
    id: s.id,
    planId: s.plan_id ?? null,
    status: s.status,
    customId: s.custom_id ?? null,
    subscriberEmail: s.subscriber?.email_address ?? null,
    payerId: s.subscriber?.payer_id ?? null,
    approveUrl: linkHref(s.links, 'approve'),
    nextBillingTime: parseTime(s.billing_info?.next_billing_time),
    lastPayment: last?.amount ? { ...amountOf(last.amount, `subscription ${s.id} last payment`), time: parseTime(last.time) } : null,
    failedPaymentsCount: s.billing_info?.failed_payments_count ?? 0,
  };
}

export function planOf(p: PlanWire): PayPalPlan {
  if (!p || typeof p.id !== 'string') throw badShape('a plan');
  const regular = p.billing_cycles?.find((c) => c.tenure_type === 'REGULAR');
  const price = regular?.pricing_scheme?.fixed_price;
  return {
    id: p.id,
    name: p.name ?? null,
    status: p.status,
    price: price ? amountOf(price, `plan ${p.id} price`) : null,
    interval: regular?.frequency ? { unit: regular.frequency.interval_unit, count: regular.frequency.interval_count ?? 1 } : null,
  };
}

export function subscriptionTransactionOf(t: SubscriptionTransactionWire): PayPalSubscriptionTransaction {
  const time = parseTime(t.time);
  if (typeof t.id !== 'string' || !time) throw badShape('a subscription transaction');
  const b = t.amount_with_breakdown;
  return {
    id: t.id,
    status: t.status,
    gross: amountOf(b?.gross_amount, `transaction ${t.id}`),
    fee: fee(b?.fee_amount, `transaction ${t.id} fee`),
    payerEmail: t.payer_email ?? null,
    time,
  };
}

export function reportingTransactionOf(d: ReportingDetailWire): PayPalTransaction {
  const info = d.transaction_info;
  const time = parseTime(info?.transaction_initiation_date);
  if (!info || typeof info.transaction_id !== 'string' || !time) throw badShape('a reporting transaction');
  const name = d.payer_info?.payer_name;
  const payerName = name?.alternate_full_name ?? ([name?.given_name, name?.surname].filter(Boolean).join(' ') || null);
  return {
    id: info.transaction_id,
    time,
    status: info.transaction_status ?? '',
    gross: amountOf(info.transaction_amount, `transaction ${info.transaction_id}`),
    fee: fee(info.fee_amount, `transaction ${info.transaction_id} fee`),
    payerEmail: d.payer_info?.email_address ?? null,
    payerName,
    referenceId: info.paypal_reference_id ?? null,
    referenceType: info.paypal_reference_id_type ?? null,
    eventCode: info.transaction_event_code ?? null,
    invoiceId: info.invoice_id ?? null,
    customField: info.custom_field ?? null,
  };
}
