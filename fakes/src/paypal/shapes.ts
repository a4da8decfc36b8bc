import { randomBytes } from 'node:crypto';
import { json, type FakeResponse } from '../core/fake-server.js';
import type { FakeCapture, FakeOrder, FakePlan, FakeSubscription, FakeTransaction } from './state.js';
import { fromMinor, reportingTime, toMinor } from './state.js';

/** PayPal's JSON shapes (integrations.md §4), built from the fake's state. */

export const debugId = (): string => randomBytes(6).toString('hex');

export interface ErrorDetail {
  issue: string;
  description: string;
  field?: string;
  value?: string;
  location?: 'body' | 'path' | 'query';
}

const ERROR_MESSAGES: Record<string, string> = {
  INVALID_REQUEST: 'Request is not well-formed, syntactically incorrect, or violates schema.',
  AUTHENTICATION_FAILURE: 'Authentication failed due to missing authorization header, or invalid authentication credentials.',
  NOT_AUTHORIZED: 'Authorization failed due to insufficient permissions.',
  RESOURCE_NOT_FOUND: 'The specified resource does not exist.',
  UNPROCESSABLE_ENTITY: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
};

/** A REST error: `name`, `message`, `debug_id`, `details[]`, `links[]` with an information_link. */
export function restError(status: number, name: string, details: ErrorDetail[] = []): FakeResponse {
  return json(status, {
    name,
    message: ERROR_MESSAGES[name] ?? 'An internal server error has occurred.',
    debug_id: debugId(),
    ...(details.length ? { details } : {}),
    links: [
      { href: `https://developer.paypal.com/docs/api/overview/#error-${name.toLowerCase()}`, rel: 'information_link', method: 'GET' },
    ],
  });
}

export const oauthError = (status: number, error: string, description: string): FakeResponse =>
  json(status, { error, error_description: description });

export const notFound = (field: string, value: string, location: 'path' | 'body' = 'path'): FakeResponse =>
  restError(404, 'RESOURCE_NOT_FOUND', [
    {
      issue: 'INVALID_RESOURCE_ID',
      description: 'Specified resource ID does not exist. Please check the resource ID and try again.',
      field,
      value,
      location,
    },
  ]);

export const unprocessable = (issue: string, description: string): FakeResponse =>
  restError(422, 'UNPROCESSABLE_ENTITY', [{ issue, description }]);

const link = (href: string, rel: string, method: string) => ({ href, rel, method });

function captureJson(c: FakeCapture, orderId: string, base: string) {
  return {
    id: c.id,
    status: c.status,
    amount: c.amount,
    final_capture: true,
    ...(c.customId ? { custom_id: c.customId } : {}),
    ...(c.invoiceId ? { invoice_id: c.invoiceId } : {}),
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    seller_receivable_breakdown: {
      gross_amount: c.amount,
      paypal_fee: c.fee,
      net_amount: {
        currency_code: c.amount.currency_code,
        value: fromMinor(
          toMinor(c.amount.value, c.amount.currency_code) - toMinor(c.fee.value, c.fee.currency_code),
          c.amount.currency_code,
        ),
      },
    },
    supplementary_data: { related_ids: { order_id: orderId } },
    create_time: c.time,
    update_time: c.time,
    links: [
      link(`${base}/v2/payments/captures/${c.id}`, 'self', 'GET'),
      link(`${base}/v2/payments/captures/${c.id}/refund`, 'refund', 'POST'),
      link(`${base}/v2/checkout/orders/${orderId}`, 'up', 'GET'),
    ],
  };
}

export function captureResource(c: FakeCapture, orderId: string, base: string) {
  return captureJson(c, orderId, base);
}

export function orderJson(o: FakeOrder, base: string) {
  const self = `${base}/v2/checkout/orders/${o.id}`;
  const links =
    o.status === 'CREATED'
      ? [
          link(self, 'self', 'GET'),
          link(`${base}/checkoutnow?token=${o.id}`, 'approve', 'GET'),
          link(self, 'update', 'PATCH'),
          link(`${self}/capture`, 'capture', 'POST'),
        ]
      : o.status === 'APPROVED'
        ? [link(self, 'self', 'GET'), link(self, 'update', 'PATCH'), link(`${self}/capture`, 'capture', 'POST')]
        : [link(self, 'self', 'GET')];
  return {
    id: o.id,
    intent: 'CAPTURE',
    status: o.status,
    ...(o.payer
      ? {
          payer: o.payer,
          payment_source: { paypal: { email_address: o.payer.email_address, account_id: o.payer.payer_id, name: o.payer.name } },
        }
      : {}),
    purchase_units: [
      {
        reference_id: o.referenceId ?? 'default',
        amount: o.amount,
        ...(o.customId ? { custom_id: o.customId } : {}),
        ...(o.invoiceId ? { invoice_id: o.invoiceId } : {}),
        ...(o.description ? { description: o.description } : {}),
        ...(o.capture ? { payments: { captures: [captureJson(o.capture, o.id, base)] } } : {}),
      },
    ],
    create_time: o.created,
    update_time: o.updated,
    links,
  };
}

