import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStripeForm } from '../src/stripe/form.js';
import {
  STRIPE_FAKE_API_VERSION,
  type ChargeWire,
  type InvoiceWire,
  type PaymentIntentWire,
  type RefundWire,
  type SessionWire,
  type SubscriptionWire,
} from '../src/stripe/state.js';
import { startStripeFake, type StripeFake } from '../src/stripe/stripe-fake.js';
import type { StripeEventWire } from '../src/stripe/webhooks.js';

/**
 * Every field the fake sends must have the type the pinned SDK declares for it: assigning the
 * fake's wire types to a deep-partial of the SDK's types makes `tsc -p fakes` fail on a wrong
 * name's type, a wrong enum value or a number sent as a string.
 */
type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
type Conforms<Fake, Sdk> = Fake extends DeepPartial<Sdk> ? true : false;
const conforms = <T extends true>(value: T) => value;
conforms<Conforms<SessionWire, Stripe.Checkout.Session>>(true);
conforms<Conforms<PaymentIntentWire, Stripe.PaymentIntent>>(true);
conforms<Conforms<ChargeWire, Stripe.Charge>>(true);
conforms<Conforms<InvoiceWire, Stripe.Invoice>>(true);
conforms<Conforms<SubscriptionWire, Stripe.Subscription>>(true);
conforms<Conforms<RefundWire, Stripe.Refund>>(true);
// `type` is any event name in the fake and a union of literals in the SDK, so it is left out.
conforms<Conforms<Omit<StripeEventWire, 'data' | 'type'>, Omit<Stripe.Event, 'data' | 'type'>>>(true);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let fake: StripeFake;
let receiver: Server;
const received: Received[] = [];
let stripe: Stripe;

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
  fake = await startStripeFake({
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    prices: [{ id: 'price_monthly', unitAmount: 999, currency: 'usd', interval: 'month', nickname: 'Monthly' }],
  });
  stripe = new Stripe(fake.secretKey, { ...fake.endpoint, apiVersion: Stripe.API_VERSION, maxNetworkRetries: 0, telemetry: false });
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  await fake.webhooks.idle();
  fake.webhooks.configure({ hold: false, delayMs: 0 });
  received.length = 0;
});

const raw = (path: string, init: RequestInit = {}, key = fake.secretKey) =>
  fetch(`${fake.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...(init.headers as Record<string, string>),
    },
  });
const control = (path: string, body: unknown = {}) =>
  fetch(`${fake.url}/__control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const eventsOf = () => received.map((r) => JSON.parse(r.body) as StripeEventWire);

async function paidSession(email = 'a@example.com'): Promise<Stripe.Checkout.Session> {
  const s = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://usher.example/ok?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://usher.example/cancel',
    client_reference_id: 'ref-1',
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 1234, product_data: { name: 'Month' } } }],
    payment_intent_data: { metadata: { usher_reference: 'ref-1' } },
    customer_email: email,
  });
  const res = await control(`/sessions/${s.id}/pay`, { email });
  expect(res.status).toBe(200);
  await fake.webhooks.idle();
  return stripe.checkout.sessions.retrieve(s.id);
}

