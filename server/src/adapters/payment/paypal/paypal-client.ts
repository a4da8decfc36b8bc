import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../../platform/clock.js';
import { HttpClient, type HttpRequest, type HttpResponse } from '../../http/http-client.js';
import { IntegrationError } from '../../http/integration-error.js';
import { paypalMoney } from './paypal-amounts.js';
import { explainPayPalError, PAYPAL_SERVICE, type PayPalResource } from './paypal-errors.js';
import { badShape, orderOf, planOf, subscriptionOf, subscriptionTransactionOf } from './paypal-parse.js';
import { searchReportingTransactions, type TransactionSearchInput } from './paypal-reporting.js';
import type {
  OrderWire,
  PayPalMode,
  PayPalOrder,
  PayPalPlan,
  PayPalSubscription,
  PayPalSubscriptionTransaction,
  PayPalTransaction,
  PayPalWebhookHeaders,
  PlanWire,
  SubscriptionTransactionWire,
  SubscriptionWire,
  TokenWire,
} from './paypal-types.js';

export const PAYPAL_API_URLS: Readonly<Record<PayPalMode, string>> = {
  live: 'https://api-m.paypal.com',
  sandbox: 'https://api-m.sandbox.paypal.com',
};

/**
 * Where the REST API lives: `PAYPAL_API_URL` when the deployment sets it (tests and the demo point it
 * at the fake), else PayPal's host for the mode. Never an admin setting: a typed-in host would
 * receive the client secret.
 */
export function paypalApiUrl(mode: PayPalMode, env: { PAYPAL_API_URL?: string | undefined }): string {
  return env.PAYPAL_API_URL ?? PAYPAL_API_URLS[mode];
}

export interface PayPalClientOptions {
  mode: PayPalMode;
  clientId: string;
  clientSecret: string;
  /** From `paypalApiUrl`; defaults to PayPal's host for the mode. */
  apiUrl?: string;
  clock?: Clock;
  /** A token is renewed this long before PayPal says it expires (default 5 minutes). */
  tokenMarginMs?: number;
  timeoutMs?: number;
  retries?: number;
}

export interface CreateOrderInput {
  amountMinor: number;
  currency: string;
  returnUrl: string;
  cancelUrl: string;
  referenceId?: string;
  customId?: string;
  invoiceId?: string;
  description?: string;
  brandName?: string;
  /** PayPal-Request-Id: the same id twice returns the first order instead of a second one. */
  requestId?: string;
}

export interface CreateSubscriptionInput {
  planId: string;
  returnUrl: string;
  cancelUrl: string;
  customId?: string;
  email?: string;
  brandName?: string;
  requestId?: string;
}

interface CachedToken {
  value: string;
  expiresAtMs: number;
}

const DEFAULT_TOKEN_MARGIN_MS = 5 * 60_000;

/**
 * PayPal REST over plain fetch (integrations.md §0: the official SDK hard-codes its hosts). One
 * client per PayPal account and mode: it holds that account's OAuth token, cached until shortly
 * before it expires and fetched once however many calls wait for it.
 */
export class PayPalClient {
  readonly mode: PayPalMode;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private token: CachedToken | null = null;
  private pendingToken: Promise<CachedToken> | null = null;

  constructor(private readonly options: PayPalClientOptions) {
    this.mode = options.mode;
    this.clock = options.clock ?? systemClock;
    this.http = new HttpClient({
      service: PAYPAL_SERVICE,
      baseUrl: options.apiUrl ?? PAYPAL_API_URLS[options.mode],
      timeoutMs: options.timeoutMs ?? 20_000,
      retries: options.retries ?? 2,
      defaultHeaders: { accept: 'application/json' },
    });
  }

  /** Fetches a fresh token: what "test credentials" runs. */
  async testCredentials(): Promise<{ appId: string | null; scopes: string[]; expiresInSeconds: number }> {
    this.token = null;
    const wire = await this.fetchToken();
    return { appId: wire.app_id ?? null, scopes: (wire.scope ?? '').split(' ').filter(Boolean), expiresInSeconds: wire.expires_in };
  }

  // Orders v2 create: POST /v2/checkout/orders (checkout_orders_v2.json). PayPal's own Node checkout
  // samples send `application_context` return/cancel URLs and read the `approve` link the same way.
  async createOrder(input: CreateOrderInput): Promise<PayPalOrder> {
    const body = {
      intent: 'CAPTURE',
      purchase_units: [
        {
          ...(input.referenceId ? { reference_id: input.referenceId } : {}),
          ...(input.customId ? { custom_id: input.customId } : {}),
          ...(input.invoiceId ? { invoice_id: input.invoiceId } : {}),
          ...(input.description ? { description: input.description } : {}),
          amount: paypalMoney(input.amountMinor, input.currency),
        },
      ],
      application_context: {
        return_url: input.returnUrl,
        cancel_url: input.cancelUrl,
        ...(input.brandName ? { brand_name: input.brandName } : {}),
        user_action: 'PAY_NOW',
        shipping_preference: 'NO_SHIPPING',
      },
    };
    const res = await this.call('order', 'creating the order', {
      method: 'POST',
      path: '/v2/checkout/orders',
      headers: { 'paypal-request-id': input.requestId ?? randomUUID(), prefer: 'return=representation' },
      json: body,
      idempotent: true,
    });
    const order = orderOf(res.json<OrderWire>());
    if (!order.approveUrl) throw badShape('the new order without an approve link');
    return order;
  }