export function subscriptionJson(s: FakeSubscription, plan: FakePlan | undefined, base: string) {
  const self = `${base}/v1/billing/subscriptions/${s.id}`;
  const links =
    s.status === 'APPROVAL_PENDING'
      ? [
          link(`${base}/webapps/billing/subscriptions?ba_token=${s.baToken}`, 'approve', 'GET'),
          link(self, 'edit', 'PATCH'),
          link(self, 'self', 'GET'),
        ]
      : [
          link(`${self}/cancel`, 'cancel', 'POST'),
          link(self, 'edit', 'PATCH'),
          link(self, 'self', 'GET'),
          link(`${self}/suspend`, 'suspend', 'POST'),
          link(`${self}/capture`, 'capture', 'POST'),
        ];
  const currency = plan?.currency ?? 'USD';
  return {
    id: s.id,
    plan_id: s.planId,
    status: s.status,
    status_update_time: s.statusUpdated,
    start_time: s.created,
    ...(s.customId ? { custom_id: s.customId } : {}),
    quantity: '1',
    plan_overridden: false,
    ...(s.subscriber ? { subscriber: { ...s.subscriber, shipping_address: {} } } : {}),
    ...(s.status !== 'APPROVAL_PENDING'
      ? {
          billing_info: {
            outstanding_balance: { currency_code: currency, value: fromMinor(0, currency) },
            cycle_executions: [
              {
                tenure_type: 'REGULAR',
                sequence: 1,
                cycles_completed: s.cyclesCompleted,
                cycles_remaining: 0,
                current_pricing_scheme_version: 1,
                total_cycles: 0,
              },
            ],
            ...(s.lastPayment ? { last_payment: s.lastPayment } : {}),
            ...(s.nextBillingTime && (s.status === 'ACTIVE' || s.status === 'SUSPENDED') ? { next_billing_time: s.nextBillingTime } : {}),
            failed_payments_count: s.failedPayments,
          },
        }
      : {}),
    create_time: s.created,
    update_time: s.statusUpdated,
    links,
  };
}

export function planJson(p: FakePlan, base: string) {
  return {
    id: p.id,
    product_id: 'PROD-FAKE',
    name: p.name,
    status: p.status,
    usage_type: 'LICENSED',
    billing_cycles: [
      {
        pricing_scheme: { version: 1, fixed_price: { currency_code: p.currency, value: p.value } },
        frequency: { interval_unit: p.intervalUnit, interval_count: p.intervalCount },
        tenure_type: 'REGULAR',
        sequence: 1,
        total_cycles: 0,
      },
    ],
    payment_preferences: { auto_bill_outstanding: true, setup_fee_failure_action: 'CONTINUE', payment_failure_threshold: 3 },
    links: [link(`${base}/v1/billing/plans/${p.id}`, 'self', 'GET')],
  };
}

/** A v1 sale, the resource of PAYMENT.SALE.COMPLETED. */
export function saleResource(t: FakeTransaction, base: string) {
  return {
    id: t.id,
    state: 'completed',
    amount: { total: t.amount.value, currency: t.amount.currency_code, details: { subtotal: t.amount.value } },
    payment_mode: 'INSTANT_TRANSFER',
    protection_eligibility: 'ELIGIBLE',
    transaction_fee: { currency: t.fee.currency_code, value: t.fee.value },
    billing_agreement_id: t.referenceId,
    ...(t.customId ? { custom: t.customId } : {}),
    create_time: t.time,
    update_time: t.time,
    links: [link(`${base}/v1/payments/sale/${t.id}`, 'self', 'GET'), link(`${base}/v1/payments/sale/${t.id}/refund`, 'refund', 'POST')],
  };
}

/** One `transaction_details` entry of the Reporting API. */
export function reportingDetail(t: FakeTransaction, fields: Set<string>) {
  const all = fields.has('all');
  return {
    transaction_info: {
      paypal_account_id: t.payer.payer_id,
      transaction_id: t.id,
      paypal_reference_id: t.referenceId,
      paypal_reference_id_type: t.kind === 'sale' ? 'SUB' : 'ODR',
      transaction_event_code: t.kind === 'sale' ? 'T0002' : 'T0006',
      transaction_initiation_date: reportingTime(t.time),
      transaction_updated_date: reportingTime(t.time),
      transaction_amount: t.amount,
      fee_amount: { currency_code: t.fee.currency_code, value: `-${t.fee.value}` },
      transaction_status: 'S',
      ...(t.invoiceId ? { invoice_id: t.invoiceId } : {}),
      ...(t.customId ? { custom_field: t.customId } : {}),
      protection_eligibility: '01',
    },
    ...(all || fields.has('payer_info')
      ? {
          payer_info: {
            account_id: t.payer.payer_id,
            email_address: t.payer.email_address,
            address_status: 'N',
            payer_status: 'Y',
            payer_name: {
              given_name: t.payer.name.given_name,
              surname: t.payer.name.surname,
              alternate_full_name: `${t.payer.name.given_name} ${t.payer.name.surname}`,
            },
            country_code: 'US',
          },
        }
      : {}),
    ...(all || fields.has('cart_info') ? { cart_info: {} } : {}),
  };
}
