import { randomBytes } from 'node:crypto';
import type {
  ChargeWire,
  CustomerWire,
  InvoiceWire,
  PaymentIntentWire,
  PortalSessionWire,
  PriceWire,
  RefundWire,
  SessionExtras,
  SessionWire,
  SubscriptionWire,
  InvoicePaymentWire,
  Metadata,
} from './wire.js';

/** The API version the fake speaks: the one the pinned `stripe` package sends (checked in its tests). */
export const STRIPE_FAKE_API_VERSION = '2026-11-18.endive';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Ids shaped like Stripe's: `cs_test_a1B2…`, `pi_3Q…`, `cus_Q…`. */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

// The wire types live in wire.ts; everything that imported them from here still does.
export type * from './wire.js';

const DAY_S = 86_400;

/** Everything one fake Stripe account holds, with its own clock (seconds, as Stripe counts). */
export class StripeState {
  readonly prices = new Map<string, PriceWire>();
  readonly customers = new Map<string, CustomerWire>();
  readonly sessions = new Map<string, SessionWire>();
  readonly sessionExtras = new Map<string, SessionExtras>();
  readonly paymentIntents = new Map<string, PaymentIntentWire>();
  readonly charges = new Map<string, ChargeWire>();
  readonly invoices = new Map<string, InvoiceWire>();
  readonly invoicePayments = new Map<string, InvoicePaymentWire[]>();
  readonly subscriptions = new Map<string, SubscriptionWire>();
  readonly refunds = new Map<string, RefundWire>();
  readonly portalSessions = new Map<string, PortalSessionWire>();
  private offsetMs = 0;
  private lastCreated = 0;

