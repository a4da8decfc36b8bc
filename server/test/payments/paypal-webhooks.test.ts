import { startPayPalFake, type PayPalFake } from '@usher/fakes';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { idOf } from '../support/admin-callers.js';
import { addMember, configure, eventRows, paymentsOf, startCheckout, startWebhookUsher, type WebhookUsher } from './support/webhooks.js';

const VERIFY = 'POST /v1/notifications/verify-webhook-signature';

/** PayPal one-off orders are captured once, by the return page or the approval webhook; sales record renewals. */
describeEachDb('PayPal webhooks and capture on return', (dialect) => {
  const track = trackDisposables();
  let paypal: PayPalFake;
  let w: WebhookUsher;
  let loginId: string;

  beforeAll(async () => {
    paypal = await startPayPalFake({
      plans: [{ id: 'P-MONTHLY', name: 'Monthly', currency: 'USD', value: '9.99', intervalUnit: 'MONTH' }],
    });
    w = await startWebhookUsher(dialect, { PAYPAL_API_URL: paypal.url, PAYPAL_NVP_URL: paypal.nvpUrl });
    track(w.usher);
    paypal.webhooks.configure({ url: `${w.url}/api/webhooks/paypal` });
    await configure(
      w.usher,
      'paypal',
      { mode: 'sandbox', clientId: paypal.clientId, webhookId: paypal.webhookId },
      { clientSecret: paypal.clientSecret },
    );
    loginId = await idOf(w.admin);
  });
  afterAll(() => paypal.close());

  beforeEach(async () => {
    await paypal.webhooks.idle();
    paypal.webhooks.configure({ hold: false });
    paypal.http.clearFaults();
  });

  const order = (id: string) => paypal.state.orders.get(id)!;
  const captures = () => [...paypal.state.orders.values()].filter((o) => o.status === 'COMPLETED').length;

  it('the return page captures the order; the approval and capture webhooks that follow record nothing more', async () => {
    const memberId = await addMember(w.usher, 'return@example.com', loginId);
    const { checkout, externalId } = await startCheckout(w, 'paypal', memberId, { mode: 'one_off' });
    paypal.webhooks.configure({ hold: true });
    const before = await w.admin.post(`/api/portal/checkouts/${checkout.id}/confirm`, {});
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual({ status: 'open' }); // not approved yet: nothing captured

    paypal.events.approveOrder(order(externalId), paypal.events.payer('return@example.com'));
    const confirmed = await w.admin.post(`/api/portal/checkouts/${checkout.id}/confirm`, {});
    expect(confirmed.json()).toEqual({ status: 'paid' });
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);

    const capturesBefore = captures();
    paypal.webhooks.release();
    await paypal.webhooks.idle();
    expect(captures()).toBe(capturesBefore);
    const payments = await paymentsOf(w.usher, memberId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      amountMinor: 999,
      currency: 'USD',
      gateway: 'paypal',
      transactionId: order(externalId).capture!.id,
    });
    const rows = (await eventRows(w.usher)).filter((r) => r.member_id === memberId);
    expect(rows.map((r) => r.gateway_type).sort()).toEqual(['CHECKOUT.ORDER.APPROVED', 'ORDER.CAPTURED', 'PAYMENT.CAPTURE.COMPLETED']);
    expect(rows.every((r) => r.status === 'applied')).toBe(true);
  });

  it('CHECKOUT.ORDER.APPROVED captures when the payer never comes back; a later return finds it paid', async () => {
    const memberId = await addMember(w.usher, 'webhook@example.com', loginId);
    const { checkout, externalId } = await startCheckout(w, 'paypal', memberId, { mode: 'one_off' });
    paypal.events.approveOrder(order(externalId), paypal.events.payer('webhook@example.com'));
    await paypal.webhooks.idle();
    await paypal.webhooks.idle(); // the capture's own PAYMENT.CAPTURE.COMPLETED
    expect(order(externalId).status).toBe('COMPLETED');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
    expect((await w.admin.post(`/api/portal/checkouts/${checkout.id}/confirm`, {})).json()).toEqual({ status: 'paid' });
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
  });

  it("someone else's checkout is a 404 on confirm", async () => {
    const memberId = await addMember(w.usher, 'other@example.com');
    const { checkout } = await startCheckout(w, 'paypal', memberId, { mode: 'one_off' });
    const res = await w.admin.post(`/api/portal/checkouts/${checkout.id}/confirm`, {});
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('checkout_not_found');
  });

  it('a subscription links on activation and each PAYMENT.SALE.COMPLETED records a period', async () => {
    const memberId = await addMember(w.usher, 'sub@example.com');
    const { checkout, externalId } = await startCheckout(w, 'paypal', memberId, { mode: 'recurring', gatewayPlanId: 'P-MONTHLY' });
    const sub = paypal.state.subscriptions.get(externalId)!;
    paypal.events.approveSubscription(sub, paypal.events.payer('sub@example.com'));
    await paypal.webhooks.idle();
    let payments = await paymentsOf(w.usher, memberId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amountMinor: 999, subscriptionId: externalId });
    expect((await w.usher.container.checkoutsRepo.byId(checkout.id))!.status).toBe('paid');
    expect((await w.usher.container.subscriptions.statesFor([memberId])).get(memberId)).toBe('active');

    paypal.events.chargeCycle(sub);
    await paypal.webhooks.idle();
    payments = await paymentsOf(w.usher, memberId);
    expect(payments).toHaveLength(2);
    const [first, renewal] = [...payments].sort((a, b) => a.from.localeCompare(b.from));
    expect(renewal!.from).toBe(first!.to);
  });

  it("PayPal's verify call failing answers 503 (PayPal sends again) and stores nothing; a forged delivery is 400", async () => {
    const before = (await eventRows(w.usher)).length;
    const memberId = await addMember(w.usher, 'retry@example.com');
    const { externalId } = await startCheckout(w, 'paypal', memberId, { mode: 'one_off' });
    paypal.webhooks.configure({ hold: true });
    paypal.events.approveOrder(order(externalId), paypal.events.payer('retry@example.com'));
    const held = paypal.webhooks.deliveries.find((d) => d.state === 'held')!;
    paypal.webhooks.configure({ hold: false });

    paypal.http.fail(VERIFY, 10, 503);
    const unavailable = await w.usher.app.inject({
      method: 'POST',
      url: '/api/webhooks/paypal',
      payload: held.body,
      headers: held.headers,
    });
    expect(unavailable.statusCode, unavailable.body).toBe(503);
    paypal.http.clearFaults();

    expect(held.body).toContain('"9.99"');
    const forged = await w.usher.app.inject({
      method: 'POST',
      url: '/api/webhooks/paypal',
      payload: held.body.replace('"9.99"', '"0.01"'),
      headers: held.headers,
    });
    expect(forged.statusCode).toBe(400);
    expect(await eventRows(w.usher)).toHaveLength(before);
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(0);
  });

  it('the secondary account has its own webhook URL', async () => {
    expect(await w.usher.container.gateways.webhookUrlFor('paypalSecondary')).toBe(
      'https://usher.example.com/api/webhooks/paypal/secondary',
    );
    const res = await w.usher.app.inject({
      method: 'POST',
      url: '/api/webhooks/paypal/secondary',
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('gateway_not_configured');
  });
});
