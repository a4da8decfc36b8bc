import type { StripeFake } from '@usher/fakes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

describe('Stripe refunds, disputes and portal', () => {
  async function paidOneOff(amountMinor = 2000) {
    const g = gateway();
    const session = await g.createCheckout({
      mode: 'one_off',
      reference: 'chk_refund',
      amount: { amountMinor, currency: 'USD' },
      itemName: 'x',
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    fake.account.paySession(fake.state.sessions.get(session.externalId)!, { email: 'r@example.com' });
    const s = fake.state.sessions.get(session.externalId)!;
    await fake.webhooks.idle();
    receiver.clear();
    return { g, pi: s.payment_intent!, customer: s.customer! };
  }

  it('refunds part, then the rest, then refuses a third with a clear fix', async () => {
    const { g, pi } = await paidOneOff();
    const part = await g.refund({ transactionId: pi, amount: { amountMinor: 500, currency: 'USD' }, idempotencyKey: 'refund-1' });
    expect(part).toMatchObject({ status: 'succeeded', amount: { amountMinor: 500, currency: 'USD' } });
    const again = await g.refund({ transactionId: pi, amount: { amountMinor: 500, currency: 'USD' }, idempotencyKey: 'refund-1' });
    expect(again.refundId).toBe(part.refundId);
    const rest = await g.refund({ transactionId: pi });
    expect(rest.amount.amountMinor).toBe(1500);
    const error = await integrationError(g.refund({ transactionId: pi }));
    expect(error.reason).toBe('stripe_charge_already_refunded');
    const refunded = (await deliveredEvents(g)).filter((e) => e.type === 'payment.refunded');
    expect(refunded.map((e) => [e.transactionId, e.refundedAmount?.amountMinor])).toEqual([
      [pi, 500],
      [pi, 2000],
    ]);
  });

  it('refusing an unknown payment says so', async () => {
    const error = await integrationError(gateway().refund({ transactionId: 'pi_unknown' }));
    expect(error).toMatchObject({ kind: 'not_found', reason: 'stripe_resource_missing' });
  });

  it('a dispute becomes dispute.created on the payment', async () => {
    const { g, pi } = await paidOneOff();
    fake.account.dispute(pi);
    const [event] = await deliveredEvents(g);
    expect(event).toMatchObject({ type: 'dispute.created', transactionId: pi, amount: { amountMinor: 2000, currency: 'USD' } });
  });

  it('opens the customer portal for a known customer and explains an unknown one', async () => {
    const { g, customer } = await paidOneOff();
    const url = await g.customerPortalUrl(customer, 'https://usher.example/account');
    const page = await fetch(url!);
    expect(await page.text()).toContain('customer portal');
    const error = await integrationError(g.customerPortalUrl('cus_gone', 'https://usher.example/account'));
    expect(error.fix).toMatch(/customer no longer exists/);
  });
});

describe('Stripe transaction listing', () => {
  it('reads every page and tags subscription payments with their subscription', async () => {
    const g = gateway();
    const since = new Date(Date.now() - 1000);
    const payments: string[] = [];
    for (let i = 0; i < 7; i++) {
      const session = await g.createCheckout({
        mode: 'one_off',
        reference: `bulk_${i}`,
        amount: { amountMinor: 100 + i, currency: 'USD' },
        itemName: 'x',
        successUrl: SUCCESS,
        cancelUrl: CANCEL,
        email: `bulk${i}@example.com`,
      });
      fake.account.paySession(fake.state.sessions.get(session.externalId)!, { email: `bulk${i}@example.com` });
      payments.push(fake.state.sessions.get(session.externalId)!.payment_intent!);
    }
    const sub = await g.createCheckout({
      mode: 'recurring',
      reference: 'bulk_sub',
      gatewayPlanId: monthly,
      successUrl: SUCCESS,
      cancelUrl: CANCEL,
    });
    fake.account.paySession(fake.state.sessions.get(sub.externalId)!, { email: 'bulksub@example.com' });
    const subId = fake.state.sessions.get(sub.externalId)!.subscription!;
    fake.http.resetCounts();
    // limit=100 per page: seed past it so has_more/starting_after are exercised.
    for (let i = 0; i < 120; i++)
      fake.state.charge({ amount: 1, currency: 'usd', customer: null, email: null, name: null, description: 'filler', metadata: {} });
    const rows = await g.listTransactions(since, new Date(Date.now() + 5000));
    expect(fake.http.requestCounts()['GET /v1/charges']).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.transactionId)).size).toBe(rows.length);
    for (const pi of payments)
      expect(rows.find((r) => r.transactionId === pi)).toMatchObject({ status: 'succeeded', subscriptionId: null });
    const subRow = rows.find((r) => r.subscriptionId === subId)!;
    expect(subRow).toMatchObject({ amount: { amountMinor: 999, currency: 'USD' }, email: 'bulksub@example.com', reference: 'bulk_sub' });
    expect(rows.find((r) => r.transactionId === payments[3])!.email).toBe('bulk3@example.com');
  });

  it('a failed listing is an IntegrationError', async () => {
    fake.http.fail('GET /v1/invoices', 1, 429, JSON.stringify({ error: { type: 'rate_limit_error', message: 'slow down' } }));
    const error = await integrationError(gateway().listTransactions(new Date(0)));
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true });
  });
});
