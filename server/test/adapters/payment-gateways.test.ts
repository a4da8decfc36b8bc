import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';
import { ManualGateway } from '../../src/adapters/payment/manual/manual-gateway.js';
import { PayPalGateway } from '../../src/adapters/payment/paypal/paypal-gateway.js';
import { PlisioGateway } from '../../src/adapters/payment/plisio/plisio-gateway.js';
import { gatewayEndpoints, PaymentGatewayRegistry, webhookUrl } from '../../src/adapters/payment/registry.js';
import { StripeGateway } from '../../src/adapters/payment/stripe/stripe-gateway.js';
import { loadEnv } from '../../src/config/env.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { GatewayEvent, PaymentGateway } from '../../src/ports/payment-gateway.js';
import { startPayPalHarness, type PayPalHarness } from './support/paypal.js';

const SITE = 'https://usher.example';

describe('payment gateway registry', () => {
  const registry = new PaymentGatewayRegistry(gatewayEndpoints({}, SITE));

  it('builds one adapter per kind, each saying what it supports', () => {
    const stripe = registry.create({ kind: 'stripe', secretKey: 'sk_test_x', webhookSecret: 'whsec_x' });
    const paypal = registry.create({ kind: 'paypal', mode: 'sandbox', clientId: 'id', clientSecret: 's', webhookId: 'WH-1' });
    const plisio = registry.create({ kind: 'plisio', secretKey: 'k' });
    const manual = registry.create({ kind: 'manual' });
    expect(stripe).toBeInstanceOf(StripeGateway);
    expect(paypal).toBeInstanceOf(PayPalGateway);
    expect(plisio).toBeInstanceOf(PlisioGateway);
    expect(manual).toBeInstanceOf(ManualGateway);
    expect([stripe, paypal, plisio, manual].map((g: PaymentGateway) => [g.kind, g.capabilities.recurring, g.capabilities.refund])).toEqual([
      ['stripe', true, true],
      ['paypal', true, false],
      ['plisio', false, false],
      ['manual', false, false],
    ]);
  });

  it('keeps one gateway per configuration and a fresh one when a secret changes', async () => {
    const cached = new PaymentGatewayRegistry(gatewayEndpoints({}, SITE));
    const config = { kind: 'stripe' as const, secretKey: 'sk_test_a', webhookSecret: 'whsec_a' };
    const first = cached.get(config);
    expect(cached.get({ ...config })).toBe(first);
    expect(cached.get({ ...config, secretKey: 'sk_test_b' })).not.toBe(first);
    expect(cached.create(config)).not.toBe(first);
    await cached.closeAll();
    expect(cached.get(config)).not.toBe(first);
  });

  it('gives the webhook URL to paste into each dashboard', () => {
    expect(webhookUrl(SITE, 'stripe')).toBe('https://usher.example/api/webhooks/stripe');
    expect(webhookUrl('https://usher.example/sub/', 'plisio')).toBe('https://usher.example/sub/api/webhooks/plisio');
  });

  it('reads where each gateway lives from the environment, never from settings', () => {
    const env = loadEnv({
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: '8097',
      STRIPE_API_PROTOCOL: 'http',
      PLISIO_API_URL: 'http://127.0.0.1:8098',
      PAYPAL_API_URL: 'http://127.0.0.1:8096',
    });
    expect(gatewayEndpoints(env, SITE)).toMatchObject({
      stripe: { host: '127.0.0.1', port: 8097, protocol: 'http' },
      plisioApiUrl: 'http://127.0.0.1:8098',
      paypalApiUrl: 'http://127.0.0.1:8096',
    });
    expect(gatewayEndpoints(loadEnv({}), SITE)).toMatchObject({
      stripe: {},
      plisioApiUrl: 'https://api.plisio.net',
      paypalApiUrl: undefined,
    });
    expect(() => loadEnv({ STRIPE_API_PROTOCOL: 'ftp' })).toThrow(/STRIPE_API_PROTOCOL/);
    expect(() => loadEnv({ STRIPE_API_PORT: '70000' })).toThrow(/STRIPE_API_PORT/);
  });
});

describe('manual gateway', () => {
  const manual = new ManualGateway();
  it('has nothing remote: no checkout, no webhooks, no refunds, nothing to sync', async () => {
    await expect(manual.createCheckout()).rejects.toBeInstanceOf(IntegrationError);
    await expect(manual.refund()).rejects.toMatchObject({ reason: 'gateway_unsupported' });
    expect(await manual.verifyWebhook()).toMatchObject({ ok: false });
    expect(await manual.listTransactions()).toEqual([]);
    expect(await manual.customerPortalUrl()).toBeNull();
    expect((await manual.testCredentials()).account).toBeNull();
  });
});