  /**
   * Orders v2 capture: POST /v2/checkout/orders/{id}/capture with an empty JSON body. The request id
   * defaults to one derived from the order, so the return handler and the CHECKOUT.ORDER.APPROVED
   * webhook, whichever runs second, get PayPal's first answer back instead of ORDER_ALREADY_CAPTURED
   * (PayPal's checkout samples and most integrations send a PayPal-Request-Id on capture for this).
   */
  async captureOrder(orderId: string, requestId = `usher-capture-${orderId}`): Promise<PayPalOrder> {
    const res = await this.call('order', `capturing order ${orderId}`, {
      method: 'POST',
      path: `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`,
      headers: { 'paypal-request-id': requestId, prefer: 'return=representation' },
      json: {},
      idempotent: true,
    });
    return orderOf(res.json<OrderWire>());
  }

  // Orders v2 get: GET /v2/checkout/orders/{id}.
  async getOrder(orderId: string): Promise<PayPalOrder> {
    const res = await this.call('order', `reading order ${orderId}`, {
      method: 'GET',
      path: `/v2/checkout/orders/${encodeURIComponent(orderId)}`,
    });
    return orderOf(res.json<OrderWire>());
  }

  // Subscriptions v1 plan: GET /v1/billing/plans/{id} — the plan check behind checkout diagnostics.
  async getPlan(planId: string): Promise<PayPalPlan> {
    const res = await this.call('plan', `reading plan ${planId}`, {
      method: 'GET',
      path: `/v1/billing/plans/${encodeURIComponent(planId)}`,
    });
    return planOf(res.json<PlanWire>());
  }

  // Subscriptions v1 create: POST /v1/billing/subscriptions (billing_subscriptions_v1.json), answered
  // APPROVAL_PENDING with an `approve` link, as server-side integrations read it.
  async createSubscription(input: CreateSubscriptionInput): Promise<PayPalSubscription> {
    const body = {
      plan_id: input.planId,
      ...(input.customId ? { custom_id: input.customId } : {}),
      ...(input.email ? { subscriber: { email_address: input.email } } : {}),
      application_context: {
        return_url: input.returnUrl,
        cancel_url: input.cancelUrl,
        ...(input.brandName ? { brand_name: input.brandName } : {}),
        user_action: 'SUBSCRIBE_NOW',
        shipping_preference: 'NO_SHIPPING',
      },
    };
    const res = await this.call('plan', `starting a subscription to plan ${input.planId}`, {
      method: 'POST',
      path: '/v1/billing/subscriptions',
      headers: { 'paypal-request-id': input.requestId ?? randomUUID(), prefer: 'return=representation' },
      json: body,
      idempotent: true,
    });
    const sub = subscriptionOf(res.json<SubscriptionWire>());
    if (!sub.approveUrl) throw badShape('the new subscription without an approve link');
    return sub;
  }

  // Subscriptions v1 get: GET /v1/billing/subscriptions/{id}.
  async getSubscription(id: string): Promise<PayPalSubscription> {
    const res = await this.call('subscription', `reading subscription ${id}`, {
      method: 'GET',
      path: `/v1/billing/subscriptions/${encodeURIComponent(id)}`,
    });
    return subscriptionOf(res.json<SubscriptionWire>());
  }

  /**
   * Subscriptions v1 cancel: POST …/cancel `{reason}` → 204; 422 SUBSCRIPTION_STATUS_INVALID when it
   * is no longer ACTIVE or SUSPENDED. Safe to repeat (a second cancel is refused, never doubled).
   */
  async cancelSubscription(id: string, reason: string): Promise<void> {
    await this.call('subscription', `cancelling subscription ${id}`, {
      method: 'POST',
      path: `/v1/billing/subscriptions/${encodeURIComponent(id)}/cancel`,
      json: { reason: reason.slice(0, 128) },
      idempotent: true,
    });
  }

