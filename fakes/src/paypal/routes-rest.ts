import { empty, json, type FakeHttpServer, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { notFound, oauthError, orderJson, planJson, reportingDetail, restError, subscriptionJson, unprocessable } from './shapes.js';
import { decimalsOf, fromMinor, paypalId, rfc3339, toMinor, type FakeOrder, type Money, type PayPalState } from './state.js';
import type { PayPalEvents } from './events.js';
import type { PayPalWebhooks } from './webhooks.js';
import { randomBytes } from 'node:crypto';

/** Knobs a test or the demo turns while the fake runs. */
export interface PayPalFakeSettings {
  /** `expires_in` of issued tokens (PayPal: 32400). */
  tokenTtlSeconds: number;
  /** Whether the app has the Reporting API's "Transaction search" permission. */
  reportingPermission: boolean;
  /** Transactions newer than this are not yet in the Reporting API (PayPal: up to 3 hours). */
  reportingDelayMs: number;
  /** NVP TransactionSearch's row limit before warning 11002 (PayPal: 100). */
  nvpMaxRows: number;
}

export interface RestContext {
  http: FakeHttpServer;
  state: PayPalState;
  settings: PayPalFakeSettings;
  webhooks: PayPalWebhooks;
  events: PayPalEvents;
  base(): string;
}

type Body = Record<string, unknown>;
const obj = (v: unknown): Body => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const badRequest = (issue: string, description: string, field?: string): FakeResponse =>
  restError(400, 'INVALID_REQUEST', [{ issue, description, ...(field ? { field, location: 'body' as const } : {}) }]);

/** A money object PayPal accepts: a currency and a value with no more decimals than it allows. */
function money(v: unknown, field: string): Money | FakeResponse {
  const m = obj(v);
  const currency = str(m.currency_code);
  const value = str(m.value);
  if (!currency || !/^[A-Z]{3}$/.test(currency))
    return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', `${field}/currency_code`);
  if (!value || !/^\d{1,10}(\.\d+)?$/.test(value))
    return badRequest('INVALID_PARAMETER_SYNTAX', 'The value of a field does not conform to the expected format.', `${field}/value`);
  const decimals = value.split('.')[1]?.length ?? 0;
  if (decimals > decimalsOf(currency))
    return unprocessable(
      'DECIMAL_PRECISION',
      `If the currency supports decimals, only two decimal place precision is supported. ${currency} does not support decimals beyond ${decimalsOf(currency)}.`,
    );
  return { currency_code: currency, value };
}

const isResponse = (v: unknown): v is FakeResponse =>
  !!v && typeof v === 'object' && 'status' in v && typeof (v as FakeResponse).status === 'number';

export function registerRestRoutes(ctx: RestContext): void {
  const { http, state, settings } = ctx;

  http.route('POST', '/v1/oauth2/token', (req) => {
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const [id, ...rest] = decoded.split(':');
    if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded'))
      return oauthError(400, 'invalid_request', 'Request is not well-formed');
    if (id !== state.clientId || rest.join(':') !== state.clientSecret)
      return oauthError(401, 'invalid_client', 'Client Authentication failed');
    if (obj(req.body).grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'Grant Type is NULL');
    const value = `A21AA${randomBytes(24).toString('base64url')}`;
    state.tokens.set(value, { value, expiresAtMs: state.now().getTime() + settings.tokenTtlSeconds * 1000 });
    return json(200, {
      scope:
        'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/subscriptions https://uri.paypal.com/services/reporting/search/read',
      access_token: value,
      token_type: 'Bearer',
      app_id: 'APP-80W284485P519543T',
      expires_in: settings.tokenTtlSeconds,
      nonce: `${rfc3339(state.now())}${randomBytes(8).toString('hex')}`,
    });
  });

  /** REST routes need a live Bearer token: missing or unknown → AUTHENTICATION_FAILURE, expired → invalid_token. */
  const authed = (method: string, path: string, handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    http.route(method, path, (req) => {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? state.tokens.get(auth.slice(7)) : undefined;
      if (!token) return restError(401, 'AUTHENTICATION_FAILURE');
      if (token.expiresAtMs <= state.now().getTime()) return oauthError(401, 'invalid_token', 'Access Token not found in cache');
      return handler(req);
    });

  authed('POST', '/v2/checkout/orders', (req) => {
    const requestId = str(req.headers['paypal-request-id']);
    const previous = requestId ? state.orders.get(state.orderRequests.get(requestId) ?? '') : undefined;
    if (previous) return json(200, orderJson(previous, ctx.base()));
    const b = obj(req.body);
    if (b.intent !== 'CAPTURE' && b.intent !== 'AUTHORIZE')
      return badRequest('INVALID_PARAMETER_VALUE', 'The value of a field is invalid.', 'intent');
    const units = Array.isArray(b.purchase_units) ? b.purchase_units : [];
    if (units.length !== 1) return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', 'purchase_units');
    const unit = obj(units[0]);
    const amount = money(unit.amount, "purchase_units/@reference_id=='default'/amount");
    if (isResponse(amount)) return amount;
    const ac = obj(b.application_context);
    const now = state.nowIso();
    const order: FakeOrder = {
      id: paypalId(17),
      status: 'CREATED',
      amount,
      created: now,
      updated: now,
      ...(str(unit.reference_id) ? { referenceId: str(unit.reference_id)! } : {}),
      ...(str(unit.custom_id) ? { customId: str(unit.custom_id)! } : {}),
      ...(str(unit.invoice_id) ? { invoiceId: str(unit.invoice_id)! } : {}),
      ...(str(unit.description) ? { description: str(unit.description)! } : {}),
      ...(str(ac.return_url) ? { returnUrl: str(ac.return_url)! } : {}),
      ...(str(ac.cancel_url) ? { cancelUrl: str(ac.cancel_url)! } : {}),
      ...(requestId ? { createRequestId: requestId } : {}),
    };
    state.orders.set(order.id, order);
    if (requestId) state.orderRequests.set(requestId, order.id);
    return json(201, orderJson(order, ctx.base()));
  });

  authed('GET', '/v2/checkout/orders/:id', (req) => {
    const order = state.orders.get(req.params.id!);
    return order ? json(200, orderJson(order, ctx.base())) : notFound('order_id', req.params.id!);
  });

  authed('POST', '/v2/checkout/orders/:id/capture', (req) => {
    const order = state.orders.get(req.params.id!);
    if (!order) return notFound('order_id', req.params.id!);
    const requestId = str(req.headers['paypal-request-id']);
    if (order.status === 'COMPLETED') {
      // The same PayPal-Request-Id gets the first answer back; anything else is a second capture.
      if (requestId && requestId === order.captureRequestId) return json(201, orderJson(order, ctx.base()));
      return unprocessable('ORDER_ALREADY_CAPTURED', "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
    }
    if (order.status !== 'APPROVED')
      return unprocessable(
        'ORDER_NOT_APPROVED',
        "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
      );
    ctx.events.captureOrder(order, requestId);
    return json(201, orderJson(order, ctx.base()));
  });

  authed('GET', '/v1/billing/plans/:id', (req) => {
    const plan = state.plans.get(req.params.id!);
    return plan ? json(200, planJson(plan, ctx.base())) : notFound('plan_id', req.params.id!);
  });

  authed('POST', '/v1/billing/subscriptions', (req) => {
    const requestId = str(req.headers['paypal-request-id']);
    const previous = requestId ? state.subscriptions.get(state.subscriptionRequests.get(requestId) ?? '') : undefined;
    if (previous) return json(200, subscriptionJson(previous, state.plans.get(previous.planId), ctx.base()));
    const b = obj(req.body);
    const planId = str(b.plan_id);
    if (!planId) return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', 'plan_id');
    const plan = state.plans.get(planId);
    if (!plan) return notFound('plan_id', planId, 'body');
    if (plan.status !== 'ACTIVE')
      return unprocessable('PLAN_STATUS_INVALID', 'Invalid plan status for subscription. Plan should be in ACTIVE status.');
    const ac = obj(b.application_context);
    const email = str(obj(b.subscriber).email_address);
    const sub = ctx.events.newSubscription(plan, {
      ...(str(b.custom_id) ? { customId: str(b.custom_id)! } : {}),
      ...(str(ac.return_url) ? { returnUrl: str(ac.return_url)! } : {}),
      ...(str(ac.cancel_url) ? { cancelUrl: str(ac.cancel_url)! } : {}),
      ...(email ? { email } : {}),
    });
    if (requestId) state.subscriptionRequests.set(requestId, sub.id);
    return json(201, subscriptionJson(sub, plan, ctx.base()));
  });

  authed('GET', '/v1/billing/subscriptions/:id', (req) => {
    const sub = state.subscriptions.get(req.params.id!);
    return sub ? json(200, subscriptionJson(sub, state.plans.get(sub.planId), ctx.base())) : notFound('subscription_id', req.params.id!);
  });

  const transition = (path: string, from: string[], to: 'CANCELLED' | 'SUSPENDED' | 'ACTIVE') =>
    authed('POST', `/v1/billing/subscriptions/:id/${path}`, (req) => {
      const sub = state.subscriptions.get(req.params.id!);
      if (!sub) return notFound('subscription_id', req.params.id!);
      if (!from.includes(sub.status))
        return unprocessable('SUBSCRIPTION_STATUS_INVALID', 'Invalid subscription status for cancel/suspend/activate action.');
      if (to !== 'ACTIVE' && !str(obj(req.body).reason))
        return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', 'reason');
      ctx.events.setSubscriptionStatus(sub, to);
      return empty(204);
    });
  transition('cancel', ['ACTIVE', 'SUSPENDED'], 'CANCELLED');
  transition('suspend', ['ACTIVE'], 'SUSPENDED');
  transition('activate', ['SUSPENDED'], 'ACTIVE');

  authed('GET', '/v1/billing/subscriptions/:id/transactions', (req) => {
    const sub = state.subscriptions.get(req.params.id!);
    if (!sub) return notFound('subscription_id', req.params.id!);
    const range = dateRange(req, 'start_time', 'end_time');
    if (isResponse(range)) return range;
    const rows = state.transactions
      .filter((t) => t.kind === 'sale' && t.referenceId === sub.id && inRange(t.time, range))
      .map((t) => ({
        id: t.id,
        status: 'COMPLETED',
        amount_with_breakdown: { gross_amount: t.amount, fee_amount: t.fee, net_amount: net(t.amount, t.fee) },
        payer_name: t.payer.name,
        payer_email: t.payer.email_address,
        time: t.time,
      }));
    return json(200, {
      transactions: rows,
      total_items: rows.length,
      total_pages: 1,
      links: [{ href: `${ctx.base()}${req.path}`, rel: 'SELF', method: 'GET' }],
    });
  });

  authed('GET', '/v1/reporting/transactions', (req) => {
    if (!settings.reportingPermission)
      return restError(403, 'NOT_AUTHORIZED', [{ issue: 'PERMISSION_DENIED', description: 'No permission for the requested operation' }]);
    const range = dateRange(req, 'start_date', 'end_date');
    if (isResponse(range)) return range;
    if (range.end - range.start > 31 * 24 * 3600_000)
      return badRequest('INVALID_DATE_RANGE', 'Date range is greater than 31 days', 'start_date');
    const pageSize = Number(req.query.get('page_size') ?? 100);
    const page = Number(req.query.get('page') ?? 1);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      return badRequest('INVALID_PARAMETER_VALUE', 'Page size should be between 1 and 500', 'page_size');
    if (!Number.isInteger(page) || page < 1) return badRequest('INVALID_PARAMETER_VALUE', 'Page should be greater than 0', 'page');
    const fields = new Set((req.query.get('fields') ?? 'transaction_info').split(','));
    const visibleUntil = state.now().getTime() - settings.reportingDelayMs;
    const id = req.query.get('transaction_id');
    const matching = state.transactions
      .filter((t) => inRange(t.time, range) && Date.parse(t.time) <= visibleUntil && (!id || t.id === id))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const totalPages = Math.max(1, Math.ceil(matching.length / pageSize));
    const slice = matching.slice((page - 1) * pageSize, page * pageSize);
    return json(200, {
      transaction_details: slice.map((t) => reportingDetail(t, fields)),
      account_number: 'FAKEMERCHANT1',
      start_date: req.query.get('start_date')!.replace(/Z$/, '+0000'),
      end_date: req.query.get('end_date')!.replace(/Z$/, '+0000'),
      last_refreshed_datetime: rfc3339(new Date(visibleUntil)).replace(/Z$/, '+0000'),
      page,
      total_items: matching.length,
      total_pages: totalPages,
      links: [{ href: `${ctx.base()}/v1/reporting/transactions?page=${page}`, rel: 'self', method: 'GET' }],
    });
  });

  authed('POST', '/v1/notifications/verify-webhook-signature', (req) => {
    const b = obj(req.body);
    for (const field of [
      'auth_algo',
      'cert_url',
      'transmission_id',
      'transmission_sig',
      'transmission_time',
      'webhook_id',
      'webhook_event',
    ]) {
      if (b[field] === undefined || b[field] === '')
        return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', field);
    }
    return json(200, { verification_status: ctx.webhooks.verify(b) });
  });
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function dateRange(req: FakeRequest, startName: string, endName: string): { start: number; end: number } | FakeResponse {
  const start = req.query.get(startName);
  const end = req.query.get(endName);
  if (!start || !end)
    return badRequest('MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', start ? endName : startName);
  if (!RFC3339.test(start) || !RFC3339.test(end))
    return badRequest('INVALID_PARAMETER_SYNTAX', 'The value of a field does not conform to the expected format.', startName);
  const range = {
    start: Date.parse(start.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
    end: Date.parse(end.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
  };
  if (range.end < range.start) return badRequest('INVALID_DATE_RANGE', 'End date should be greater than start date', endName);
  return range;
}

const inRange = (time: string, range: { start: number; end: number }) => {
  const t = Date.parse(time);
  return t >= range.start && t <= range.end;
};

function net(amount: Money, fee: Money): Money {
  const c = amount.currency_code;
  return { currency_code: c, value: fromMinor(toMinor(amount.value, c) - toMinor(fee.value, c), c) };
}
