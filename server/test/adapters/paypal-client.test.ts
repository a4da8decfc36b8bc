import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paypalApiUrl, paypalWebhookHeaders } from '../../src/adapters/payment/paypal/paypal-client.js';
import { paypalNvpUrl } from '../../src/adapters/payment/paypal/paypal-nvp.js';
import { ManualClock, HOUR_MS, MINUTE_MS } from '../../src/platform/clock.js';
import { paypalError, startPayPalHarness, type PayPalHarness, type ReceivedDelivery } from './support/paypal.js';

const TOKEN = 'POST /v1/oauth2/token';
const RETURN = 'https://usher.example/pay/paypal/return';
const CANCEL = 'https://usher.example/pay/paypal/cancel';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterAll(() => h.close());

const headersOf = (d: ReceivedDelivery) => paypalWebhookHeaders(d.headers);

describe('PayPal base URLs', () => {
  it('come from the environment when set, else from the mode', () => {
    expect(paypalApiUrl('live', {})).toBe('https://api-m.paypal.com');
    expect(paypalApiUrl('sandbox', {})).toBe('https://api-m.sandbox.paypal.com');
    expect(paypalApiUrl('live', { PAYPAL_API_URL: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
    expect(paypalNvpUrl('live', {})).toBe('https://api-3t.paypal.com/nvp');
    expect(paypalNvpUrl('sandbox', {})).toBe('https://api-3t.sandbox.paypal.com/nvp');
    expect(paypalNvpUrl('sandbox', { PAYPAL_NVP_URL: 'http://127.0.0.1:9/nvp' })).toBe('http://127.0.0.1:9/nvp');
  });
});

describe('PayPal OAuth token', () => {
  it('refuses wrong credentials with invalid_client and says which fix applies', async () => {
    const error = await paypalError(h.client({ clientSecret: 'wrong' }).testCredentials());
    expect(error).toMatchObject({ status: 401, paypalName: 'invalid_client', reason: 'paypal_invalid_client', kind: 'unauthorized' });
    expect(error.fix).toMatch(/wrong client id or secret for this mode/i);
  });

  it('tests credentials with a fresh token', async () => {
    const result = await h.client().testCredentials();
    expect(result.appId).toMatch(/^APP-/);
    expect(result.expiresInSeconds).toBe(32_400);
    expect(result.scopes.length).toBeGreaterThan(0);
  });

  it('reuses one token across calls, including concurrent ones, and renews it before it expires', async () => {
    const clock = new ManualClock();
    const client = h.client({ clock });
    h.fake.http.resetCounts();
    await Promise.all([client.getPlan('P-MONTHLY'), client.getPlan('P-MONTHLY'), client.getPlan('P-YEN')]);
    await client.getPlan('P-MONTHLY');
    expect(h.count(TOKEN)).toBe(1);
    // 9 h tokens are renewed 5 minutes early.
    clock.advance(9 * HOUR_MS - 6 * MINUTE_MS);
    await client.getPlan('P-MONTHLY');
    expect(h.count(TOKEN)).toBe(1);
    clock.advance(2 * MINUTE_MS);
    await client.getPlan('P-MONTHLY');
    expect(h.count(TOKEN)).toBe(2);
    expect(h.count('GET /v1/billing/plans/:id')).toBe(6);
  });

  it('fetches a new token once when PayPal says the cached one has expired', async () => {
    const client = h.client({ clock: new ManualClock() });
    await client.getPlan('P-MONTHLY');
    h.fake.http.resetCounts();
    // PayPal's clock runs past the token's life while Usher's still thinks it valid.
    h.fake.state.advance(10 * HOUR_MS);
    try {
      const plan = await client.getPlan('P-MONTHLY');
      expect(plan.price).toEqual({ minor: 999, currency: 'USD' });
      expect(h.count(TOKEN)).toBe(1);
      expect(h.count('GET /v1/billing/plans/:id')).toBe(2);
    } finally {
      h.fake.state.advance(-10 * HOUR_MS);
    }
  });
});

describe('PayPal Orders v2', () => {
  it('creates, is approved on the hosted page, and captures once for one request id', async () => {
    const client = h.client();
    const order = await client.createOrder({
      amountMinor: 999,
      currency: 'USD',
      returnUrl: RETURN,
      cancelUrl: CANCEL,
      customId: 'member-42',
      invoiceId: 'inv-1',
      referenceId: 'plan-1',
    });
    expect(order).toMatchObject({ status: 'CREATED', captures: [] });
    expect(order.approveUrl).toBe(`${h.fake.url}/checkoutnow?token=${order.id}`);
    expect(h.fake.state.orders.get(order.id)!.amount).toEqual({ currency_code: 'USD', value: '9.99' });

    const early = await paypalError(client.captureOrder(order.id));
    expect(early).toMatchObject({
      status: 422,
      paypalName: 'UNPROCESSABLE_ENTITY',
      issue: 'ORDER_NOT_APPROVED',
      reason: 'paypal_order_not_approved',
    });
    expect(early.debugId).toMatch(/^[0-9a-f]+$/);
    expect(early.fix).toMatch(/not approved/);

    const back = await h.approve(order.approveUrl!, 'pay', 'payer@example.com');
    expect(`${back.origin}${back.pathname}`).toBe(RETURN);
    expect(back.searchParams.get('token')).toBe(order.id);
    expect(back.searchParams.get('PayerID')).toBeTruthy();
    expect((await client.getOrder(order.id)).status).toBe('APPROVED');

    h.fake.http.resetCounts();
    // The return handler and the CHECKOUT.ORDER.APPROVED webhook race: both send the same request id.
    const [first, second] = await Promise.all([client.captureOrder(order.id), client.captureOrder(order.id)]);
    const third = await client.captureOrder(order.id);
    expect(h.count('POST /v2/checkout/orders/:id/capture')).toBe(3);
    expect(first.captures).toHaveLength(1);
    expect(second.captures[0]!.id).toBe(first.captures[0]!.id);
    expect(third.captures[0]!.id).toBe(first.captures[0]!.id);
    expect(first).toMatchObject({ status: 'COMPLETED', payerEmail: 'payer@example.com' });
    expect(first.captures[0]).toMatchObject({
      status: 'COMPLETED',
      amount: { minor: 999, currency: 'USD' },
      customId: 'member-42',
      invoiceId: 'inv-1',
    });
    expect(first.captures[0]!.fee!.minor).toBeGreaterThan(0);
    expect(h.fake.state.transactions.filter((t) => t.referenceId === order.id)).toHaveLength(1);

    const other = await paypalError(client.captureOrder(order.id, 'a-different-request'));
    expect(other).toMatchObject({ status: 422, issue: 'ORDER_ALREADY_CAPTURED' });

    await h.fake.webhooks.idle();
    const approved = h.receiver.ofType('CHECKOUT.ORDER.APPROVED').filter((d) => d.event.resource.id === order.id);
    const captured = h.receiver.ofType('PAYMENT.CAPTURE.COMPLETED').filter((d) => d.event.resource.id === first.captures[0]!.id);
    expect(approved).toHaveLength(1);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.event.resource).toMatchObject({
      custom_id: 'member-42',
      supplementary_data: { related_ids: { order_id: order.id } },
    });
  });

  it('returns the first order when creation is repeated with the same request id', async () => {
    const client = h.client();
    const input = { amountMinor: 500, currency: 'EUR', returnUrl: RETURN, cancelUrl: CANCEL, requestId: 'checkout-attempt-7' };
    const a = await client.createOrder(input);
    const b = await client.createOrder(input);
    expect(b.id).toBe(a.id);
  });

  it('sends and reads JPY amounts without decimals, and KWD with three', async () => {
    const client = h.client();
    const yen = await client.createOrder({ amountMinor: 1200, currency: 'JPY', returnUrl: RETURN, cancelUrl: CANCEL });
    expect(h.fake.state.orders.get(yen.id)!.amount).toEqual({ currency_code: 'JPY', value: '1200' });
    await h.approve(yen.approveUrl!);
    const captured = await client.captureOrder(yen.id);
    expect(captured.captures[0]!.amount).toEqual({ minor: 1200, currency: 'JPY' });
    expect(Number.isInteger(captured.captures[0]!.fee!.minor)).toBe(true);

    const dinar = await client.createOrder({ amountMinor: 12_345, currency: 'KWD', returnUrl: RETURN, cancelUrl: CANCEL });
    expect(h.fake.state.orders.get(dinar.id)!.amount.value).toBe('12.345');
  });

  it('leaves the order untouched when the buyer cancels, and says a missing order may be the other mode', async () => {
    const client = h.client();
    const order = await client.createOrder({ amountMinor: 100, currency: 'USD', returnUrl: RETURN, cancelUrl: CANCEL });
    const back = await h.approve(order.approveUrl!, 'cancel');
    expect(`${back.origin}${back.pathname}`).toBe(CANCEL);
    expect(back.searchParams.get('token')).toBe(order.id);
    expect((await client.getOrder(order.id)).status).toBe('CREATED');
    const missing = await paypalError(client.getOrder('5O190127TN364715T'));
    expect(missing).toMatchObject({ status: 404, paypalName: 'RESOURCE_NOT_FOUND', kind: 'not_found' });
    expect(missing.fix).toMatch(/sandbox\/live mismatch/i);
  });
  it('retries a capture PayPal failed with a 500, safely, because the request id is the same', async () => {
    const client = h.client();
    const order = await client.createOrder({ amountMinor: 700, currency: 'USD', returnUrl: RETURN, cancelUrl: CANCEL });
    await h.approve(order.approveUrl!);
    h.fake.http.resetCounts();
    h.fake.http.fail(
      'POST /v2/checkout/orders/:id/capture',
      1,
      500,
      JSON.stringify({ name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error has occurred.', debug_id: 'f00' }),
    );
    const captured = await client.captureOrder(order.id);
    expect(captured.status).toBe('COMPLETED');
    expect(h.count('POST /v2/checkout/orders/:id/capture')).toBe(2);
    expect(h.fake.state.transactions.filter((t) => t.referenceId === order.id)).toHaveLength(1);
  });
});

describe('PayPal Subscriptions v1', () => {
  it('explains an unknown plan as a sandbox/live mismatch or a wrong plan id', async () => {
    const client = h.client();
    for (const attempt of [
      client.getPlan('P-NOPE'),
      client.createSubscription({ planId: 'P-NOPE', returnUrl: RETURN, cancelUrl: CANCEL }),
    ]) {
      const error = await paypalError(attempt);
      expect(error).toMatchObject({ status: 404, paypalName: 'RESOURCE_NOT_FOUND', issue: 'INVALID_RESOURCE_ID' });
      expect(error.fix).toMatch(/sandbox\/live mismatch or wrong plan id/i);
      expect(error.details[0]).toMatchObject({ field: 'plan_id', value: 'P-NOPE' });
    }
  });

  it('starts, is approved, renews, lists its payments and is cancelled once', async () => {
    const client = h.client();
    const created = await client.createSubscription({
      planId: 'P-MONTHLY',
      customId: 'member-7',
      email: 'sub@example.com',
      returnUrl: RETURN,
      cancelUrl: CANCEL,
    });
    expect(created).toMatchObject({ status: 'APPROVAL_PENDING', planId: 'P-MONTHLY', customId: 'member-7' });
    expect(created.approveUrl).toMatch(/\/webapps\/billing\/subscriptions\?ba_token=BA-/);

    const back = await h.approve(created.approveUrl!);
    expect(back.searchParams.get('subscription_id')).toBe(created.id);
    const active = await client.getSubscription(created.id);
    expect(active).toMatchObject({
      status: 'ACTIVE',
      subscriberEmail: 'sub@example.com',
      failedPaymentsCount: 0,
      lastPayment: { minor: 999, currency: 'USD' },
    });
    expect(active.nextBillingTime!.getTime()).toBeGreaterThan(Date.now());

    // The next cycle comes round: a second sale.
    expect((await fetch(`${h.fake.url}/__control/subscriptions/${created.id}/cycle`, { method: 'POST' })).status).toBe(200);
    const txns = await client.listSubscriptionTransactions(created.id, new Date(Date.now() - HOUR_MS), new Date(Date.now() + HOUR_MS));
    expect(txns).toHaveLength(2);
    expect(txns[0]).toMatchObject({ status: 'COMPLETED', gross: { minor: 999, currency: 'USD' }, payerEmail: 'sub@example.com' });
    expect(new Set(txns.map((t) => t.id)).size).toBe(2);

    await h.fake.webhooks.idle();
    const sales = h.receiver.ofType('PAYMENT.SALE.COMPLETED').filter((d) => d.event.resource.billing_agreement_id === created.id);
    expect(sales.map((d) => d.event.resource.id).sort()).toEqual(txns.map((t) => t.id).sort());
    expect(sales[0]!.event.resource).toMatchObject({ amount: { total: '9.99', currency: 'USD' }, custom: 'member-7' });
    expect(h.receiver.ofType('BILLING.SUBSCRIPTION.ACTIVATED').some((d) => d.event.resource.id === created.id)).toBe(true);

    await client.cancelSubscription(created.id, 'Member left');
    expect((await client.getSubscription(created.id)).status).toBe('CANCELLED');
    const again = await paypalError(client.cancelSubscription(created.id, 'Member left'));
    expect(again).toMatchObject({ status: 422, issue: 'SUBSCRIPTION_STATUS_INVALID', reason: 'paypal_subscription_status_invalid' });
    expect(again.fix).toMatch(/not ACTIVE or SUSPENDED/);
    await h.fake.webhooks.idle();
    expect(h.receiver.ofType('BILLING.SUBSCRIPTION.CANCELLED').filter((d) => d.event.resource.id === created.id)).toHaveLength(1);
  });

  it('reports failed renewals and suspends after three, which can still be cancelled', async () => {
    const client = h.client();
    const sub = await client.createSubscription({ planId: 'P-YEN', returnUrl: RETURN, cancelUrl: CANCEL });
    await h.approve(sub.approveUrl!);
    expect((await client.getSubscription(sub.id)).lastPayment).toMatchObject({ minor: 1200, currency: 'JPY' });
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${h.fake.url}/__control/subscriptions/${sub.id}/fail`, { method: 'POST' })).status).toBe(200);
    expect(await client.getSubscription(sub.id)).toMatchObject({ status: 'SUSPENDED', failedPaymentsCount: 3 });
    await h.fake.webhooks.idle();
    expect(h.receiver.ofType('BILLING.SUBSCRIPTION.PAYMENT.FAILED').filter((d) => d.event.resource.id === sub.id)).toHaveLength(3);
    expect(h.receiver.ofType('BILLING.SUBSCRIPTION.SUSPENDED').filter((d) => d.event.resource.id === sub.id)).toHaveLength(1);
    await client.cancelSubscription(sub.id, 'Payment failed');
    expect((await client.getSubscription(sub.id)).status).toBe('CANCELLED');
  });

  it('explains a subscription id PayPal does not know', async () => {
    const client = h.client();
    for (const attempt of [
      client.getSubscription('I-NOPE'),
      client.listSubscriptionTransactions('I-NOPE', new Date(0), new Date()),
      client.cancelSubscription('I-NOPE', 'x'),
    ]) {
      const error = await paypalError(attempt);
      expect(error).toMatchObject({ status: 404, paypalName: 'RESOURCE_NOT_FOUND', reason: 'paypal_invalid_resource_id' });
      expect(error.fix).toMatch(/wrong subscription id/);
    }
  });
});

describe('PayPal webhook verification', () => {
  let delivery: ReceivedDelivery;
  beforeAll(async () => {
    const client = h.client();
    const order = await client.createOrder({ amountMinor: 250, currency: 'USD', returnUrl: RETURN, cancelUrl: CANCEL });
    await h.approve(order.approveUrl!);
    await h.fake.webhooks.idle();
    delivery = h.receiver.ofType('CHECKOUT.ORDER.APPROVED').find((d) => d.event.resource.id === order.id)!;
  });

  it("verifies a delivery PayPal sent, with this account's webhook id", async () => {
    const client = h.client();
    expect(
      await client.verifyWebhookSignature({ headers: headersOf(delivery), rawBody: delivery.rawBody, webhookId: h.fake.webhookId }),
    ).toBe(true);
    expect(
      await client.verifyWebhookSignature({ headers: headersOf(delivery), rawBody: delivery.rawBody, webhookId: 'WH-OTHER-ACCOUNT' }),
    ).toBe(false);
  });

  it('fails a forged body, a forged signature and a delivery PayPal never sent', async () => {
    const client = h.client();
    const forged = delivery.rawBody.replace('"status":"APPROVED"', '"status":"COMPLETED"');
    expect(forged).not.toBe(delivery.rawBody);
    const verify = (headers: ReturnType<typeof headersOf>, rawBody: string) =>
      client.verifyWebhookSignature({ headers, rawBody, webhookId: h.fake.webhookId });
    expect(await verify(headersOf(delivery), forged)).toBe(false);
    expect(await verify({ ...headersOf(delivery), transmissionSig: 'Zm9yZ2Vk' }, delivery.rawBody)).toBe(false);
    expect(await verify({ ...headersOf(delivery), transmissionId: '2b4ad0f0-0000-0000-0000-000000000000' }, delivery.rawBody)).toBe(false);
  });

  it('refuses a delivery without its headers or with a body that is not JSON, without asking PayPal', async () => {
    const client = h.client();
    h.fake.http.resetCounts();
    expect(
      await client.verifyWebhookSignature({
        headers: { ...headersOf(delivery), transmissionSig: undefined },
        rawBody: delivery.rawBody,
        webhookId: h.fake.webhookId,
      }),
    ).toBe(false);
    expect(await client.verifyWebhookSignature({ headers: headersOf(delivery), rawBody: 'not json', webhookId: h.fake.webhookId })).toBe(
      false,
    );
    expect(h.count('POST /v1/notifications/verify-webhook-signature')).toBe(0);
  });

  it('verifies replayed duplicates and fails corrupted copies', async () => {
    const client = h.client();
    const before = h.receiver.received.length;
    const transmissionId = headersOf(delivery).transmissionId!;
    await fetch(`${h.fake.url}/__control/deliveries/${transmissionId}/replay`, {
      method: 'POST',
      body: JSON.stringify({ times: 3 }),
      headers: { 'content-type': 'application/json' },
    });
    await fetch(`${h.fake.url}/__control/deliveries/${transmissionId}/replay`, {
      method: 'POST',
      body: JSON.stringify({ corrupt: 'body' }),
      headers: { 'content-type': 'application/json' },
    });
    await fetch(`${h.fake.url}/__control/deliveries/${transmissionId}/replay`, {
      method: 'POST',
      body: JSON.stringify({ corrupt: 'signature' }),
      headers: { 'content-type': 'application/json' },
    });
    await h.fake.webhooks.idle();
    const copies = h.receiver.received.slice(before);
    expect(copies).toHaveLength(5);
    const results = await Promise.all(
      copies.map((d) => client.verifyWebhookSignature({ headers: headersOf(d), rawBody: d.rawBody, webhookId: h.fake.webhookId })),
    );
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(new Set(copies.map((d) => d.event.id))).toEqual(new Set([delivery.event.id]));
  });
});
