import { startStripeFake, type StripeFake } from '@usher/fakes';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/calendar.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import type { PaymentGateway } from '../../src/ports/payment-gateway.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import {
  addMember,
  alertsOf,
  configure,
  eventRows,
  eventually,
  outbox,
  paymentsOf,
  startCheckout,
  startWebhookUsher,
  type WebhookUsher,
} from './support/webhooks.js';

/** Stripe's deliveries end in Usher's records once, whatever the order, duplicates or forgeries. */
describeEachDb('Stripe webhooks', (dialect) => {
  const track = trackDisposables();
  let stripe: StripeFake;
  let w: WebhookUsher;
  let monthly: string;

  beforeAll(async () => {
    stripe = await startStripeFake();
    const { host, port, protocol } = stripe.endpoint;
    w = await startWebhookUsher(dialect, { STRIPE_API_HOST: host, STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: protocol });
    track(w.usher);
    stripe.webhooks.configure({ url: `${w.url}/api/webhooks/stripe` });
    monthly = stripe.addPrice({ unitAmount: 999, currency: 'usd', interval: 'month', nickname: 'Monthly' }).id;
    await configure(w.usher, 'stripe', {}, { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret });
  });
  afterAll(() => stripe.close());

  beforeEach(async () => {
    await stripe.webhooks.idle();
    stripe.webhooks.configure({ hold: false });
    stripe.webhooks.corrupt('signature', 0);
    // Signatures are checked against Usher's clock: the fake signs at the same time.
    stripe.state.setNow(w.usher.clock.now());
  });

  const session = (id: string) => stripe.state.sessions.get(id)!;
  const pay = (externalId: string, email = 'payer@example.com') => stripe.account.paySession(session(externalId), { email });
  const gateway = async () => (await w.usher.container.gateways.gateway('stripe')) as PaymentGateway;

  it('one checkout event delivered 10 times at once records one payment, one event row and one email', async () => {
    const memberId = await addMember(w.usher, 'ten@example.com');
    const { checkout, externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'one_off' });
    stripe.webhooks.configure({ hold: true });
    pay(externalId);
    const completed = stripe.webhooks.events.filter((e) => e.type === 'checkout.session.completed').at(-1)!;
    stripe.webhooks.replay(completed.id, 10);
    await stripe.webhooks.idle();
    stripe.webhooks.release();
    await stripe.webhooks.idle();

    const payments = await paymentsOf(w.usher, memberId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amountMinor: 999, currency: 'USD', gateway: 'stripe', planId: w.planId });
    expect(Number.isInteger(payments[0]!.amountMinor)).toBe(true);
    expect(new Date(payments[0]!.to).getTime() - new Date(payments[0]!.from).getTime()).toBe(30 * DAY_MS);
    expect((await w.usher.container.checkoutsRepo.byId(checkout.id))!.status).toBe('paid');
    const rows = (await eventRows(w.usher)).filter((r) => r.event_id === completed.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'applied', member_id: memberId, payment_id: payments[0]!.id });
    expect(stripe.webhooks.deliveries.filter((d) => d.eventId === completed.id).every((d) => d.state === 'delivered')).toBe(true);
    const mail = await outbox(w.usher, 'ten@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body_text).toContain('$9.99');
  });

  it('a forged, stale or missing signature is refused with 400 and records nothing', async () => {
    const before = (await eventRows(w.usher)).length;
    const memberId = await addMember(w.usher, 'forged@example.com');
    const { externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'one_off' });
    stripe.webhooks.corrupt('signature', 10);
    pay(externalId);
    await stripe.webhooks.idle();
    const completed = stripe.webhooks.events.filter((e) => e.type === 'checkout.session.completed').at(-1)!;
    stripe.webhooks.replay(completed.id, 1, 'stale');
    stripe.webhooks.replay(completed.id, 1, 'body');
    await stripe.webhooks.idle();
    const sent = stripe.webhooks.deliveries.filter((d) => d.eventId === completed.id);
    expect(sent.length).toBe(3);
    expect(sent.every((d) => d.state === 'failed')).toBe(true);

    const unsigned = await w.usher.app.inject({
      method: 'POST',
      url: '/api/webhooks/stripe',
      payload: '{"id":"evt_x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().error.code).toBe('webhook_signature_invalid');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(0);
    expect(await eventRows(w.usher)).toHaveLength(before);
  });

  it('a subscription ends in the same state whether invoice.paid comes before or after checkout.session.completed', async () => {
    const states = [];
    for (const order of ['sent', 'reverse'] as const) {
      const memberId = await addMember(w.usher, `sub-${order}@example.com`);
      const { checkout, externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'recurring', gatewayPlanId: monthly });
      stripe.webhooks.configure({ hold: true });
      pay(externalId);
      const held = stripe.webhooks.deliveries.filter((d) => d.state === 'held').map((d) => d.type);
      // The fake sends invoice.paid before checkout.session.completed, as Stripe often does.
      expect(held.indexOf('invoice.paid')).toBeLessThan(held.indexOf('checkout.session.completed'));
      stripe.webhooks.release(order);
      await stripe.webhooks.idle();
      stripe.webhooks.configure({ hold: false });
      const payments = await paymentsOf(w.usher, memberId);
      const sub = (await w.usher.container.subscriptions.statesFor([memberId])).get(memberId);
      states.push({
        payments: payments.map((p) => ({
          amountMinor: p.amountMinor,
          days: (new Date(p.to).getTime() - new Date(p.from).getTime()) / DAY_MS,
          subscription: !!p.subscriptionId,
        })),
        subscription: sub,
        checkout: (await w.usher.container.checkoutsRepo.byId(checkout.id))!.status,
      });
    }
    expect(states[0]).toEqual(states[1]);
    expect(states[0]!.payments).toHaveLength(1);
    expect(states[0]!.payments[0]!.amountMinor).toBe(999);
    expect(states[0]!.subscription).toBe('active');
    expect(states[0]!.checkout).toBe('paid');
  });

  it('renewals extend; a failed renewal grants the dunning grace and emails a pay link; the next renewal voids the grace', async () => {
    const memberId = await addMember(w.usher, 'renew@example.com');
    const { externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'recurring', gatewayPlanId: monthly });
    pay(externalId);
    await stripe.webhooks.idle();
    const first = await paymentsOf(w.usher, memberId);
    expect(first).toHaveLength(1);
    const sub = stripe.state.subscriptions.get(first[0]!.subscriptionId!)!;

    // A month later the renewal fails (the clock goes back afterwards: the admin's session would expire).
    const start = w.usher.clock.now();
    w.usher.clock.set(new Date(first[0]!.to));
    stripe.state.setNow(w.usher.clock.now());
    stripe.account.failRenewal(sub);
    await stripe.webhooks.idle();
    const withGrace = await paymentsOf(w.usher, memberId);
    const grace = withGrace.find((p) => p.amountMinor === 0)!;
    expect(grace).toBeDefined();
    expect(grace.from).toBe(first[0]!.to);
    expect(new Date(grace.to).getTime() - new Date(grace.from).getTime()).toBe(3 * DAY_MS);
    const mail = (await outbox(w.usher, 'renew@example.com')).find((m) => /could not be charged/.test(m.subject ?? ''))!;
    expect(mail.body_text).toContain('https://usher.example.com/portal');

    // The card is fixed: the renewal is paid, the grace disappears and the paid period continues the run.
    stripe.account.renew(sub);
    await stripe.webhooks.idle();
    const after = await paymentsOf(w.usher, memberId);
    expect(after.filter((p) => p.amountMinor === 0)).toHaveLength(0);
    expect(after.filter((p) => p.amountMinor === 999)).toHaveLength(2);
    expect(after.some((p) => p.from === first[0]!.to)).toBe(true);
    w.usher.clock.set(start);
  });

  it('refunds follow the refund policy: partial pro rata, full end_period ends now, keep keeps the period', async () => {
    const g = await gateway();
    const setPolicy = (refundPolicy: string) =>
      w.usher.container.settings.update('paymentGateways', { values: { refundPolicy } }, systemActor);
    const paidMember = async (email: string) => {
      const memberId = await addMember(w.usher, email);
      const { externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'one_off', amountMinor: 1000 });
      pay(externalId);
      await stripe.webhooks.idle();
      return { memberId, payment: (await paymentsOf(w.usher, memberId))[0]! };
    };

    await setPolicy('end_period');
    const partial = await paidMember('partial@example.com');
    await g.refund({ transactionId: partial.payment.transactionId!, amount: { amountMinor: 250, currency: 'USD' } });
    await stripe.webhooks.idle();
    const halfway = (await paymentsOf(w.usher, partial.memberId))[0]!;
    expect(halfway.amountMinor).toBe(750);
    expect(new Date(halfway.to).getTime() - new Date(halfway.from).getTime()).toBe(22.5 * DAY_MS);

    const full = await paidMember('full@example.com');
    w.usher.clock.advance(DAY_MS);
    stripe.state.setNow(w.usher.clock.now());
    await g.refund({ transactionId: full.payment.transactionId! });
    await stripe.webhooks.idle();
    const ended = (await paymentsOf(w.usher, full.memberId))[0]!;
    expect(ended.amountMinor).toBe(0);
    expect(ended.to).toBe(w.usher.clock.now().toISOString());
    expect(ended.notes).toMatch(/Refunded \$10\.00 of \$10\.00/);

    await setPolicy('keep');
    const kept = await paidMember('kept@example.com');
    await g.refund({ transactionId: kept.payment.transactionId! });
    await stripe.webhooks.idle();
    expect((await paymentsOf(w.usher, kept.memberId))[0]!.to).toBe(kept.payment.to);
    await setPolicy('pro_rata');
  });

  it('a dispute raises an admin alert', async () => {
    const memberId = await addMember(w.usher, 'dispute@example.com');
    const { externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'one_off' });
    pay(externalId);
    await stripe.webhooks.idle();
    const pi = stripe.state.paymentIntents.get((await paymentsOf(w.usher, memberId))[0]!.transactionId!)!;
    stripe.account.dispute(pi.latest_charge!);
    await stripe.webhooks.idle();
    await eventually(async () => expect((await alertsOf(w.usher, 'payment_dispute')).length).toBe(1));
  });

  it('an event matching no member is kept as unmatched with an alert, shown to the admin, and applies on replay once matched', async () => {
    const memberId = await addMember(w.usher, 'late@example.com');
    const { checkout, externalId } = await startCheckout(w, 'stripe', memberId, { mode: 'one_off' });
    // The checkout row is gone (say, restored from an older backup): the event names an unknown reference.
    await w.usher.db.handle.db.deleteFrom('checkouts').where('id', '=', checkout.id).execute();
    pay(externalId);
    await stripe.webhooks.idle();
    const list = await w.admin.get('/api/admin/payments/events?status=unmatched&gateway=stripe');
    expect(list.statusCode, list.body).toBe(200);
    const item = list.json().items.find((e: { gatewayType: string }) => e.gatewayType === 'checkout.session.completed');
    expect(item).toMatchObject({ status: 'unmatched', memberId: null });
    expect((await alertsOf(w.usher, 'payment_unmatched')).length).toBeGreaterThan(0);
    const detail = await w.admin.get(`/api/admin/payments/events/${item.id}`);
    expect(JSON.parse(detail.json().payload).type).toBe('checkout.session.completed');

    await w.usher.container.checkoutsRepo.create({ ...checkout }, w.usher.clock.now().toISOString());
    const replayed = await w.admin.post(`/api/admin/payments/events/${item.id}/replay`, {});
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json()).toMatchObject({ status: 'applied', memberId });
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
    const again = await w.admin.post(`/api/admin/payments/events/${item.id}/replay`, {});
    expect(again.statusCode).toBe(409);
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
  });

  it('a gateway that is not set up refuses its webhooks and stores nothing', async () => {
    const before = (await eventRows(w.usher)).length;
    const res = await w.usher.app.inject({
      method: 'POST',
      url: '/api/webhooks/plisio',
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('gateway_not_configured');
    expect(await eventRows(w.usher)).toHaveLength(before);
  });
});