  constructor(readonly livemode = false) {}

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Seconds; strictly increasing per object so "newest first" lists have a stable order. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  created(): number {
    this.lastCreated = Math.max(this.lastCreated + 1e-6, this.now());
    return Math.floor(this.lastCreated);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  setNow(date: Date): void {
    this.offsetMs = date.getTime() - Date.now();
  }

  addPrice(input: {
    id?: string;
    unitAmount: number;
    currency: string;
    interval?: 'day' | 'week' | 'month' | 'year';
    intervalCount?: number;
    nickname?: string;
  }): PriceWire {
    const price: PriceWire = {
      id: input.id ?? stripeId('price'),
      object: 'price',
      active: true,
      currency: input.currency.toLowerCase(),
      unit_amount: input.unitAmount,
      product: stripeId('prod', 14),
      nickname: input.nickname ?? null,
      type: input.interval ? 'recurring' : 'one_time',
      recurring: input.interval ? { interval: input.interval, interval_count: input.intervalCount ?? 1 } : null,
      created: this.created(),
      livemode: this.livemode,
      metadata: {},
    };
    this.prices.set(price.id, price);
    return price;
  }

  addCustomer(email: string | null, name: string | null = null): CustomerWire {
    const customer: CustomerWire = {
      id: stripeId('cus', 14),
      object: 'customer',
      email,
      name,
      created: this.created(),
      livemode: this.livemode,
      metadata: {},
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  /** A successful card payment: a PaymentIntent and its charge. */
  charge(input: {
    amount: number;
    currency: string;
    customer: string | null;
    email: string | null;
    name: string | null;
    description: string | null;
    metadata: Metadata;
  }): {
    pi: PaymentIntentWire;
    charge: ChargeWire;
  } {
    const created = this.created();
    const pi: PaymentIntentWire = {
      id: stripeId('pi'),
      object: 'payment_intent',
      amount: input.amount,
      amount_received: input.amount,
      currency: input.currency,
      customer: input.customer,
      description: input.description,
      status: 'succeeded',
      latest_charge: null,
      metadata: input.metadata,
      created,
      livemode: this.livemode,
    };
    const charge: ChargeWire = {
      id: stripeId('ch'),
      object: 'charge',
      amount: input.amount,
      amount_captured: input.amount,
      amount_refunded: 0,
      currency: input.currency,
      customer: input.customer,
      description: input.description,
      billing_details: { email: input.email, name: input.name, phone: null, address: null, tax_id: null },
      receipt_email: input.email,
      paid: true,
      captured: true,
      refunded: false,
      disputed: false,
      status: 'succeeded',
      payment_intent: pi.id,
      // Stripe does not copy the PaymentIntent's metadata onto its charges.
      metadata: {},
      created,
      livemode: this.livemode,
    };
    pi.latest_charge = charge.id;
    this.paymentIntents.set(pi.id, pi);
    this.charges.set(charge.id, charge);
    return { pi, charge };
  }

  /** The end of one billing period that starts at `start`. */
  periodEnd(price: PriceWire, start: number): number {
    const r = price.recurring ?? { interval: 'month', interval_count: 1 };
    const d = new Date(start * 1000);
    if (r.interval === 'day') return start + r.interval_count * DAY_S;
    if (r.interval === 'week') return start + r.interval_count * 7 * DAY_S;
    if (r.interval === 'month') d.setUTCMonth(d.getUTCMonth() + r.interval_count);
    else d.setUTCFullYear(d.getUTCFullYear() + r.interval_count);
    return Math.floor(d.getTime() / 1000);
  }

  /** One invoice of a subscription for its current period, paid or (failed) left open. */
  invoice(
    sub: SubscriptionWire,
    reason: InvoiceWire['billing_reason'],
    paid: boolean,
  ): { invoice: InvoiceWire; pi: PaymentIntentWire | null } {
    const item = sub.items.data[0]!;
    const price = item.price;
    const customer = this.customers.get(sub.customer);
    const created = this.created();
    const id = stripeId('in');
    let pi: PaymentIntentWire | null = null;
    if (paid) {
      pi = this.charge({
        amount: price.unit_amount,
        currency: price.currency,
        customer: sub.customer,
        email: customer?.email ?? null,
        name: customer?.name ?? null,
        description: reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
        metadata: {},
      }).pi;
      this.invoicePayments.set(id, [
        {
          id: stripeId('inpay'),
          object: 'invoice_payment',
          amount_paid: price.unit_amount,
          amount_requested: price.unit_amount,
          currency: price.currency,
          invoice: id,
          is_default: true,
          status: 'paid',
          payment: { type: 'payment_intent', payment_intent: pi.id },
          status_transitions: { canceled_at: null, paid_at: created },
          created,
          livemode: this.livemode,
        },
      ]);
    }
    const invoice: InvoiceWire = {
      id,
      object: 'invoice',
      customer: sub.customer,
      customer_email: customer?.email ?? null,
      customer_name: customer?.name ?? null,
      amount_due: price.unit_amount,
      amount_paid: paid ? price.unit_amount : 0,
      amount_remaining: paid ? 0 : price.unit_amount,
      attempt_count: 1,
      attempted: true,
      billing_reason: reason,
      currency: price.currency,
      status: paid ? 'paid' : 'open',
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { subscription: sub.id, metadata: { ...sub.metadata } },
      },
      lines: {
        object: 'list',
        data: [
          {
            id: stripeId('il'),
            object: 'line_item',
            amount: price.unit_amount,
            currency: price.currency,
            description: `1 × ${price.nickname ?? price.id}`,
            period: { start: item.current_period_start, end: item.current_period_end },
            livemode: this.livemode,
            metadata: {},
          },
        ],
        has_more: false,
        url: `/v1/invoices/${id}/lines`,
      },
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: paid ? created : null, voided_at: null },
      metadata: {},
      created,
      livemode: this.livemode,
    };
    this.invoices.set(id, invoice);
    sub.latest_invoice = id;
    return { invoice, pi };
  }

  newSubscription(customer: string, price: PriceWire, metadata: Metadata): SubscriptionWire {
    const start = this.created();
    const id = stripeId('sub');
    const sub: SubscriptionWire = {
      id,
      object: 'subscription',
      customer,
      currency: price.currency,
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      start_date: start,
      trial_end: null,
      latest_invoice: null,
      metadata,
      items: {
        object: 'list',
        data: [
          {
            id: stripeId('si', 14),
            object: 'subscription_item',
            price,
            quantity: 1,
            current_period_start: start,
            current_period_end: this.periodEnd(price, start),
            created: start,
            subscription: id,
            metadata: {},
          },
        ],
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      created: start,
      livemode: this.livemode,
    };
    this.subscriptions.set(id, sub);
    return sub;
  }
}