describe('Stripe fake: wire format', () => {
  it('speaks the API version the pinned SDK sends', async () => {
    expect(STRIPE_FAKE_API_VERSION).toBe(Stripe.API_VERSION);
    await stripe.balance.retrieve();
    expect(fake.apiVersions).toContain(Stripe.API_VERSION);
  });

  it('parses bracket-nested form bodies as the SDK encodes them', () => {
    const parsed = parseStripeForm(
      'mode=payment&line_items[0][price_data][currency]=usd&line_items[0][quantity]=1&line_items[1][price]=p&metadata[a]=b&expand[]=x&expand[]=y',
    );
    expect(parsed).toEqual({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd' }, quantity: '1' }, { price: 'p' }],
      metadata: { a: 'b' },
      expand: ['x', 'y'],
    });
  });

  it("answers a wrong key 401 in Stripe's error envelope, the key masked", async () => {
    const res = await raw('/v1/balance', {}, 'sk_test_abcdefghijklmnop');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^Invalid API Key provided: sk_test_\*+mnop$/);
  });

  it('answers an unknown price 404 resource_missing with the param', async () => {
    const res = await raw('/v1/checkout/sessions', {
      method: 'POST',
      body: 'mode=subscription&success_url=https%3A%2F%2Fx&line_items[0][price]=price_nope&line_items[0][quantity]=1',
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: Record<string, string> };
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'line_items[0][price]',
      message: "No such price: 'price_nope'",
    });
    expect(body.error.doc_url).toMatch(/resource-missing$/);
  });

  it('replays a request with the same idempotency key and refuses the key with other parameters', async () => {
    const body =
      'mode=payment&success_url=https%3A%2F%2Fx&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=5&line_items[0][price_data][product_data][name]=x';
    const a = await raw('/v1/checkout/sessions', { method: 'POST', body, headers: { 'idempotency-key': 'k1' } });
    const b = await raw('/v1/checkout/sessions', { method: 'POST', body, headers: { 'idempotency-key': 'k1' } });
    expect(((await a.json()) as { id: string }).id).toBe(((await b.json()) as { id: string }).id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const c = await raw('/v1/checkout/sessions', {
      method: 'POST',
      body: body.replace('=5&', '=6&'),
      headers: { 'idempotency-key': 'k1' },
    });
    expect(c.status).toBe(400);
    expect(((await c.json()) as { error: { type: string } }).error.type).toBe('idempotency_error');
  });

  it('pages lists newest first with has_more and starting_after, and the SDK reads them all', async () => {
    for (let i = 0; i < 5; i++) await paidSession(`p${i}@example.com`);
    const first = (await (await raw('/v1/charges?limit=2')).json()) as {
      object: string;
      data: { id: string }[];
      has_more: boolean;
      url: string;
    };
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/charges' });
    expect(first.data).toHaveLength(2);
    const next = (await (await raw(`/v1/charges?limit=2&starting_after=${first.data[1]!.id}`)).json()) as { data: { id: string }[] };
    expect(next.data[0]!.id).not.toBe(first.data[1]!.id);
    const all: string[] = [];
    for await (const charge of stripe.charges.list({ limit: 2 })) all.push(charge.id);
    expect(all.length).toBe(fake.state.charges.size);
    expect(new Set(all).size).toBe(all.length);
  });

  it('shows invoice payments only when expanded, as an includable field', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'subscription',
      success_url: 'https://x',
      line_items: [{ price: 'price_monthly', quantity: 1 }],
    });
    await control(`/sessions/${s.id}/pay`, { email: 'sub@example.com' });
    const done = await stripe.checkout.sessions.retrieve(s.id);
    const plain = await stripe.invoices.retrieve(done.invoice as string);
    expect(plain.payments).toBeUndefined();
    expect(plain.parent?.subscription_details?.subscription).toBe(done.subscription);
    const expanded = await stripe.invoices.retrieve(done.invoice as string, { expand: ['payments'] });
    expect(expanded.payments?.data[0]?.payment.payment_intent).toMatch(/^pi_/);
    const sub = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(sub.items.data[0]!.current_period_end).toBeGreaterThan(sub.items.data[0]!.current_period_start);
  });
});

