import type { StripeFake } from '@usher/fakes';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromStripeAmount, toStripeAmount } from '../../src/adapters/payment/stripe/stripe-amounts.js';
import { STRIPE_API_VERSION, stripeEndpoint } from '../../src/adapters/payment/stripe/stripe-gateway.js';
import { ManualClock } from '../../src/platform/clock.js';
import { CANCEL, integrationError, startStripeHarness, SUCCESS, type StripeHarness } from './support/stripe.js';

let h: StripeHarness;
let fake: StripeFake;
let receiver: StripeHarness['receiver'];
let monthly: string;
let gateway: StripeHarness['gateway'];
let deliveredEvents: StripeHarness['deliveredEvents'];

beforeAll(async () => {
  h = await startStripeHarness();
  ({ fake, receiver, monthly, gateway, deliveredEvents } = h);
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('Stripe amounts and endpoint', () => {
  it("converts by ISO exponent with Stripe's special cases", () => {
    expect(toStripeAmount(999, 'USD')).toBe(999);
    expect(toStripeAmount(1000, 'JPY')).toBe(1000);
    expect(toStripeAmount(5, 'ISK')).toBe(500);
    expect(fromStripeAmount(500, 'isk')).toBe(5);
    expect(toStripeAmount(12_340, 'KWD')).toBe(12_340);
    expect(() => toStripeAmount(12_341, 'KWD')).toThrow(/steps of 10/);
    expect(toStripeAmount(1500, 'MGA')).toBe(15);
    expect(() => toStripeAmount(1550, 'MGA')).toThrow(/whole MGA/);
    expect(() => toStripeAmount(9.5, 'USD')).toThrow(/integer/);
  });

  it('takes host, port and protocol from the environment only when set', () => {
    expect(stripeEndpoint({})).toEqual({});
    expect(stripeEndpoint({ STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: 8097, STRIPE_API_PROTOCOL: 'http' })).toEqual({
      host: '127.0.0.1',
      port: 8097,
      protocol: 'http',
    });
  });

  it('sends the pinned API version on every call', async () => {
    await gateway().testCredentials();
    expect(fake.apiVersions).toEqual([STRIPE_API_VERSION]);
  });
});

describe('Stripe credentials', () => {
  it('reports test mode for a good key and warns about a webhook secret without whsec_', async () => {
    const check = await gateway({ webhookSecret: 'not-a-secret' }).testCredentials();
    expect(check.live).toBe(false);
    expect(check.details.join(' ')).toMatch(/whsec_/);
  });

  it('explains a wrong key without echoing it', async () => {
    const error = await integrationError(gateway({ secretKey: 'sk_test_wrongwrongwrong1234' }).testCredentials());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
    expect(error.fix).toMatch(/API keys/);
    expect(error.message).not.toContain('wrongwrongwrong');
  });

  it('treats a 500 as retryable and unavailable', async () => {
    fake.http.fail('GET /v1/balance', 1, 500, JSON.stringify({ error: { type: 'api_error', message: 'boom' } }));
    const error = await integrationError(gateway().testCredentials());
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, status: 500 });
  });
});

