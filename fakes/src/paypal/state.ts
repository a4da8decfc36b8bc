import { randomBytes } from 'node:crypto';

/** State of one fake PayPal merchant account: what its REST, NVP and hosted pages read and change. */

export interface Money {
  currency_code: string;
  value: string;
}

export interface FakePlan {
  id: string;
  name: string;
  currency: string;
  /** Price per cycle as PayPal prints it ("9.99", "1000" for JPY). */
  value: string;
  intervalUnit: 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
  intervalCount: number;
  status: 'ACTIVE' | 'INACTIVE';
}

export interface Payer {
  payer_id: string;
  email_address: string;
  name: { given_name: string; surname: string };
}

export interface FakeCapture {
  id: string;
  status: 'COMPLETED';
  amount: Money;
  fee: Money;
  customId?: string;
  invoiceId?: string;
  time: string;
}

export interface FakeOrder {
  id: string;
  status: 'CREATED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
  amount: Money;
  referenceId?: string;
  customId?: string;
  invoiceId?: string;
  description?: string;
  returnUrl?: string;
  cancelUrl?: string;
  createRequestId?: string;
  payer?: Payer;
  capture?: FakeCapture;
  /** PayPal-Request-Id of the capture call that completed it: the same id again replays the answer. */
  captureRequestId?: string;
  created: string;
  updated: string;
}

export type SubscriptionStatus = 'APPROVAL_PENDING' | 'APPROVED' | 'ACTIVE' | 'SUSPENDED' | 'CANCELLED' | 'EXPIRED';

export interface FakeSubscription {
  id: string;
  /** The `ba_token` of its approval page. */
  baToken: string;
  planId: string;
  status: SubscriptionStatus;
  statusUpdated: string;
  customId?: string;
  subscriber?: Payer;
  returnUrl?: string;
  cancelUrl?: string;
  cyclesCompleted: number;
  nextBillingTime: string | null;
  lastPayment: { amount: Money; time: string } | null;
  failedPayments: number;
  created: string;
}

/** One money movement: what the Reporting API, NVP and a subscription's transaction list all show. */
export interface FakeTransaction {
  id: string;
  time: string;
  kind: 'capture' | 'sale';
  amount: Money;
  fee: Money;
  payer: Payer;
  /** Order id for captures, subscription id for sales. */
  referenceId: string;
  invoiceId?: string;
  customId?: string;
}

export interface IssuedToken {
  value: string;
  expiresAtMs: number;
}

/** Currencies PayPal takes without decimals, and their digits otherwise (ISO 4217 minor units). */
const ZERO_DECIMAL = new Set(['JPY', 'HUF', 'TWD']);
const THREE_DECIMAL = new Set(['BHD', 'KWD', 'JOD', 'OMR', 'TND']);
export function decimalsOf(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  return THREE_DECIMAL.has(currency) ? 3 : 2;
}

export function toMinor(value: string, currency: string): number {
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const d = decimalsOf(currency);
  const minor = Number(whole) * 10 ** d + Number(fraction.padEnd(d, '0').slice(0, d) || '0');
  return value.startsWith('-') ? -minor : minor;
}

export function fromMinor(minor: number, currency: string): string {
  const d = decimalsOf(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(d + 1, '0');
  return d === 0 ? sign + digits : `${sign}${digits.slice(0, -d)}.${digits.slice(-d)}`;
}

/** A plausible PayPal fee: 3.49 % plus a fixed part (0.49 USD, 49 JPY). */
export function feeFor(amount: Money): Money {
  const minor = toMinor(amount.value, amount.currency_code);
  const d = decimalsOf(amount.currency_code);
  const fixed = d === 0 ? 49 : 49 * 10 ** (d - 2);
  return { currency_code: amount.currency_code, value: fromMinor(Math.round(minor * 0.0349) + fixed, amount.currency_code) };
}

const ID_CHARS = 'ABCDEFGHJKLMNPRSTUVWXY0123456789';
/** Upper-case ids of PayPal's lengths (orders 17, captures 17, subscriptions I- + 12). */
export function paypalId(length = 17): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => ID_CHARS[b % ID_CHARS.length]).join('');
}

export class PayPalState {
  readonly plans = new Map<string, FakePlan>();
  readonly orders = new Map<string, FakeOrder>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly transactions: FakeTransaction[] = [];
  readonly tokens = new Map<string, IssuedToken>();
  /** Orders created per PayPal-Request-Id, so a repeated create returns the first order. */
  readonly orderRequests = new Map<string, string>();
  readonly subscriptionRequests = new Map<string, string>();
  private offsetMs = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly nvp: { user: string; password: string; signature: string },
    readonly buyer: Payer,
  ) {}

  /** The fake's own clock: real time plus whatever a test moved it by. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  setNow(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }

  nowIso(): string {
    return rfc3339(this.now());
  }

  addPlan(plan: Partial<FakePlan> & { currency: string; value: string }): FakePlan {
    const full: FakePlan = {
      id: plan.id ?? `P-${paypalId(24)}`,
      name: plan.name ?? 'Fake plan',
      currency: plan.currency.toUpperCase(),
      value: plan.value,
      intervalUnit: plan.intervalUnit ?? 'MONTH',
      intervalCount: plan.intervalCount ?? 1,
      status: plan.status ?? 'ACTIVE',
    };
    this.plans.set(full.id, full);
    return full;
  }

  record(tx: Omit<FakeTransaction, 'fee' | 'time'> & { time?: string; fee?: Money }): FakeTransaction {
    const full: FakeTransaction = { ...tx, time: tx.time ?? this.nowIso(), fee: tx.fee ?? feeFor(tx.amount) };
    this.transactions.push(full);
    return full;
  }

  nextBilling(plan: FakePlan, from: Date): string {
    const next = new Date(from);
    const n = plan.intervalCount;
    if (plan.intervalUnit === 'DAY') next.setUTCDate(next.getUTCDate() + n);
    else if (plan.intervalUnit === 'WEEK') next.setUTCDate(next.getUTCDate() + 7 * n);
    else if (plan.intervalUnit === 'MONTH') next.setUTCMonth(next.getUTCMonth() + n);
    else next.setUTCFullYear(next.getUTCFullYear() + n);
    return rfc3339(next);
  }
}

export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The Reporting API's own format: a colon-less offset ("2024-01-01T10:00:00+0000"). */
export const reportingTime = (iso: string): string => iso.replace(/Z$/, '+0000');