describe('PayPal behind the port', () => {
  let h: PayPalHarness;
  let gateway: PayPalGateway;
  beforeAll(async () => {
    h = await startPayPalHarness();
    gateway = new PayPalGateway({ client: h.client(), webhookId: h.fake.webhookId, nvp: h.nvp() });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.fake.webhooks.idle();
    h.receiver.received.length = 0;
  });

  async function events(): Promise<GatewayEvent[]> {
    await h.fake.webhooks.idle();
    const out: GatewayEvent[] = [];
    for (const d of h.receiver.received) {
      const v = await gateway.verifyWebhook(d.rawBody, d.headers);
      if (!v.ok) throw new Error(v.reason);
      out.push(...v.events);
    }
    return out;
  }

  it('one-off: approval then capture become checkout.completed and payment.succeeded in minor units', async () => {
    const session = await gateway.createCheckout({
      mode: 'one_off',
      reference: 'chk_pp1',
      amount: { amountMinor: 1200, currency: 'JPY' },
      itemName: 'Month',
      successUrl: `${SITE}/return`,
      cancelUrl: `${SITE}/cancel`,
    });
    await h.approve(session.redirectUrl, 'pay', 'payer@example.com');
    await h.client().captureOrder(session.externalId);
    const got = await events();
    expect(got.map((e) => [e.gatewayType, e.type])).toEqual([
      ['CHECKOUT.ORDER.APPROVED', 'checkout.completed'],
      ['PAYMENT.CAPTURE.COMPLETED', 'payment.succeeded'],
    ]);
    expect(got[0]).toMatchObject({ checkoutId: session.externalId, reference: 'chk_pp1', email: 'payer@example.com' });
    expect(got[1]).toMatchObject({ reference: 'chk_pp1', amount: { amountMinor: 1200, currency: 'JPY' } });
    expect(got[1]!.transactionId).toMatch(/^[A-Z0-9]{17}$/);
  });

  it('recurring: activation links the subscription and the sale carries the money', async () => {
    const session = await gateway.createCheckout({
      mode: 'recurring',
      reference: 'chk_pp2',
      gatewayPlanId: 'P-MONTHLY',
      successUrl: `${SITE}/return`,
      cancelUrl: `${SITE}/cancel`,
      email: 'sub@example.com',
    });
    expect(session.externalId).toMatch(/^I-/);
    await h.approve(session.redirectUrl);
    const got = await events();
    const activated = got.find((e) => e.gatewayType === 'BILLING.SUBSCRIPTION.ACTIVATED')!;
    const sale = got.find((e) => e.gatewayType === 'PAYMENT.SALE.COMPLETED')!;
    expect(activated).toMatchObject({ type: 'checkout.completed', subscriptionId: session.externalId, reference: 'chk_pp2' });
    expect(sale).toMatchObject({
      type: 'payment.succeeded',
      subscriptionId: session.externalId,
      amount: { amountMinor: 999, currency: 'USD' },
    });
  });

  it('a plan id from the other mode is explained', async () => {
    const error = await gateway
      .createCheckout({
        mode: 'recurring',
        reference: 'x',
        gatewayPlanId: 'P-LIVE-ONLY',
        successUrl: `${SITE}/return`,
        cancelUrl: `${SITE}/cancel`,
      })
      .catch((e: unknown) => e as IntegrationError);
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as IntegrationError).fix).toMatch(/Sandbox\/live mismatch or wrong plan id/);
  });

  it('a forged delivery is refused', async () => {
    h.fake.webhooks.corrupt('signature');
    await gateway.createCheckout({
      mode: 'one_off',
      reference: 'chk_pp3',
      amount: { amountMinor: 500, currency: 'USD' },
      itemName: 'x',
      successUrl: `${SITE}/return`,
      cancelUrl: `${SITE}/cancel`,
    });
    const order = [...h.fake.state.orders.values()].at(-1)!;
    h.fake.events.approveOrder(order, h.fake.events.payer());
    await h.fake.webhooks.idle();
    const d = h.receiver.received[0]!;
    expect(await gateway.verifyWebhook(d.rawBody, d.headers)).toMatchObject({ ok: false });
  });

  it('syncs through NVP when its credentials are set, else the Reporting API', async () => {
    const now = h.fake.state.now();
    const [seeded] = h.fake.seedTransactions([
      { time: new Date(now.getTime() - 60_000).toISOString(), amount: { currency_code: 'USD', value: '4.50' }, email: 'sync@example.com' },
    ]);
    h.fake.http.resetCounts();
    const rows = await gateway.listTransactions(new Date(now.getTime() - 3_600_000), new Date(now.getTime() + 60_000));
    expect(h.count('POST /nvp')).toBeGreaterThan(0);
    expect(rows.find((r) => r.transactionId === seeded!.id)).toMatchObject({
      status: 'succeeded',
      amount: { amountMinor: 450, currency: 'USD' },
      email: 'sync@example.com',
    });
    const rest = new PayPalGateway({
      client: h.client(),
      webhookId: h.fake.webhookId,
      clock: new ManualClock(new Date(now.getTime() + 60_000)),
    });
    h.fake.http.resetCounts();
    await rest.listTransactions(new Date(now.getTime() - 3_600_000));
    expect(h.count('POST /nvp')).toBe(0);
    expect(h.count('GET /v1/reporting/transactions')).toBeGreaterThan(0);
  });

  it('says refunds happen in PayPal for now, and tests credentials', async () => {
    await expect(gateway.refund()).rejects.toMatchObject({ reason: 'gateway_refund_unsupported' });
    expect(await gateway.testCredentials()).toMatchObject({ live: false });
  });
});