describe('Stripe one-off checkout', () => {
  it("charges Usher's own amount with price_data and records one payment keyed by PaymentIntent", async () => {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'one_off',
      reference: 'chk_1',
      amount: { amountMinor: 1250, currency: 'EUR' },
      itemName: 'Monthly access (discounted)',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
      email: 'member@example.com',
    });
    expect(session.externalId).toMatch(/^cs_test_/);
    expect(session.expiresAt).toBeInstanceOf(Date);
    const back = await h.press(session.redirectUrl, 'pay');
    expect(back.searchParams.get('session_id')).toBe(session.externalId);
    const events = await deliveredEvents(g);
    const completed = events.find((e) => e.gatewayType === 'checkout.session.completed')!;
    expect(completed).toMatchObject({
      type: 'payment.succeeded',
      reference: 'chk_1',
      checkoutId: session.externalId,
      amount: { amountMinor: 1250, currency: 'EUR' },
      email: 'member@example.com',
    });
    expect(completed.transactionId).toMatch(/^pi_/);
    expect(completed.customerId).toMatch(/^cus_/);
    const pi = fake.state.paymentIntents.get(completed.transactionId!)!;
    expect(pi.metadata).toMatchObject({ usher_reference: 'chk_1' });
  });

  it('creates one session for one idempotency key', async () => {
    const g = gateway();
    const request = {
      mode: 'one_off' as const,
      reference: 'chk_idem',
      amount: { amountMinor: 500, currency: 'USD' },
      itemName: 'Week',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
      idempotencyKey: 'op-42',
    };
    const a = await g.createCheckout(request);
    const b = await g.createCheckout(request);
    expect(b.externalId).toBe(a.externalId);
  });

  it('cancel changes nothing and sends no event', async () => {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'one_off',
      reference: 'chk_cancel',
      amount: { amountMinor: 300, currency: 'USD' },
      itemName: 'Day',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    const back = await h.press(session.redirectUrl, 'cancel');
    expect(back.toString()).toBe(CANCEL);
    expect(await deliveredEvents(g)).toEqual([]);
    expect(fake.state.sessions.get(session.externalId)!.status).toBe('open');
  });

  it('a bank debit completes unpaid, then async_payment_succeeded carries the money', async () => {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'one_off',
      reference: 'chk_async',
      amount: { amountMinor: 1000, currency: 'JPY' },
      itemName: 'Month',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    await h.press(session.redirectUrl, 'async');
    fake.account.settleAsync(fake.state.sessions.get(session.externalId)!, true);
    const events = await deliveredEvents(g);
    expect(events.map((e) => [e.gatewayType, e.type])).toEqual([
      ['checkout.session.completed', 'checkout.completed'],
      ['checkout.session.async_payment_succeeded', 'payment.succeeded'],
    ]);
    expect(events[1]!.amount).toEqual({ amountMinor: 1000, currency: 'JPY' });
  });
});

describe('Stripe subscription checkout', () => {
  it('links the subscription on checkout.session.completed and records the money on invoice.paid', async () => {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'recurring',
      reference: 'chk_sub',
      gatewayPlanId: monthly,
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
      email: 'sub@example.com',
    });
    await h.press(session.redirectUrl, 'pay', 'sub@example.com');
    const events = await deliveredEvents(g);
    const completed = events.find((e) => e.gatewayType === 'checkout.session.completed')!;
    const paid = events.find((e) => e.gatewayType === 'invoice.paid')!;
    expect(completed).toMatchObject({ type: 'checkout.completed', reference: 'chk_sub', transactionId: null });
    expect(completed.subscriptionId).toMatch(/^sub_/);
    // The webhook's invoice has no `payments`: the gateway reads them so the payment id is the PaymentIntent.
    expect(paid).toMatchObject({
      type: 'payment.succeeded',
      reference: 'chk_sub',
      subscriptionId: completed.subscriptionId,
      amount: { amountMinor: 999, currency: 'USD' },
    });
    expect(paid.transactionId).toMatch(/^pi_/);
    expect(paid.periodEnd!.getTime()).toBeGreaterThan(Date.now() + 27 * 86_400_000);

    const sub = fake.state.subscriptions.get(completed.subscriptionId!)!;
    receiver.clear();
    fake.account.renew(sub);
    fake.account.failRenewal(sub);
    fake.account.cancel(sub, true);
    const later = await deliveredEvents(g);
    expect(later.map((e) => e.type)).toEqual([
      'subscription.updated',
      'payment.succeeded',
      'payment.failed',
      'subscription.updated',
      'subscription.updated',
    ]);
    const renewal = later[1]!;
    expect(renewal.transactionId).not.toBe(paid.transactionId);
    expect(later[4]).toMatchObject({ cancelAtPeriodEnd: true, subscriptionStatus: 'past_due' });
    receiver.clear();
    fake.account.cancel(sub, false);
    expect((await deliveredEvents(g))[0]).toMatchObject({ type: 'subscription.canceled', subscriptionStatus: 'canceled' });
  });

  it('an invoice read that fails during verification throws a retryable error, so the delivery is retried', async () => {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'recurring',
      reference: 'chk_retry',
      gatewayPlanId: monthly,
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    fake.account.paySession(fake.state.sessions.get(session.externalId)!, {});
    await fake.webhooks.idle();
    const paid = receiver.received.find((d) => d.rawBody.includes('"invoice.paid"'))!;
    fake.http.fail('GET /v1/invoices/:id', 1, 503, JSON.stringify({ error: { type: 'api_error', message: 'try again' } }));
    const error = await integrationError(g.verifyWebhook(paid.rawBody, paid.headers));
    expect(error).toMatchObject({ retryable: true, status: 503 });
    const again = await g.verifyWebhook(paid.rawBody, paid.headers);
    expect(again.ok && again.events[0]!.transactionId).toMatch(/^pi_/);
  });

  it('explains a price id from the other mode', async () => {
    const error = await integrationError(
      gateway().createCheckout({
        mode: 'recurring',
        reference: 'x',
        gatewayPlanId: 'price_live_only',
        successUrl: SUCCESS,
        cancelUrl: CANCEL,
      }),
    );
    expect(error).toMatchObject({ kind: 'not_found', status: 404, reason: 'stripe_resource_missing' });
    expect(error.fix).toMatch(/Test\/live mismatch or wrong price id/);
  });
});