describe('Stripe fake: hosted pages', () => {
  it('Pay redirects to success_url with the session id and fires signed events the SDK accepts', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://usher.example/ok?session_id={CHECKOUT_SESSION_ID}',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Week' } } }],
    });
    const page = await fetch(s.url!);
    expect(await page.text()).toContain('Week');
    const res = await fetch(s.url!, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ choice: 'pay', email: 'b@example.com' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`https://usher.example/ok?session_id=${s.id}`);
    await fake.webhooks.idle();
    const completed = received.find((r) => r.body.includes('"checkout.session.completed"'))!;
    const event = stripe.webhooks.constructEvent(completed.body, completed.headers['stripe-signature'] as string, fake.webhookSecret);
    expect(event.type).toBe('checkout.session.completed');
    expect(event.api_version).toBe(Stripe.API_VERSION);
  });

  it('Cancel redirects to cancel_url and changes nothing', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://x/ok',
      cancel_url: 'https://x/cancel',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Week' } } }],
    });
    const res = await fetch(s.url!, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ choice: 'cancel' }) });
    expect(res.headers.get('location')).toBe('https://x/cancel');
    await fake.webhooks.idle();
    expect(received).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
  });
});

describe('Stripe fake: /__control deliveries', () => {
  it('holds deliveries and releases them reversed', async () => {
    await control('/webhooks', { hold: true });
    await paidSession();
    expect(received).toEqual([]);
    const held = (await (await fetch(`${fake.url}/__control/deliveries`)).json()) as { type: string; state: string }[];
    const types = held.filter((d) => d.state === 'held').map((d) => d.type);
    expect(types).toEqual(['payment_intent.succeeded', 'checkout.session.completed']);
    await control('/deliveries/release', { order: 'reverse' });
    await fake.webhooks.idle();
    expect(eventsOf().map((e) => e.type)).toEqual(['checkout.session.completed', 'payment_intent.succeeded']);
  });

  it('replays one event many times at once with the same event id', async () => {
    await paidSession();
    const id = eventsOf()[1]!.id;
    received.length = 0;
    const res = await control(`/deliveries/${id}/replay`, { times: 10 });
    expect(((await res.json()) as unknown[]).length).toBe(10);
    await fake.webhooks.idle();
    expect(eventsOf().map((e) => e.id)).toEqual(Array(10).fill(id));
    for (const r of received)
      expect(() => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, fake.webhookSecret)).not.toThrow();
  });

  it('corrupts the signature, the body or the timestamp so the SDK refuses each', async () => {
    for (const mode of ['signature', 'body', 'stale']) {
      received.length = 0;
      await control('/deliveries/corrupt', { mode, times: 2 });
      await paidSession();
      for (const r of received)
        expect(() => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, fake.webhookSecret), mode).toThrow(
          Stripe.errors.StripeSignatureVerificationError,
        );
    }
  });

  it('delays deliveries', async () => {
    await control('/webhooks', { delayMs: 150 });
    const started = Date.now();
    await paidSession();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("signs exactly like the SDK's test header helper", () => {
    const payload = '{"id":"evt_1","object":"event"}';
    const timestamp = 1_700_000_000;
    expect(fake.webhooks.sign(payload, timestamp)).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret: fake.webhookSecret, timestamp }),
    );
  });

  it('renews, fails and cancels subscriptions through control routes', async () => {
    const s = await stripe.checkout.sessions.create({
      mode: 'subscription',
      success_url: 'https://x',
      line_items: [{ price: 'price_monthly', quantity: 1 }],
    });
    await control(`/sessions/${s.id}/pay`);
    const subId = (await stripe.checkout.sessions.retrieve(s.id)).subscription as string;
    await fake.webhooks.idle();
    received.length = 0;
    expect((await control(`/subscriptions/${subId}/renew`)).status).toBe(200);
    expect((await control(`/subscriptions/${subId}/fail`)).status).toBe(200);
    expect((await control(`/subscriptions/${subId}/cancel`, { atPeriodEnd: false })).status).toBe(200);
    expect((await control(`/subscriptions/${subId}/renew`)).status).toBe(400);
    await fake.webhooks.idle();
    expect(eventsOf().map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'invoice.paid',
      'invoice.payment_failed',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
    const failed = eventsOf()[2]!.data.object as InvoiceWire;
    expect(failed).toMatchObject({ status: 'open', amount_paid: 0, amount_due: 999 });
  });
});
