import { createHash, randomBytes } from 'node:crypto';
import { json, type FakeHttpServer, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { missing, StripeFakeError, type StripeAccount } from './account.js';
import { formList, formRecord, formString, parseStripeForm, type FormValue } from './form.js';
import { stripeId, type InvoiceWire, type ListWire, type SessionWire } from './state.js';

export interface StripeRouteContext {
  http: FakeHttpServer;
  account: StripeAccount;
  secretKey: () => string;
  base: () => string;
  /** Stripe-Version headers seen, newest last: tests check the SDK sends the pinned one. */
  versions: string[];
}

const DOCS = 'https://stripe.com/docs/error-codes';

function errorResponse(error: StripeFakeError): FakeResponse {
  return json(
    error.status,
    {
      error: {
        type: error.type,
        ...(error.code ? { code: error.code, doc_url: `${DOCS}/${error.code.replace(/_/g, '-')}` } : {}),
        message: error.message,
        ...(error.param ? { param: error.param } : {}),
        request_log_url: `https://dashboard.stripe.com/test/logs/req_${randomBytes(7).toString('hex')}`,
      },
    },
    { 'request-id': `req_${randomBytes(7).toString('hex')}` },
  );
}

const maskKey = (key: string) => `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;

/** Stripe's list envelope over items newest first, with `limit`, `starting_after` and `created[…]`. */
export function paginate<T extends { id: string; created: number }>(
  items: Iterable<T>,
  params: Record<string, FormValue>,
  url: string,
): ListWire<T> {
  const limit = Math.min(100, Math.max(1, Number(formString(params.limit) ?? 10) || 10));
  const created = params.created;
  const range = created && typeof created === 'object' && !Array.isArray(created) ? formRecord(created) : {};
  const exact = typeof created === 'string' ? Number(created) : undefined;
  const all = [...items]
    .filter(
      (o) =>
        (exact === undefined || o.created === exact) &&
        (range.gte === undefined || o.created >= Number(range.gte)) &&
        (range.gt === undefined || o.created > Number(range.gt)) &&
        (range.lte === undefined || o.created <= Number(range.lte)) &&
        (range.lt === undefined || o.created < Number(range.lt)),
    )
    .reverse()
    .sort((a, b) => b.created - a.created);
  const after = formString(params.starting_after);
  let start = 0;
  if (after) {
    const i = all.findIndex((o) => o.id === after);
    if (i < 0) throw missing('object', after, 'starting_after');
    start = i + 1;
  }
  const data = all.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < all.length, url };
}

const expands = (params: Record<string, FormValue>): string[] => formList(params.expand).filter((v): v is string => typeof v === 'string');

/**
 * The REST API the SDK calls: Bearer secret key, form-encoded bodies, Stripe-Version, idempotency
 * keys (the same key with other parameters is an idempotency_error), Stripe's error envelope.
 */
export function registerStripeRoutes(ctx: StripeRouteContext): void {
  const { http, account } = ctx;
  const { state } = account;
  const idempotent = new Map<string, { hash: string; response: FakeResponse }>();

  const route = (method: string, path: string, handler: (req: FakeRequest, params: Record<string, FormValue>) => unknown) =>
    http.route(method, path, (req) => {
      try {
        const auth = req.headers.authorization ?? '';
        const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        if (key !== ctx.secretKey())
          return errorResponse(
            new StripeFakeError(
              401,
              'invalid_request_error',
              key ? `Invalid API Key provided: ${maskKey(key)}` : 'You did not provide an API key.',
            ),
          );
        const version = req.headers['stripe-version'];
        if (typeof version === 'string') ctx.versions.push(version);
        const params = method === 'GET' || method === 'DELETE' ? parseStripeForm(req.query) : parseStripeForm(req.rawBody);
        const idemKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
        const hash = createHash('sha256').update(`${method} ${req.path} ${req.rawBody}`).digest('hex');
        if (method === 'POST' && idemKey) {
          const seen = idempotent.get(idemKey);
          if (seen && seen.hash !== hash)
            return errorResponse(
              new StripeFakeError(
                400,
                'idempotency_error',
                `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
              ),
            );
          if (seen) return { ...seen.response, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } };
        }
        const response = json(200, handler(req, params), {
          'request-id': `req_${randomBytes(7).toString('hex')}`,
          'stripe-version': typeof version === 'string' ? version : '',
        });
        if (method === 'POST' && idemKey) idempotent.set(idemKey, { hash, response });
        return response;
      } catch (error) {
        if (error instanceof StripeFakeError) return errorResponse(error);
        throw error;
      }
    });

  const session = (id: string): SessionWire => {
    const s = state.sessions.get(id);
    if (!s) throw missing('checkout.session', id, 'session');
    return s;
  };
  const withPayments = (invoice: InvoiceWire) => ({
    ...invoice,
    payments: {
      object: 'list',
      data: state.invoicePayments.get(invoice.id) ?? [],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${invoice.id}`,
    },
  });

  route('GET', '/v1/balance', () => ({
    object: 'balance',
    available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
    pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
    livemode: state.livemode,
  }));

  route('POST', '/v1/checkout/sessions', (_req, p) => {
    const mode = formString(p.mode);
    if (mode !== 'payment' && mode !== 'subscription')
      throw new StripeFakeError(400, 'invalid_request_error', 'Missing required param: mode.', 'parameter_missing', 'mode');
    const successUrl = formString(p.success_url);
    if (!successUrl)
      throw new StripeFakeError(400, 'invalid_request_error', 'Missing required param: success_url.', 'parameter_missing', 'success_url');
    const lines = formList(p.line_items);
    if (lines.length === 0)
      throw new StripeFakeError(400, 'invalid_request_error', 'Missing required param: line_items.', 'parameter_missing', 'line_items');
    const items = lines.map((raw, i) => {
      const line = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, FormValue>;
      const priceId = formString(line.price);
      if (priceId) {
        const price = state.prices.get(priceId);
        if (!price) throw missing('price', priceId, `line_items[${i}][price]`);
        if (mode === 'subscription' && !price.recurring)
          throw new StripeFakeError(
            400,
            'invalid_request_error',
            'You must provide at least one recurring price in `subscription` mode when using prices.',
            null,
            `line_items[${i}][price]`,
          );
        return { name: price.nickname ?? price.id, amount: price.unit_amount, currency: price.currency, priceId };
      }
      const data = (line.price_data ?? {}) as Record<string, FormValue>;
      const amount = Number(formString(data.unit_amount));
      const currency = formString(data.currency);
      if (!currency || !Number.isInteger(amount) || amount < 0)
        throw new StripeFakeError(
          400,
          'invalid_request_error',
          'Invalid integer: unit_amount',
          'parameter_invalid_integer',
          `line_items[${i}][price_data][unit_amount]`,
        );
      if (mode === 'subscription')
        throw new StripeFakeError(
          400,
          'invalid_request_error',
          'price_data without recurring is not allowed in subscription mode.',
          null,
          `line_items[${i}][price_data]`,
        );
      const product = (data.product_data ?? {}) as Record<string, FormValue>;
      return { name: formString(product.name) ?? 'Item', amount, currency: currency.toLowerCase(), priceId: null };
    });
    const customer = formString(p.customer) ?? null;
    if (customer && !state.customers.has(customer)) throw missing('customer', customer, 'customer');
    const created = state.created();
    const id = stripeId('cs_test', 58);
    const s: SessionWire = {
      id,
      object: 'checkout.session',
      url: `${ctx.base()}/c/pay/${id}`,
      mode,
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: formString(p.client_reference_id) ?? null,
      customer,
      customer_email: formString(p.customer_email) ?? null,
      customer_details: null,
      subscription: null,
      payment_intent: null,
      invoice: null,
      amount_subtotal: items.reduce((n, i) => n + i.amount, 0),
      amount_total: items.reduce((n, i) => n + i.amount, 0),
      currency: items[0]!.currency,
      metadata: formRecord(p.metadata),
      success_url: successUrl,
      cancel_url: formString(p.cancel_url) ?? null,
      expires_at: Number(formString(p.expires_at) ?? created + 86_400),
      created,
      livemode: state.livemode,
    };
    state.sessions.set(id, s);
    state.sessionExtras.set(id, {
      items,
      paymentIntentMetadata: formRecord((p.payment_intent_data as Record<string, FormValue> | undefined)?.metadata),
      subscriptionMetadata: formRecord((p.subscription_data as Record<string, FormValue> | undefined)?.metadata),
      createCustomer: formString(p.customer_creation) === 'always',
    });
    return s;
  });

  route('GET', '/v1/checkout/sessions/:id', (req) => session(req.params.id!));

  route('GET', '/v1/payment_intents/:id', (req) => {
    const pi = state.paymentIntents.get(req.params.id!);
    if (!pi) throw missing('payment_intent', req.params.id!, 'intent');
    return pi;
  });

  route('GET', '/v1/customers/:id', (req) => {
    const c = state.customers.get(req.params.id!);
    if (!c) throw missing('customer', req.params.id!, 'id');
    return c;
  });

  route('GET', '/v1/prices/:id', (req) => {
    const price = state.prices.get(req.params.id!);
    if (!price) throw missing('price', req.params.id!, 'price');
    return price;
  });

  const subscription = (id: string) => {
    const sub = state.subscriptions.get(id);
    if (!sub) throw missing('subscription', id, 'id');
    return sub;
  };
  route('GET', '/v1/subscriptions/:id', (req) => subscription(req.params.id!));
  route('POST', '/v1/subscriptions/:id', (req, p) => {
    const sub = subscription(req.params.id!);
    if (formString(p.cancel_at_period_end) === 'true') account.cancel(sub, true);
    return sub;
  });
  route('DELETE', '/v1/subscriptions/:id', (req) => {
    const sub = subscription(req.params.id!);
    account.cancel(sub, false);
    return sub;
  });

  route('POST', '/v1/billing_portal/sessions', (_req, p) => {
    const customer = formString(p.customer);
    if (!customer)
      throw new StripeFakeError(400, 'invalid_request_error', 'Missing required param: customer.', 'parameter_missing', 'customer');
    if (!state.customers.has(customer)) throw missing('customer', customer, 'customer');
    const id = stripeId('bps');
    const portal = {
      id,
      object: 'billing_portal.session' as const,
      customer,
      return_url: formString(p.return_url) ?? null,
      url: `${ctx.base()}/p/session/${id}`,
      created: state.created(),
      livemode: state.livemode,
    };
    state.portalSessions.set(id, portal);
    return portal;
  });

  route('POST', '/v1/refunds', (_req, p) => {
    const amount = formString(p.amount);
    if (amount !== undefined && !/^\d+$/.test(amount))
      throw new StripeFakeError(400, 'invalid_request_error', `Invalid integer: ${amount}`, 'parameter_invalid_integer', 'amount');
    return account.refund({
      paymentIntent: formString(p.payment_intent),
      charge: formString(p.charge),
      amount: amount === undefined ? undefined : Number(amount),
      reason: formString(p.reason),
      metadata: formRecord(p.metadata),
    });
  });

  route('GET', '/v1/charges', (_req, p) => {
    const pi = formString(p.payment_intent);
    const customer = formString(p.customer);
    const charges = [...state.charges.values()].filter((c) => (!pi || c.payment_intent === pi) && (!customer || c.customer === customer));
    return paginate(charges, p, '/v1/charges');
  });

  route('GET', '/v1/invoices', (_req, p) => {
    const status = formString(p.status);
    const sub = formString(p.subscription);
    const customer = formString(p.customer);
    const list = paginate(
      [...state.invoices.values()].filter(
        (i) =>
          (!status || i.status === status) &&
          (!sub || i.parent.subscription_details.subscription === sub) &&
          (!customer || i.customer === customer),
      ),
      p,
      '/v1/invoices',
    );
    // `payments` is includable: present only when asked for.
    return expands(p).includes('data.payments') ? { ...list, data: list.data.map(withPayments) } : list;
  });

  route('GET', '/v1/invoices/:id', (req, p) => {
    const invoice = state.invoices.get(req.params.id!);
    if (!invoice) throw missing('invoice', req.params.id!, 'invoice');
    return expands(p).includes('payments') ? withPayments(invoice) : invoice;
  });
}