describe('Stripe webhook verification', () => {
  async function oneDelivery(corrupt?: 'signature' | 'body' | 'stale') {
    if (corrupt) fake.webhooks.corrupt(corrupt);
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'one_off',
      reference: 'chk_sig',
      amount: { amountMinor: 100, currency: 'USD' },
      itemName: 'x',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    await fake.account.paySession(fake.state.sessions.get(session.externalId)!, {});
    await fake.webhooks.idle();
    return { g, delivery: receiver.received[0]! };
  }

  it('refuses a forged signature, a tampered body and a stale timestamp', async () => {
    for (const mode of ['signature', 'body', 'stale'] as const) {
      receiver.clear();
      const { g, delivery } = await oneDelivery(mode);
      const v = await g.verifyWebhook(delivery.rawBody, delivery.headers);
      expect(v.ok, mode).toBe(false);
    }
  });

  it('refuses a delivery without the header or with the wrong secret', async () => {
    const { g, delivery } = await oneDelivery();
    expect(await g.verifyWebhook(delivery.rawBody, {})).toEqual({ ok: false, reason: 'no Stripe-Signature header' });
    const other = gateway({ webhookSecret: 'whsec_other' });
    expect((await other.verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(false);
    expect((await g.verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(true);
  });

  it('accepts either signature while the endpoint secret is being rolled', async () => {
    const oldSecret = fake.webhookSecret;
    fake.webhooks.configure({ secret: 'whsec_rolled_new', previousSecret: oldSecret });
    try {
      const { delivery } = await oneDelivery();
      expect(String(delivery.headers['stripe-signature']).match(/v1=/g)).toHaveLength(2);
      expect((await gateway({ webhookSecret: oldSecret }).verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(true);
      expect((await gateway({ webhookSecret: 'whsec_rolled_new' }).verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(true);
      expect((await gateway({ webhookSecret: 'whsec_unrelated' }).verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(false);
    } finally {
      fake.webhooks.configure({ secret: oldSecret, previousSecret: null });
    }
  });

  it("measures the 300 s tolerance on Usher's clock", async () => {
    const { delivery } = await oneDelivery();
    const clock = new ManualClock(new Date());
    const g = gateway({ clock });
    clock.advance(299_000);
    expect((await g.verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(true);
    clock.advance(2_000);
    expect((await g.verifyWebhook(delivery.rawBody, delivery.headers)).ok).toBe(false);
  });

  it('a replayed event keeps its event id, so the pipeline can drop duplicates', async () => {
    const { g, delivery } = await oneDelivery();
    const first = await g.verifyWebhook(delivery.rawBody, delivery.headers);
    const eventId = JSON.parse(delivery.rawBody).id as string;
    receiver.clear();
    fake.webhooks.replay(eventId, 3);
    const copies = await deliveredEvents(g);
    expect(copies).toHaveLength(3);
    expect(new Set(copies.map((e) => e.eventId))).toEqual(new Set([first.ok && first.events[0]!.eventId]));
  });
});

it('pins the SDK type for the API version the fake speaks', () => {
  expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
});
