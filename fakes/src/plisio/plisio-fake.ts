import { randomBytes } from 'node:crypto';
import { FakeHttpServer, json, text, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { PlisioCallbacks, type PlisioCorruption, type PlisioDelivery } from './callbacks.js';

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
export type PlisioFakeStatus = (typeof PLISIO_STATUSES)[number];

export interface PlisioInvoice {
  txn_id: string;
  order_number: string;
  order_name: string;
  description: string;
  email: string | null;
  source_currency: string;
  source_amount: string;
  currency: string;
  amount: string;
  source_rate: string;
  status: PlisioFakeStatus;
  pending_amount: string;
  confirmations: string;
  wallet_hash: string;
  callback_url: string | null;
  success_invoice_url: string | null;
  fail_invoice_url: string | null;
  created_at_utc: number;
  expire_utc: number;
}

export interface PlisioFakeOptions {
  secretKey?: string;
  /** Fiat per coin used to price invoices (default 1 BTC = 50 000 of the source currency). */
  rate?: number;
  /** Sends every callback here instead of each invoice's callback_url. */
  callbackUrl?: string;
  port?: number;
  host?: string;
}

const envelope = (data: unknown): FakeResponse => json(200, { status: 'success', data });
const failure = (status: number, name: string, message: string, code = 0): FakeResponse =>
  json(status, { status: 'error', data: { name, message, code } });
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const redirect = (location: string): FakeResponse => ({ status: 302, headers: { location } });

/**
 * A Plisio shop speaking integrations.md §5: GET-only API authenticated by `api_key`, the JSON
 * envelope (`{status:"success",data}` / `{status:"error",data:{name,message,code}}`), invoices in
 * every status, operations listing with Yii-style `_meta` paging, the hosted invoice page (Pay,
 * Overpay, Pay partly, Cancel) and signed status callbacks, with a `/__control` surface.
 */
export class PlisioFake {
  readonly http = new FakeHttpServer('Plisio');
  readonly invoices = new Map<string, PlisioInvoice>();
  readonly callbacks: PlisioCallbacks;
  secretKey: string;
  private readonly rate: number;
  private offsetMs = 0;

  constructor(options: PlisioFakeOptions = {}) {
    this.secretKey = options.secretKey ?? randomBytes(32).toString('base64url');
    this.rate = options.rate ?? 50_000;
    this.callbacks = new PlisioCallbacks(() => this.secretKey);
    if (options.callbackUrl) this.callbacks.overrideUrl = options.callbackUrl;
    this.registerApi();
    this.registerPages();
    this.registerControl();
  }

  get url(): string {
    try {
      return this.http.url;
    } catch {
      return 'http://127.0.0.1';
    }
  }

  now(): number {
    return Math.floor((Date.now() + this.offsetMs) / 1000);
  }

  /** Moves the invoice to a status and sends its callback, as Plisio does on every change. */
  setStatus(txnId: string, status: PlisioFakeStatus, extra: { paidCoins?: string } = {}): PlisioDelivery | null {
    const invoice = this.invoices.get(txnId);
    if (!invoice) throw new Error(`no invoice ${txnId}`);
    if (!PLISIO_STATUSES.includes(status)) throw new Error(`unknown status ${status}`);
    invoice.status = status;
    if (status === 'pending' || status === 'pending internal') {
      const paid = Number(extra.paidCoins ?? invoice.amount);
      invoice.pending_amount = Math.max(0, Number(invoice.amount) - paid).toFixed(8);
      invoice.confirmations = '0';
    }
    if (status === 'completed' || status === 'mismatch') {
      invoice.pending_amount = '0.00000000';
      invoice.confirmations = '3';
    }
    return this.callbacks.send(invoice.callback_url, this.callbackFields(invoice));
  }

  /** The fields of a callback, all strings (integrations.md §5). */
  callbackFields(i: PlisioInvoice): Record<string, string> {
    return {
      amount: i.amount,
      comment: '',
      confirmations: i.confirmations,
      currency: i.currency,
      expire_utc: String(i.expire_utc),
      invoice_commission: '0.00000000',
      invoice_sum: i.amount,
      invoice_total_sum: i.amount,
      ipn_type: 'invoice',
      merchant: 'Usher fake shop',
      merchant_id: 'fake-shop-1',
      order_name: i.order_name,
      order_number: i.order_number,
      pending_amount: i.pending_amount,
      psys_cid: i.currency,
      qr_code: '',
      source_amount: i.source_amount,
      source_currency: i.source_currency,
      source_rate: i.source_rate,
      status: i.status,
      tx_urls: i.status === 'completed' || i.status === 'mismatch' ? `["https://blockchair.com/bitcoin/transaction/${i.wallet_hash}"]` : '',
      txn_id: i.txn_id,
      wallet_hash: i.wallet_hash,
    };
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  async close(): Promise<void> {
    await this.callbacks.idle();
    await this.http.close();
  }

  private authed(handler: (req: FakeRequest) => FakeResponse): (req: FakeRequest) => FakeResponse {
    return (req) => {
      if (req.query.get('api_key') !== this.secretKey)
        return failure(401, 'Unauthorized', 'Your request was made with invalid credentials.', 0);
      return handler(req);
    };
  }

  private operation(i: PlisioInvoice) {
    return {
      id: i.txn_id,
      txn_id: i.txn_id,
      type: 'invoice',
      status: i.status,
      currency: i.currency,
      source_currency: i.source_currency,
      source_rate: i.source_rate,
      amount: i.amount,
      pending_sum: i.pending_amount,
      wallet_hash: i.wallet_hash,
      created_at_utc: i.created_at_utc,
      expire_at_utc: i.expire_utc,
      params: {
        order_number: i.order_number,
        order_name: i.order_name,
        source_amount: i.source_amount,
        source_currency: i.source_currency,
        email: i.email,
      },
    };
  }

  private registerApi(): void {
    this.http.route(
      'GET',
      '/api/v1/invoices/new',
      this.authed((req) => {
        const q = req.query;
        const orderNumber = q.get('order_number');
        const orderName = q.get('order_name');
        if (!orderNumber || !orderName) return failure(422, 'Unprocessable entity', 'order_number and order_name are required', 422);
        const sourceCurrency = q.get('source_currency');
        const sourceAmount = q.get('source_amount');
        if (!sourceCurrency || !sourceAmount || !/^\d+(\.\d+)?$/.test(sourceAmount))
          return failure(422, 'Unprocessable entity', 'source_amount must be a positive number with source_currency', 422);
        if (!/^[A-Z]{3}$/.test(sourceCurrency))
          return failure(422, 'Unprocessable entity', `Unsupported source currency ${sourceCurrency}`, 422);
        if (Number(sourceAmount) < 0.5)
          return failure(422, 'Unprocessable entity', 'Amount is less than the minimum for the selected currencies', 422);
        const currency = q.get('currency') ?? 'BTC';
        const created = this.now();
        const txnId = randomBytes(12).toString('hex');
        const invoice: PlisioInvoice = {
          txn_id: txnId,
          order_number: orderNumber,
          order_name: orderName,
          description: q.get('description') ?? '',
          email: q.get('email'),
          source_currency: sourceCurrency,
          source_amount: sourceAmount,
          currency,
          amount: (Number(sourceAmount) / this.rate).toFixed(8),
          source_rate: this.rate.toFixed(2),
          status: 'new',
          pending_amount: (Number(sourceAmount) / this.rate).toFixed(8),
          confirmations: '0',
          wallet_hash: `bc1q${randomBytes(19).toString('hex')}`,
          callback_url: q.get('callback_url'),
          success_invoice_url: q.get('success_invoice_url') ?? q.get('success_callback_url'),
          fail_invoice_url: q.get('fail_invoice_url') ?? q.get('fail_callback_url'),
          created_at_utc: created,
          expire_utc: created + Number(q.get('expire_min') ?? 1440) * 60,
        };
        this.invoices.set(txnId, invoice);
        return envelope({ txn_id: txnId, invoice_url: `${this.url}/invoice/${txnId}` });
      }),
    );
    this.http.route(
      'GET',
      '/api/v1/operations/:id',
      this.authed((req) => {
        const invoice = this.invoices.get(req.params.id!);
        return invoice ? envelope(this.operation(invoice)) : failure(404, 'Not Found', `Operation ${req.params.id} not found`, 404);
      }),
    );
    this.http.route(
      'GET',
      '/api/v1/operations',
      this.authed((req) => {
        const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 20) || 20));
        const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
        const type = req.query.get('type');
        const all = [...this.invoices.values()].filter(() => !type || type === 'invoice').reverse();
        const pageCount = Math.max(1, Math.ceil(all.length / limit));
        return envelope({
          operations: all.slice((page - 1) * limit, page * limit).map((i) => this.operation(i)),
          _links: { self: { href: `${this.url}/api/v1/operations?page=${page}` } },
          _meta: { totalCount: all.length, pageCount, currentPage: page, perPage: limit },
        });
      }),
    );
    this.http.route(
      'GET',
      '/api/v1/currencies',
      this.authed(() =>
        envelope(
          ['BTC', 'ETH', 'LTC', 'USDT_TRX'].map((cid) => ({
            name: cid,
            cid,
            currency: cid.split('_')[0],
            icon: `https://plisio.net/img/psys-icon/${cid}.svg`,
            rate_usd: cid === 'BTC' ? String(this.rate) : '1',
            precision: 8,
            fiat: 'USD',
            hidden: 0,
            maintenance: false,
          })),
        ),
      ),
    );
  }

  private registerPages(): void {
    this.http.route('GET', '/invoice/:id', (req) => {
      const i = this.invoices.get(req.params.id!);
      if (!i) return text(404, 'Fake Plisio: no such invoice');
      if (i.status !== 'new' && i.status !== 'pending')
        return text(200, `<!doctype html><p>This invoice is ${escape(i.status)}.</p>`, 'text/html; charset=utf-8');
      return text(
        200,
        `<!doctype html><html><head><meta charset="utf-8"><title>Fake Plisio invoice</title></head><body>
<h1>Fake Plisio invoice</h1><p>${escape(i.order_name)}: ${escape(i.source_amount)} ${escape(i.source_currency)} = ${escape(i.amount)} ${escape(i.currency)}</p>
<p>Send to ${escape(i.wallet_hash)}</p>
<form method="post" action="/invoice/${escape(i.txn_id)}">
<button type="submit" name="choice" value="pay">Pay</button>
<button type="submit" name="choice" value="overpay">Pay too much</button>
<button type="submit" name="choice" value="partial">Pay partly</button>
<button type="submit" name="choice" value="cancel">Cancel</button>
</form></body></html>`,
        'text/html; charset=utf-8',
      );
    });
    this.http.route('POST', '/invoice/:id', (req) => {
      const i = this.invoices.get(req.params.id!);
      if (!i) return text(404, 'Fake Plisio: no such invoice');
      const choice = ((req.body ?? {}) as Record<string, string>).choice;
      if (choice === 'cancel') {
        if (i.status === 'new') this.setStatus(i.txn_id, 'cancelled');
        return i.fail_invoice_url ? redirect(i.fail_invoice_url) : text(200, 'Cancelled');
      }
      if (choice === 'partial') {
        this.setStatus(i.txn_id, 'pending', { paidCoins: (Number(i.amount) / 2).toFixed(8) });
        return redirect(`/invoice/${i.txn_id}`);
      }
      // Coins seen (pending), then confirmed: two callbacks, as on a real chain.
      this.setStatus(i.txn_id, 'pending');
      this.setStatus(i.txn_id, choice === 'overpay' ? 'mismatch' : 'completed');
      return i.success_invoice_url ? redirect(i.success_invoice_url) : text(200, 'Paid');
    });
  }

  private registerControl(): void {
    const guarded = (fn: () => unknown): FakeResponse => {
      try {
        return json(200, fn() ?? {});
      } catch (error) {
        return json(400, { error: (error as Error).message });
      }
    };
    const body = <T>(raw: unknown): T => (raw ?? {}) as T;
    const view = (d: PlisioDelivery) => ({
      id: d.id,
      txnId: d.txnId,
      status: d.status,
      state: d.state,
      attempts: d.attempts,
      corrupted: d.corrupted,
    });
    this.http.route('GET', '/__control/state', () =>
      json(200, {
        invoices: [...this.invoices.values()],
        callbacks: { url: this.callbacks.overrideUrl, hold: this.callbacks.hold, delayMs: this.callbacks.delayMs },
      }),
    );
    this.http.route('POST', '/__control/invoices/:id/status', (req) =>
      guarded(() => {
        const b = body<{ status: PlisioFakeStatus; paidCoins?: string }>(req.body);
        const d = this.setStatus(req.params.id!, b.status, b.paidCoins ? { paidCoins: b.paidCoins } : {});
        return d ? view(d) : {};
      }),
    );
    this.http.route('POST', '/__control/callbacks', (req) =>
      guarded(() => {
        this.callbacks.configure(body<{ url?: string | null; hold?: boolean; delayMs?: number }>(req.body));
        return { url: this.callbacks.overrideUrl, hold: this.callbacks.hold, delayMs: this.callbacks.delayMs };
      }),
    );
    this.http.route('POST', '/__control/clock', (req) =>
      guarded(() => {
        this.offsetMs += body<{ advanceMs?: number }>(req.body).advanceMs ?? 0;
        return { now: this.now() };
      }),
    );
    this.http.route('GET', '/__control/deliveries', () => json(200, this.callbacks.deliveries.map(view)));
    this.http.route('POST', '/__control/deliveries/release', (req) =>
      guarded(() => this.callbacks.release(body<{ order?: 'sent' | 'reverse' | 'shuffle' }>(req.body).order ?? 'sent').map(view)),
    );
    this.http.route('POST', '/__control/deliveries/corrupt', (req) =>
      guarded(() => {
        const b = body<{ mode?: PlisioCorruption; times?: number }>(req.body);
        this.callbacks.corrupt(b.mode ?? 'hash', b.times ?? 1);
      }),
    );
    this.http.route('POST', '/__control/deliveries/:id/replay', (req) =>
      guarded(() => {
        const b = body<{ times?: number; corrupt?: PlisioCorruption }>(req.body);
        return this.callbacks.replay(req.params.id!, b.times ?? 1, b.corrupt).map(view);
      }),
    );
  }
}

export async function startPlisioFake(options: PlisioFakeOptions = {}): Promise<PlisioFake> {
  const fake = new PlisioFake(options);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}
