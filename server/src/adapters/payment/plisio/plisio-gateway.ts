import { createHmac, timingSafeEqual } from 'node:crypto';
import { minorToMajorString, parseMajor } from '../../../domain/money.js';
import { systemClock, type Clock } from '../../../platform/clock.js';
import {
  gatewayEvent,
  type CheckoutRequest,
  type CheckoutSession,
  type CredentialsCheck,
  type GatewayEvent,
  type GatewayEventType,
  type GatewayMoney,
  type GatewayTransaction,
  type PaymentGateway,
  type RefundResult,
  type WebhookVerification,
} from '../../../ports/payment-gateway.js';
import { HttpClient, type HttpResponse } from '../../http/http-client.js';
import { IntegrationError } from '../../http/integration-error.js';

export const PLISIO_SERVICE = 'Plisio';
/** The Python SDK's host; integrations.md §5 notes plisio.net/api/v1 is in use as well. */
export const PLISIO_API_URL = 'https://api.plisio.net';

/** `PLISIO_API_URL` when the deployment sets it (tests, the demo), else Plisio's own host. */
export function plisioApiUrl(env: { PLISIO_API_URL?: string | undefined }): string {
  return env.PLISIO_API_URL ?? PLISIO_API_URL;
}

/** Every invoice status Plisio sends (plisio-python `plisio_enums.py`, integrations.md §5). */
export const PLISIO_STATUSES = [
  'new',
  'pending',
  'pending internal',
  'completed',
  'mismatch',
  'expired',
  'cancelled',
  'cancelled duplicate',
  'error',
] as const;
export type PlisioStatus = (typeof PLISIO_STATUSES)[number];

const STATUS_EVENTS: Readonly<Record<PlisioStatus, GatewayEventType>> = {
  new: 'ignored',
  pending: 'payment.pending',
  'pending internal': 'payment.pending',
  // Mismatch is an overpayment: the invoice is paid.
  completed: 'payment.succeeded',
  mismatch: 'payment.succeeded',
  expired: 'checkout.failed',
  cancelled: 'checkout.failed',
  'cancelled duplicate': 'checkout.failed',
  error: 'payment.failed',
};

export const isPlisioPaid = (status: string): boolean => status === 'completed' || status === 'mismatch';

export interface PlisioGatewayOptions {
  /** The shop's secret key: authenticates calls (`api_key`) and signs callbacks. */
  secretKey: string;
  apiUrl?: string;
  /** Usher's `/api/webhooks/plisio`; `json=true` is added so callbacks are JSON (integrations.md §5). */
  callbackUrl: string;
  /** Minutes before an unpaid invoice expires (Plisio's default when unset). */
  expireMinutes?: number;
  clock?: Clock;
  timeoutMs?: number;
  retries?: number;
}

interface Envelope<T> {
  status?: string;
  data?: T;
}

interface PlisioErrorData {
  name?: string;
  message?: string;
  code?: number;
}

interface InvoiceData {
  txn_id: string;
  invoice_url: string;
  expire_utc?: number | string;
}

interface OperationWire {
  id?: string;
  txn_id?: string;
  type?: string;
  status?: string;
  created_at_utc?: number | string;
  params?: { order_number?: string; order_name?: string; source_amount?: string | number; source_currency?: string; email?: string };
}

interface OperationsData {
  operations?: OperationWire[];
  _meta?: { pageCount?: number; currentPage?: number };
}

/** Most pages one sync reads (100 operations each); older history is for the admin to import by hand. */
const MAX_PAGES = 50;

/**
 * Plisio over plain fetch (no official Node SDK; integrations.md §0). Crypto invoices priced in the
 * site currency (`source_currency`/`source_amount`), one-off only; callbacks verified by
 * `verify_hash`. The invoice's `txn_id` is the payment id, and callbacks are events per
 * (txn_id, status), since Plisio sends one callback per status change and nothing else unique.
 */
export class PlisioGateway implements PaymentGateway {
  readonly kind = 'plisio' as const;
  readonly capabilities = { oneOff: true, recurring: false, refund: false, portal: false, sync: true };
  private readonly http: HttpClient;
  private readonly clock: Clock;

  constructor(private readonly options: PlisioGatewayOptions) {
    this.clock = options.clock ?? systemClock;
    this.http = new HttpClient({
      service: PLISIO_SERVICE,
      baseUrl: options.apiUrl ?? PLISIO_API_URL,
      timeoutMs: options.timeoutMs ?? 20_000,
      retries: options.retries ?? 2,
      defaultHeaders: { accept: 'application/json' },
    });
  }

