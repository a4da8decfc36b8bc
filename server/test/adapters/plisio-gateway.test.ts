import { createHmac } from 'node:crypto';
import { PLISIO_STATUSES, startPlisioFake, type PlisioFake } from '@usher/fakes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';
import { isPlisioPaid, PlisioGateway, plisioApiUrl, verifyPlisioHash } from '../../src/adapters/payment/plisio/plisio-gateway.js';
import type { GatewayEvent, OneOffCheckout } from '../../src/ports/payment-gateway.js';
import { RawWebhookReceiver } from './support/webhook-receiver.js';

let fake: PlisioFake;
let receiver: RawWebhookReceiver;

beforeAll(async () => {
  receiver = new RawWebhookReceiver('/api/webhooks/plisio');
  await receiver.listen();
  fake = await startPlisioFake();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});
beforeEach(async () => {
  await fake.callbacks.idle();
  fake.callbacks.configure({ hold: false, delayMs: 0 });
  fake.http.clearFaults();
  receiver.clear();
});

const gateway = (overrides: Partial<ConstructorParameters<typeof PlisioGateway>[0]> = {}) =>
  new PlisioGateway({ secretKey: fake.secretKey, apiUrl: fake.url, callbackUrl: receiver.url, retries: 0, ...overrides });

const checkout = (overrides: Partial<OneOffCheckout> = {}): OneOffCheckout => ({
  mode: 'one_off',
  reference: 'chk_p1',
  amount: { amountMinor: 999, currency: 'USD' },
  itemName: 'Monthly access',
  successUrl: 'https://usher.example/pay/plisio/return',
  cancelUrl: 'https://usher.example/pay/plisio/cancel',
  email: 'crypto@example.com',
  ...overrides,
});

async function events(g: PlisioGateway): Promise<GatewayEvent[]> {
  await fake.callbacks.idle();
  const out: GatewayEvent[] = [];
  for (const d of receiver.received) {
    const v = await g.verifyWebhook(d.rawBody, d.headers);
    if (!v.ok) throw new Error(v.reason);
    out.push(...v.events);
  }
  return out;
}

async function integrationError(p: Promise<unknown>): Promise<IntegrationError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

describe('Plisio invoices', () => {
  it('takes its address from PLISIO_API_URL only when set', () => {
    expect(plisioApiUrl({})).toBe('https://api.plisio.net');
    expect(plisioApiUrl({ PLISIO_API_URL: 'http://127.0.0.1:8098' })).toBe('http://127.0.0.1:8098');
  });

  it('creates an invoice in major units of the site currency with a json=true callback', async () => {
    const session = await gateway().createCheckout(checkout({ amount: { amountMinor: 1000, currency: 'JPY' } }));
    const invoice = fake.invoices.get(session.externalId)!;
    expect(invoice).toMatchObject({
      order_number: 'chk_p1',
      source_amount: '1000',
      source_currency: 'JPY',
      status: 'new',
      email: 'crypto@example.com',
    });
    expect(invoice.callback_url).toBe(`${receiver.url}?json=true`);
    expect(session.redirectUrl).toBe(`${fake.url}/invoice/${session.externalId}`);
    // Only white-label shops get expire_utc back; a hosted invoice has its own timer.
    expect(session.expiresAt).toBeNull();
  });

  it('refuses recurring checkouts: Plisio is one-off only', async () => {
    const error = await integrationError(
      gateway().createCheckout({ mode: 'recurring', reference: 'r', gatewayPlanId: 'x', successUrl: 'https://x', cancelUrl: 'https://x' }),
    );
    expect(error.reason).toBe('plisio_recurring_unsupported');
  });

  it('explains a wrong secret key without echoing it', async () => {
    const error = await integrationError(gateway({ secretKey: 'wrong-secret-key-123' }).createCheckout(checkout()));
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(error.fix).toMatch(/secret key/i);
    expect(error.message).not.toContain('wrong-secret-key-123');
    expect(error.message).toMatch(/Unauthorized/);
  });

  it('explains an amount below the minimum', async () => {
    const error = await integrationError(gateway().createCheckout(checkout({ amount: { amountMinor: 10, currency: 'USD' } })));
    expect(error).toMatchObject({ kind: 'rejected', status: 422, retryable: false });
    expect(error.fix).toMatch(/minimum/);
  });

  it('a 503 is retryable', async () => {
    fake.http.fail(
      'GET /api/v1/invoices/new',
      1,
      503,
      JSON.stringify({ status: 'error', data: { name: 'Service Unavailable', message: 'maintenance', code: 503 } }),
    );
    const error = await integrationError(gateway().createCheckout(checkout()));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, status: 503 });
  });

  it('tests credentials by listing the enabled coins', async () => {
    const check = await gateway().testCredentials();
    expect(check.details[0]).toMatch(/4 cryptocurrencies enabled: BTC/);
    await integrationError(gateway({ secretKey: 'nope' }).testCredentials());
  });
});

