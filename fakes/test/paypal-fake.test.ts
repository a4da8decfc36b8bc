import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayPalFake, type PayPalFake } from '../src/paypal/paypal-fake.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; event_type: string; summary: string; resource: { id: string } };
  at: number;
}

let fake: PayPalFake;
let receiver: Server;
const received: Received[] = [];
let token: string;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const authed = (path: string, init: RequestInit = {}) =>
  fetch(`${fake.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function newToken(): Promise<string> {
  const res = await fetch(`${fake.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic(fake.clientId, fake.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function approvedOrder(value = '5.00'): Promise<string> {
  const order = (await (
    await authed('/v2/checkout/orders', {
      method: 'POST',
      body: JSON.stringify({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'USD', value } }] }),
    })
  ).json()) as { id: string };
  await post(`/__control/orders/${order.id}/approve`, {});
  return order.id;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, event: JSON.parse(body) as Received['event'], at: Date.now() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  fake = await startPayPalFake({
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    plans: [{ id: 'P-1', currency: 'USD', value: '9.99' }],
  });
  token = await newToken();
});
afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('PayPal fake: OAuth and errors on the wire', () => {
  it('issues tokens only for Basic credentials and a form body', async () => {
    const call = (headers: Record<string, string>, body = 'grant_type=client_credentials') =>
      fetch(`${fake.url}/v1/oauth2/token`, { method: 'POST', headers, body });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const bad = await call({ ...form, authorization: basic(fake.clientId, 'nope') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
    expect((await call({ 'content-type': 'application/json', authorization: basic(fake.clientId, fake.clientSecret) }, '{}')).status).toBe(
      400,
    );
    const wrongGrant = await call({ ...form, authorization: basic(fake.clientId, fake.clientSecret) }, 'grant_type=password');
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const ok = await call({ ...form, authorization: basic(fake.clientId, fake.clientSecret) });
    expect(Object.keys((await ok.json()) as object).sort()).toEqual([
      'access_token',
      'app_id',
      'expires_in',
      'nonce',
      'scope',
      'token_type',
    ]);
  });

  it('answers REST calls without a token with AUTHENTICATION_FAILURE and with an expired one with invalid_token', async () => {
    const none = await fetch(`${fake.url}/v1/billing/plans/P-1`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({
      name: 'AUTHENTICATION_FAILURE',
      message: expect.stringContaining('Authentication failed') as unknown,
    });
    const old = await newToken();
    fake.state.advance(32_401_000);
    try {
      const expired = await fetch(`${fake.url}/v1/billing/plans/P-1`, { headers: { authorization: `Bearer ${old}` } });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ error: 'invalid_token' });
    } finally {
      fake.state.advance(-32_401_000);
    }
  });

  it('shapes orders with HATEOAS links and refuses decimals a currency does not have', async () => {
    const created = await authed('/v2/checkout/orders', {
      method: 'POST',
      body: JSON.stringify({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'USD', value: '1.00' } }] }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { status: string; links: { rel: string; method: string }[] };
    expect(order.status).toBe('CREATED');
    expect(order.links.map((l) => `${l.rel}:${l.method}`)).toEqual(['self:GET', 'approve:GET', 'update:PATCH', 'capture:POST']);
    const yen = await authed('/v2/checkout/orders', {
      method: 'POST',
      body: JSON.stringify({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'JPY', value: '10.5' } }] }),
    });
    expect(yen.status).toBe(422);
    expect(await yen.json()).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'DECIMAL_PRECISION' }] });
    const missing = await authed('/v2/checkout/orders/NOPE');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      name: 'RESOURCE_NOT_FOUND',
      debug_id: expect.any(String) as unknown,
      details: [{ issue: 'INVALID_RESOURCE_ID', location: 'path' }],
      links: [{ rel: 'information_link' }],
    });
  });

  it('cancels an active subscription with 204 and refuses a second cancel with SUBSCRIPTION_STATUS_INVALID', async () => {
    const sub = (await (
      await authed('/v1/billing/subscriptions', { method: 'POST', body: JSON.stringify({ plan_id: 'P-1' }) })
    ).json()) as { id: string; status: string };
    expect(sub.status).toBe('APPROVAL_PENDING');
    const cancel = () => authed(`/v1/billing/subscriptions/${sub.id}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'test' }) });
    expect((await cancel()).status).toBe(422);
    await post(`/__control/subscriptions/${sub.id}/approve`, {});
    const first = await cancel();
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    const second = await cancel();
    expect(second.status).toBe(422);
    expect(await second.json()).toMatchObject({ details: [{ issue: 'SUBSCRIPTION_STATUS_INVALID' }] });
  });

  it('limits the Reporting API to 31 days and prints its dates with a colon-less offset', async () => {
    const search = (start: string, end: string) => authed(`/v1/reporting/transactions?start_date=${start}&end_date=${end}&fields=all`);
    const wide = await search('2026-01-01T00:00:00Z', '2026-02-02T00:00:00Z');
    expect(wide.status).toBe(400);
    expect(await wide.json()).toMatchObject({ name: 'INVALID_REQUEST', details: [{ issue: 'INVALID_DATE_RANGE' }] });
    expect((await authed('/v1/reporting/transactions?start_date=2026-01-01T00:00:00Z')).status).toBe(400);
    fake.seedTransactions([{ time: '2026-01-05T10:00:00Z', amount: { currency_code: 'USD', value: '3.00' }, email: 'r@example.com' }]);
    const body = (await (await search('2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z')).json()) as {
      transaction_details: { transaction_info: Record<string, unknown>; payer_info: Record<string, unknown> }[];
    };
    expect(body.transaction_details[0]!.transaction_info).toMatchObject({
      transaction_initiation_date: '2026-01-05T10:00:00+0000',
      transaction_amount: { value: '3.00' },
      fee_amount: { value: expect.stringMatching(/^-/) as unknown },
    });
    expect(body.transaction_details[0]!.payer_info).toMatchObject({ email_address: 'r@example.com' });
  });

  it('answers NVP URL-encoded, with ACK=Failure for wrong credentials', async () => {
    const nvp = (fields: Record<string, string>) =>
      fetch(fake.nvpUrl, {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const { user, password, signature } = fake.state.nvp;
    const bad = new URLSearchParams(
      await (
        await nvp({ USER: user, PWD: 'x', SIGNATURE: signature, METHOD: 'TransactionSearch', STARTDATE: '2026-01-01T00:00:00Z' })
      ).text(),
    );
    expect(bad.get('ACK')).toBe('Failure');
    expect(bad.get('L_ERRORCODE0')).toBe('10002');
    const ok = new URLSearchParams(
      await (
        await nvp({
          USER: user,
          PWD: password,
          SIGNATURE: signature,
          VERSION: '204',
          METHOD: 'TransactionSearch',
          STARTDATE: '2026-01-05T00:00:00Z',
          ENDDATE: '2026-01-06T00:00:00Z',
        })
      ).text(),
    );
    expect(ok.get('ACK')).toBe('Success');
    expect(ok.get('L_AMT0')).toBe('3.00');
    expect(ok.get('L_FEEAMT0')).toMatch(/^-0\.\d\d$/);
    expect(ok.get('L_TRANSACTIONID1')).toBeNull();
  });
});

describe('PayPal fake: webhook deliveries and /__control', () => {
  const verify = (d: Received, overrides: Record<string, unknown> = {}) =>
    authed('/v1/notifications/verify-webhook-signature', {
      method: 'POST',
      body: JSON.stringify({
        auth_algo: d.headers['paypal-auth-algo'],
        cert_url: d.headers['paypal-cert-url'],
        transmission_id: d.headers['paypal-transmission-id'],
        transmission_sig: d.headers['paypal-transmission-sig'],
        transmission_time: d.headers['paypal-transmission-time'],
        webhook_id: fake.webhookId,
        webhook_event: JSON.parse(d.body) as unknown,
        ...overrides,
      }),
    }).then(async (r) => ((await r.json()) as { verification_status: string }).verification_status);

  it('holds deliveries and releases them in reverse', async () => {
    await post('/__control/webhooks', { hold: true });
    const a = await approvedOrder();
    const b = await approvedOrder();
    const before = received.length;
    const released = (await (await post('/__control/deliveries/release', { order: 'reverse' })).json()) as { eventType: string }[];
    expect(released).toHaveLength(2);
    await post('/__control/webhooks', { hold: false });
    await fake.webhooks.idle();
    expect(received.slice(before).map((d) => d.event.resource.id)).toEqual([b, a]);
    expect(await verify(received.at(-1)!)).toBe('SUCCESS');
  });

  it('delays deliveries', async () => {
    await post('/__control/webhooks', { delayMs: 300 });
    const started = Date.now();
    const before = received.length;
    await approvedOrder();
    await fake.webhooks.idle();
    await post('/__control/webhooks', { delayMs: 0 });
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.at - started).toBeGreaterThanOrEqual(290);
  });

  it('corrupts the next deliveries so verification fails', async () => {
    await post('/__control/deliveries/corrupt', { mode: 'body', times: 1 });
    await approvedOrder();
    await post('/__control/deliveries/corrupt', { mode: 'signature', times: 1 });
    await approvedOrder();
    await approvedOrder();
    await fake.webhooks.idle();
    const [tampered, forged, fine] = received.slice(-3);
    expect(tampered!.event.summary).toContain('tampered');
    expect(await verify(tampered!)).toBe('FAILURE');
    expect(await verify(forged!)).toBe('FAILURE');
    expect(await verify(fine!)).toBe('SUCCESS');
    expect(await verify(fine!, { webhook_id: 'WH-SOMEONE-ELSE' })).toBe('FAILURE');
    const missing = await authed('/v1/notifications/verify-webhook-signature', {
      method: 'POST',
      body: JSON.stringify({ webhook_id: fake.webhookId }),
    });
    expect(missing.status).toBe(400);
  });

  it('replays a delivery as several concurrent duplicates with the same event id', async () => {
    await approvedOrder();
    await fake.webhooks.idle();
    const original = received.at(-1)!;
    const before = received.length;
    const copies = (await (
      await post(`/__control/deliveries/${String(original.headers['paypal-transmission-id'])}/replay`, { times: 4 })
    ).json()) as unknown[];
    expect(copies).toHaveLength(4);
    await fake.webhooks.idle();
    const dupes = received.slice(before);
    expect(dupes.map((d) => d.event.id)).toEqual(Array(4).fill(original.event.id));
    expect(dupes.every((d) => d.body === original.body)).toBe(true);
    const list = (await (await fetch(`${fake.url}/__control/deliveries`)).json()) as { transmissionId: string; state: string }[];
    expect(list.filter((d) => d.transmissionId === original.headers['paypal-transmission-id']).every((d) => d.state === 'delivered')).toBe(
      true,
    );
  });

  it('advances a subscription cycle with a new sale, and can expire it', async () => {
    const sub = (await (
      await authed('/v1/billing/subscriptions', { method: 'POST', body: JSON.stringify({ plan_id: 'P-1', custom_id: 'm-1' }) })
    ).json()) as { id: string };
    await post(`/__control/subscriptions/${sub.id}/approve`, { email: 'cycle@example.com' });
    const cycled = (await (await post(`/__control/subscriptions/${sub.id}/cycle`, {})).json()) as { cyclesCompleted: number };
    expect(cycled.cyclesCompleted).toBe(2);
    await post(`/__control/subscriptions/${sub.id}/status`, { status: 'EXPIRED' });
    await fake.webhooks.idle();
    const mine = received.filter((d) => JSON.stringify(d.event.resource).includes(sub.id)).map((d) => d.event.event_type);
    expect(mine).toEqual([
      'BILLING.SUBSCRIPTION.ACTIVATED',
      'PAYMENT.SALE.COMPLETED',
      'PAYMENT.SALE.COMPLETED',
      'BILLING.SUBSCRIPTION.EXPIRED',
    ]);
    const state = (await (await fetch(`${fake.url}/__control/state`)).json()) as { subscriptions: { id: string; status: string }[] };
    expect(state.subscriptions.find((s) => s.id === sub.id)!.status).toBe('EXPIRED');
  });

  it('serves approval pages with Pay and Cancel, and 404 for unknown tokens', async () => {
    const order = (await (
      await authed('/v2/checkout/orders', {
        method: 'POST',
        body: JSON.stringify({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'USD', value: '2.00' } }] }),
      })
    ).json()) as { links: { rel: string; href: string }[] };
    const html = await (await fetch(order.links.find((l) => l.rel === 'approve')!.href)).text();
    expect(html).toContain('Pay 2.00 USD');
    expect(html).toMatch(/value="pay">Pay<\/button>[\s\S]*value="cancel">Cancel<\/button>/);
    expect((await fetch(`${fake.url}/checkoutnow?token=NOPE`)).status).toBe(404);
    expect((await fetch(`${fake.url}/webapps/billing/subscriptions?ba_token=BA-NOPE`)).status).toBe(404);
  });
});