  /**
   * GET /api/v1/invoices/new with the query parameters plisio-python's `invoice()` and the PHP
   * ClientAPI send: order_number (Usher's reference, unique), source_currency/source_amount in
   * major units, callback_url with json=true. Plisio's API is GET-only, so the HTTP client may
   * retry it after a dropped connection; the worst case is a second unpaid invoice that expires,
   * never a second payment (the payer only ever sees one invoice URL).
   */
  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    if (request.mode !== 'one_off')
      throw new IntegrationError(PLISIO_SERVICE, 'rejected', 'Plisio invoices are one-off payments only', false, {
        fix: 'Offer this plan as pay-as-you-go for crypto payments; recurring needs Stripe or PayPal.',
        cause: 'plisio_recurring_unsupported',
      });
    const callback = new URL(this.options.callbackUrl);
    callback.searchParams.set('json', 'true');
    const data = await this.call<InvoiceData>('creating the invoice', '/api/v1/invoices/new', {
      order_number: request.reference,
      order_name: request.itemName.slice(0, 255),
      source_currency: request.amount.currency.toUpperCase(),
      source_amount: minorToMajorString(request.amount.amountMinor, request.amount.currency),
      callback_url: callback.toString(),
      success_invoice_url: request.successUrl,
      fail_invoice_url: request.cancelUrl,
      ...(request.description ? { description: request.description } : {}),
      ...(request.email ? { email: request.email } : {}),
      ...(this.options.expireMinutes ? { expire_min: this.options.expireMinutes } : {}),
    });
    if (typeof data.txn_id !== 'string' || typeof data.invoice_url !== 'string')
      throw new IntegrationError(PLISIO_SERVICE, 'invalid_response', 'Plisio answered the new invoice without txn_id or invoice_url', true);
    const expire = Number(data.expire_utc);
    return {
      externalId: data.txn_id,
      redirectUrl: data.invoice_url,
      expiresAt: Number.isFinite(expire) && expire > 0 ? new Date(expire * 1000) : null,
    };
  }

  /**
   * JSON callbacks: verify_hash = hex HMAC-SHA1 with the secret key over JSON.stringify of the body
   * without verify_hash, keys in the order received — Plisio's Node snippet as integrators quote it
   * and plisio-python's `validate_callback`. The raw body is parsed once and never re-ordered.
   */
  verifyWebhook(rawBody: string, _headers: Record<string, string | string[] | undefined> = {}): Promise<WebhookVerification> {
    let payload: Record<string, unknown>;
    try {
      const parsed = JSON.parse(rawBody) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return Promise.resolve({ ok: false, reason: 'the callback is not a JSON object' });
      payload = parsed as Record<string, unknown>;
    } catch {
      return Promise.resolve({ ok: false, reason: 'the callback is not JSON: set callback_url with json=true' });
    }
    if (!verifyPlisioHash(payload, this.options.secretKey)) return Promise.resolve({ ok: false, reason: 'verify_hash does not match' });
    const txnId = typeof payload.txn_id === 'string' ? payload.txn_id : null;
    const status = typeof payload.status === 'string' ? payload.status : '';
    if (!txnId || !status) return Promise.resolve({ ok: false, reason: 'the callback has no txn_id or status' });
    const amount = plisioMoney(payload.source_amount, payload.source_currency);
    const event = gatewayEvent({
      eventId: `${txnId}:${status}`,
      type: STATUS_EVENTS[status as PlisioStatus] ?? 'ignored',
      gatewayType: status,
      // Plisio's callback carries no time of its own.
      occurredAt: this.clock.now(),
      reference: typeof payload.order_number === 'string' ? payload.order_number : null,
      checkoutId: txnId,
      transactionId: txnId,
      amount,
      email: typeof payload.email === 'string' ? payload.email : null,
    });
    return Promise.resolve({ ok: true, events: [event] });
  }

  /** Plisio confirms the invoice itself once the coins arrive: nothing to finish. */
  completeCheckout(): Promise<GatewayEvent[]> {
    return Promise.resolve([]);
  }

  refund(): Promise<RefundResult> {
    return Promise.reject(
      new IntegrationError(PLISIO_SERVICE, 'rejected', 'Plisio has no refunds: crypto payments are returned by sending coins back', false, {
        fix: 'Send the refund from your Plisio wallet yourself, then record it on the payment.',
        cause: 'gateway_refund_unsupported',
      }),
    );
  }

  /** GET /api/v1/operations?type=invoice, page by page (`_meta.pageCount`), as plisio-python's get_operations. */
  async listTransactions(since: Date, until?: Date): Promise<GatewayTransaction[]> {
    const fromS = since.getTime() / 1000;
    const toS = (until ?? this.clock.now()).getTime() / 1000;
    const rows: GatewayTransaction[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const data = await this.call<OperationsData>('listing invoices', '/api/v1/operations', { type: 'invoice', page, limit: 100 });
      for (const op of data.operations ?? []) {
        const created = Number(op.created_at_utc);
        const id = op.txn_id ?? op.id;
        const amount = plisioMoney(op.params?.source_amount, op.params?.source_currency);
        if (!id || !amount || !Number.isFinite(created) || created < fromS || created >= toS) continue;
        const status = op.status ?? '';
        rows.push({
          transactionId: id,
          occurredAt: new Date(created * 1000),
          status: isPlisioPaid(status) ? 'succeeded' : /^pending/.test(status) || status === 'new' ? 'pending' : 'failed',
          amount,
          fee: null,
          refundedAmount: null,
          email: op.params?.email ?? null,
          payerName: null,
          subscriptionId: null,
          customerId: null,
          reference: op.params?.order_number ?? null,
          description: op.params?.order_name ?? null,
        });
      }
      if (!data._meta?.pageCount || page >= data._meta.pageCount) break;
    }
    return rows;
  }

  customerPortalUrl(): Promise<string | null> {
    return Promise.resolve(null);
  }

  // GET /api/v1/currencies: cheap, needs the key, and shows which coins the shop accepts.
  async testCredentials(): Promise<CredentialsCheck> {
    const data = await this.call<{ cid?: string }[]>('the secret key', '/api/v1/currencies', {});
    const coins = Array.isArray(data) ? data.map((c) => c.cid).filter(Boolean) : [];
    return {
      account: null,
      live: null,
      details: [`${coins.length} cryptocurrencies enabled${coins.length ? `: ${coins.slice(0, 8).join(', ')}` : ''}`],
    };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async call<T>(what: string, path: string, query: Record<string, string | number>): Promise<T> {
    let res: HttpResponse;
    try {
      res = await this.http.request({ method: 'GET', path, query: { ...query, api_key: this.options.secretKey }, idempotent: true });
    } catch (error) {
      throw explainPlisioError(error, what);
    }
    const body = res.json<Envelope<T | PlisioErrorData>>();
    // Plisio answers some refusals 200 with status "error".
    if (body.status !== 'success') throw plisioError(what, res.status, body.data as PlisioErrorData | undefined);
    return body.data as T;
  }
}