describe('Plisio callbacks', () => {
  it('paying on the hosted page sends pending then completed, both verified, keyed by txn id and status', async () => {
    const g = gateway();
    const session = await g.createCheckout(checkout());
    const res = await fetch(session.redirectUrl, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ choice: 'pay' }) });
    expect(res.headers.get('location')).toBe('https://usher.example/pay/plisio/return');
    const got = await events(g);
    expect(got.map((e) => [e.eventId, e.type])).toEqual([
      [`${session.externalId}:pending`, 'payment.pending'],
      [`${session.externalId}:completed`, 'payment.succeeded'],
    ]);
    expect(got[1]).toMatchObject({ transactionId: session.externalId, reference: 'chk_p1', amount: { amountMinor: 999, currency: 'USD' } });
  });

  it('maps every status; paid is completed or mismatch', async () => {
    const g = gateway();
    const session = await g.createCheckout(checkout());
    for (const status of PLISIO_STATUSES) fake.setStatus(session.externalId, status);
    const got = await events(g);
    expect(Object.fromEntries(got.map((e) => [e.gatewayType, e.type]))).toEqual({
      new: 'ignored',
      pending: 'payment.pending',
      'pending internal': 'payment.pending',
      completed: 'payment.succeeded',
      mismatch: 'payment.succeeded',
      expired: 'checkout.failed',
      cancelled: 'checkout.failed',
      'cancelled duplicate': 'checkout.failed',
      error: 'payment.failed',
    });
    expect(PLISIO_STATUSES.filter(isPlisioPaid)).toEqual(['completed', 'mismatch']);
  });

  it('refuses a wrong hash, a changed field and a re-ordered body', async () => {
    const g = gateway();
    for (const mode of ['hash', 'body', 'reorder'] as const) {
      receiver.clear();
      const session = await g.createCheckout(checkout());
      fake.callbacks.corrupt(mode);
      fake.setStatus(session.externalId, 'completed');
      await fake.callbacks.idle();
      const v = await g.verifyWebhook(receiver.received[0]!.rawBody, receiver.received[0]!.headers);
      expect(v.ok, mode).toBe(false);
    }
  });

  it('refuses non-JSON and a callback signed with another key', async () => {
    const g = gateway();
    expect(await g.verifyWebhook('txn_id=1&status=completed', {})).toMatchObject({ ok: false });
    const payload = { status: 'completed', txn_id: 'abc' };
    const forged = { ...payload, verify_hash: createHmac('sha1', 'other-key').update(JSON.stringify(payload)).digest('hex') };
    expect(await g.verifyWebhook(JSON.stringify(forged), {})).toMatchObject({ ok: false, reason: 'verify_hash does not match' });
    const genuine = { ...payload, verify_hash: createHmac('sha1', fake.secretKey).update(JSON.stringify(payload)).digest('hex') };
    expect((await g.verifyWebhook(JSON.stringify(genuine), {})).ok).toBe(true);
  });

  it('hashes the keys in the order received, not sorted', () => {
    const payload = { txn_id: 'z', amount: '1' };
    const hash = createHmac('sha1', 'k').update(JSON.stringify(payload)).digest('hex');
    expect(verifyPlisioHash({ ...payload, verify_hash: hash }, 'k')).toBe(true);
    expect(verifyPlisioHash({ amount: '1', txn_id: 'z', verify_hash: hash }, 'k')).toBe(false);
    expect(verifyPlisioHash({ ...payload, verify_hash: 'short' }, 'k')).toBe(false);
  });

  it('duplicate deliveries keep the same event id', async () => {
    const g = gateway();
    const session = await g.createCheckout(checkout());
    const first = fake.setStatus(session.externalId, 'completed')!;
    fake.callbacks.replay(first.id, 5);
    const got = await events(g);
    expect(got).toHaveLength(6);
    expect(new Set(got.map((e) => e.eventId))).toEqual(new Set([`${session.externalId}:completed`]));
  });
});

describe('Plisio listing and unsupported calls', () => {
  it('reads every page of invoices in the window', async () => {
    const g = gateway();
    const since = new Date(Date.now() - 1000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await g.createCheckout(checkout({ reference: `list_${i}` }))).externalId);
    fake.setStatus(ids[1]!, 'completed');
    fake.http.resetCounts();
    const rows = await g.listTransactions(since, new Date(Date.now() + 5000));
    for (const id of ids) expect(rows.map((r) => r.transactionId)).toContain(id);
    expect(rows.find((r) => r.transactionId === ids[1])).toMatchObject({
      status: 'succeeded',
      reference: 'list_1',
      amount: { amountMinor: 999, currency: 'USD' },
    });
    expect(rows.find((r) => r.transactionId === ids[0])!.status).toBe('pending');
    expect(await g.listTransactions(new Date(Date.now() + 60_000))).toEqual([]);
  });

  it('a failed page stops the listing with a retryable error', async () => {
    fake.http.fail(
      'GET /api/v1/operations',
      1,
      500,
      JSON.stringify({ status: 'error', data: { name: 'Internal Server Error', message: 'db down', code: 500 } }),
    );
    const error = await integrationError(gateway().listTransactions(new Date(0)));
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, reason: 'plisio_500' });
    expect(error.message).toMatch(/db down/);
  });

  it('has no refunds and no portal', async () => {
    const error = await integrationError(gateway().refund());
    expect(error.reason).toBe('gateway_refund_unsupported');
    expect(await gateway().customerPortalUrl()).toBeNull();
  });
});
