import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlisioFake, type PlisioFake } from '../src/plisio/plisio-fake.js';

let fake: PlisioFake;
let receiver: Server;
let hookUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/plisio`;
  fake = await startPlisioFake({ secretKey: 'plisio-secret' });
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  await fake.callbacks.idle();
  fake.callbacks.configure({ hold: false, delayMs: 0, url: null });
  received.length = 0;
});

const api = async (path: string, params: Record<string, string>, key = 'plisio-secret') => {
  const res = await fetch(`${fake.url}${path}?${new URLSearchParams({ ...params, api_key: key })}`);
  return { status: res.status, body: (await res.json()) as { status: string; data: Record<string, unknown> } };
};
const control = (path: string, body: unknown = {}) =>
  fetch(`${fake.url}/__control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function newInvoice(json = true): Promise<string> {
  const { body } = await api('/api/v1/invoices/new', {
    order_number: `o-${Math.random()}`,
    order_name: 'Month',
    source_currency: 'USD',
    source_amount: '9.99',
    callback_url: json ? `${hookUrl}?json=true` : hookUrl,
  });
  return body.data.txn_id as string;
}

describe('Plisio fake: API envelope', () => {
  it('answers success with data and the invoice URL', async () => {
    const { status, body } = await api('/api/v1/invoices/new', {
      order_number: '1',
      order_name: 'x',
      source_currency: 'USD',
      source_amount: '5',
    });
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.invoice_url).toBe(`${fake.url}/invoice/${body.data.txn_id as string}`);
  });

  it('answers errors as status "error" with name, message and code', async () => {
    const bad = await api(
      '/api/v1/invoices/new',
      { order_number: '1', order_name: 'x', source_currency: 'USD', source_amount: '5' },
      'wrong',
    );
    expect(bad).toEqual({
      status: 401,
      body: { status: 'error', data: { name: 'Unauthorized', message: 'Your request was made with invalid credentials.', code: 0 } },
    });
    const invalid = await api('/api/v1/invoices/new', { order_number: '1', order_name: 'x', source_currency: 'USD', source_amount: 'ten' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.data).toMatchObject({ name: 'Unprocessable entity', code: 422 });
  });

  it('pages operations with _meta', async () => {
    for (let i = 0; i < 3; i++) await newInvoice();
    const { body } = await api('/api/v1/operations', { type: 'invoice', limit: '2', page: '1' });
    const meta = body.data._meta as { totalCount: number; pageCount: number; currentPage: number; perPage: number };
    expect(meta.perPage).toBe(2);
    expect(meta.pageCount).toBe(Math.ceil(meta.totalCount / 2));
    expect((body.data.operations as unknown[]).length).toBe(2);
    const one = (body.data.operations as { txn_id: string }[])[0]!;
    const { body: single } = await api(`/api/v1/operations/${one.txn_id}`, {});
    expect(single.data).toMatchObject({ txn_id: one.txn_id, type: 'invoice', status: 'new' });
  });
});

describe('Plisio fake: callbacks', () => {
  it('signs JSON callbacks over the alphabetical payload without verify_hash, all values strings', async () => {
    const txn = await newInvoice();
    await control(`/invoices/${txn}/status`, { status: 'completed' });
    await fake.callbacks.idle();
    const [delivery] = received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(delivery!.body) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual([...Object.keys(payload)].sort());
    for (const v of Object.values(payload)) expect(typeof v).toBe('string');
    const { verify_hash: hash, ...rest } = payload;
    expect(createHmac('sha1', 'plisio-secret').update(JSON.stringify(rest)).digest('hex')).toBe(hash);
    expect(payload).toMatchObject({ txn_id: txn, status: 'completed', source_amount: '9.99', source_currency: 'USD', ipn_type: 'invoice' });
  });

  it('sends form callbacks when the callback URL lacks json=true', async () => {
    const txn = await newInvoice(false);
    fake.setStatus(txn, 'expired');
    await fake.callbacks.idle();
    expect(received[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(received[0]!.body).get('status')).toBe('expired');
  });

  it('the hosted page pays (pending, then completed), overpays (mismatch) or cancels', async () => {
    const paid = await newInvoice();
    const page = await fetch(`${fake.url}/invoice/${paid}`);
    expect(await page.text()).toContain('9.99 USD');
    await fetch(`${fake.url}/invoice/${paid}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ choice: 'pay' }) });
    const over = await newInvoice();
    await fetch(`${fake.url}/invoice/${over}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ choice: 'overpay' }) });
    const cancelled = await newInvoice();
    await fetch(`${fake.url}/invoice/${cancelled}`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ choice: 'cancel' }),
    });
    await fake.callbacks.idle();
    const seen = received.map((r) => JSON.parse(r.body) as { txn_id: string; status: string }).map((p) => [p.txn_id, p.status]);
    expect(seen).toEqual([
      [paid, 'pending'],
      [paid, 'completed'],
      [over, 'pending'],
      [over, 'mismatch'],
      [cancelled, 'cancelled'],
    ]);
  });

  it('holds, releases reversed, replays and delays through /__control', async () => {
    const txn = await newInvoice();
    await control('/callbacks', { hold: true });
    await control(`/invoices/${txn}/status`, { status: 'pending' });
    await control(`/invoices/${txn}/status`, { status: 'completed' });
    expect(received).toEqual([]);
    await control('/deliveries/release', { order: 'reverse' });
    await fake.callbacks.idle();
    expect(received.map((r) => (JSON.parse(r.body) as { status: string }).status)).toEqual(['completed', 'pending']);
    const list = (await (await fetch(`${fake.url}/__control/deliveries`)).json()) as { id: string; status: string }[];
    received.length = 0;
    await control('/callbacks', { hold: false, delayMs: 100 });
    const started = Date.now();
    await control(`/deliveries/${list.find((d) => d.status === 'completed')!.id}/replay`, { times: 3 });
    await fake.callbacks.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });

  it('refuses an unknown status on the control surface', async () => {
    const txn = await newInvoice();
    const res = await control(`/invoices/${txn}/status`, { status: 'paid' });
    expect(res.status).toBe(400);
  });
});