/** Plisio's verify_hash check over a parsed callback, keys in received order. */
export function verifyPlisioHash(payload: Record<string, unknown>, secretKey: string): boolean {
  const received = payload.verify_hash;
  if (typeof received !== 'string' || !/^[0-9a-f]{40}$/i.test(received)) return false;
  const { verify_hash: _omit, ...rest } = payload;
  const expected = createHmac('sha1', secretKey).update(JSON.stringify(rest)).digest();
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

function plisioMoney(amount: unknown, currency: unknown): GatewayMoney | null {
  if ((typeof amount !== 'string' && typeof amount !== 'number') || typeof currency !== 'string') return null;
  // Plisio may print more decimals than the currency has ("9.990000"); trailing zeros only.
  const text = String(amount)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  const minor = parseMajor(text, currency);
  return minor === null ? null : { amountMinor: minor, currency: currency.toUpperCase() };
}

function fixFor(status: number | undefined, name: string | undefined, message: string | undefined): string | undefined {
  if (status === 401 || status === 403 || /api.?key|secret/i.test(`${name ?? ''} ${message ?? ''}`))
    return 'Plisio refused the secret key: copy it again from plisio.net → API (the shop\'s "Secret key").';
  if (status === 429) return 'Plisio is rate limiting; Usher retries later.';
  if (/amount|minimum/i.test(message ?? ''))
    return "The amount is below Plisio's minimum for the coins enabled: raise the plan's price or enable other coins.";
  if (/currenc/i.test(message ?? '')) return "The currency is not accepted by this Plisio shop: check the shop's fiat and crypto settings.";
  return undefined;
}

function plisioError(what: string, status: number, data: PlisioErrorData | undefined): IntegrationError {
  const said = [data?.name, data?.message].filter(Boolean).join(': ');
  const fix = fixFor(status === 200 ? undefined : status, data?.name, data?.message);
  const kind =
    status === 401 || status === 403 ? 'unauthorized' : status === 429 ? 'rate_limited' : status >= 500 ? 'unavailable' : 'rejected';
  return new IntegrationError(
    PLISIO_SERVICE,
    kind,
    `Plisio refused ${what}${said ? `: ${said}` : ''}${data?.code !== undefined ? ` (code ${data.code})` : ''}`,
    status >= 500 || status === 429,
    {
      ...(fix ? { fix } : {}),
      status,
      cause: `plisio_${String(data?.code ?? data?.name ?? `http_${status}`)
        .toLowerCase()
        .replace(/\W+/g, '_')}`,
    },
  );
}

function explainPlisioError(error: unknown, what: string): unknown {
  if (!(error instanceof IntegrationError) || error.status === undefined) return error;
  let data: PlisioErrorData | undefined;
  try {
    data = (JSON.parse(error.body ?? '') as Envelope<PlisioErrorData>).data;
  } catch {
    data = undefined;
  }
  return plisioError(what, error.status, data ?? { message: error.message });
}