  // Subscriptions v1 transactions: GET …/transactions?start_time&end_time (both required, RFC 3339 with seconds).
  async listSubscriptionTransactions(id: string, from: Date, to: Date): Promise<PayPalSubscriptionTransaction[]> {
    const res = await this.call('subscription', `listing the payments of subscription ${id}`, {
      method: 'GET',
      path: `/v1/billing/subscriptions/${encodeURIComponent(id)}/transactions`,
      query: { start_time: rfc3339(from), end_time: rfc3339(to) },
    });
    const list = res.json<{ transactions?: SubscriptionTransactionWire[] }>().transactions ?? [];
    if (!Array.isArray(list)) throw badShape('the subscription transactions');
    return list.map(subscriptionTransactionOf);
  }

  /**
   * POST /v1/notifications/verify-webhook-signature with the five PAYPAL-* headers, this account's
   * webhook id and the event. The received body is spliced in byte for byte: re-serializing it (as
   * the many `webhook_event: req.body` integrations do) can change numbers or key order and turn a
   * genuine delivery into FAILURE. A delivery missing a header is refused without asking PayPal.
   */
  async verifyWebhookSignature(input: { headers: PayPalWebhookHeaders; rawBody: string; webhookId: string }): Promise<boolean> {
    const h = input.headers;
    if (!h.transmissionId || !h.transmissionTime || !h.transmissionSig || !h.certUrl || !h.authAlgo || !input.webhookId) return false;
    try {
      const event = JSON.parse(input.rawBody) as unknown;
      if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
    } catch {
      return false;
    }
    const head = JSON.stringify({
      auth_algo: h.authAlgo,
      cert_url: h.certUrl,
      transmission_id: h.transmissionId,
      transmission_sig: h.transmissionSig,
      transmission_time: h.transmissionTime,
      webhook_id: input.webhookId,
    });
    const res = await this.call('webhook', 'verifying a webhook delivery', {
      method: 'POST',
      path: '/v1/notifications/verify-webhook-signature',
      rawJson: `${head.slice(0, -1)},"webhook_event":${input.rawBody}}`,
      idempotent: true,
    });
    return res.json<{ verification_status?: string }>().verification_status === 'SUCCESS';
  }

  /** Reporting API transaction search over any range (split into 31-day windows, every page read). */
  searchTransactions(input: TransactionSearchInput): Promise<PayPalTransaction[]> {
    return searchReportingTransactions((req) => this.call('reporting', 'searching transactions', req), input);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * One authenticated call. A 401 on a cached token (PayPal can revoke one early, or the clocks
   * disagree) drops it and retries once with a fresh one; a second 401 is the credentials.
   */
  private async call(resource: PayPalResource, what: string, req: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${token.value}` } });
      } catch (error) {
        if (attempt === 0 && error instanceof IntegrationError && error.status === 401) {
          if (this.token === token) this.token = null;
          continue;
        }
        throw explainPayPalError(error, resource, what);
      }
    }
  }

  private async accessToken(): Promise<CachedToken> {
    const now = this.clock.now().getTime();
    if (this.token && now < this.token.expiresAtMs) return this.token;
    if (!this.pendingToken) {
      this.pendingToken = this.fetchToken()
        .then((wire) => {
          const lifetimeMs = wire.expires_in * 1000;
          const margin = Math.min(this.options.tokenMarginMs ?? DEFAULT_TOKEN_MARGIN_MS, lifetimeMs / 2);
          this.token = { value: wire.access_token, expiresAtMs: this.clock.now().getTime() + lifetimeMs - margin };
          return this.token;
        })
        .finally(() => (this.pendingToken = null));
    }
    return this.pendingToken;
  }

  /**
   * POST /v1/oauth2/token, Basic client_id:secret, form `grant_type=client_credentials` (PayPal's
   * OAuthAuthorizationController; every hand-written client in the wild does the same). Caching
   * until `expires_in` minus a margin follows the common pattern of 60 s–1 h buffers.
   */
  private async fetchToken(): Promise<TokenWire> {
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    let res: HttpResponse;
    try {
      res = await this.http.request({
        method: 'POST',
        path: '/v1/oauth2/token',
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'client_credentials' },
        idempotent: true,
      });
    } catch (error) {
      throw explainPayPalError(error, 'token', `the client id and secret (${this.mode})`);
    }
    const wire = res.json<TokenWire>();
    if (typeof wire.access_token !== 'string' || typeof wire.expires_in !== 'number') throw badShape('the token request');
    return wire;
  }
}

/** RFC 3339 with seconds and no fraction, as PayPal's date parameters want. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The PAYPAL-* headers of a delivery, from Node/Fastify's lower-cased header map. */
export function paypalWebhookHeaders(headers: Record<string, string | string[] | undefined>): PayPalWebhookHeaders {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    transmissionId: one('paypal-transmission-id'),
    transmissionTime: one('paypal-transmission-time'),
    transmissionSig: one('paypal-transmission-sig'),
    certUrl: one('paypal-cert-url'),
    authAlgo: one('paypal-auth-algo'),
  };
}
