import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  demoSeed,
  startJellyfinFake,
  startPayPalFake,
  startPlisioFake,
  startStripeFake,
  type MediaBrowserFake,
  type PayPalFake,
  type PlisioFake,
  type StripeFake,
} from '@usher/fakes';
import { createTestUsher, loginAs, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

const RETURN = 'https://usher.example.com/portal/checkout/return?checkout=';
const code = (res: { json: () => { error?: { code?: string } } }) => res.json().error?.code;

/** A Jellyfin server whose libraries are all in a new group, so a plan on that group has room there. */
async function addServer(usher: TestUsher, admin: TestClient, fake: MediaBrowserFake, locationId: string | null, groupId: string): Promise<string> {
  const id = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: fake.url, apiKey: fake.apiKey, enabled: true, locationId })).json().id as string;
  expect((await admin.post(`/api/admin/servers/${id}/sync`)).json()).toMatchObject({ ok: true });
  const libs = await usher.db.handle.db.selectFrom('libraries').select('id').where('server_id', '=', id).execute();
  for (const lib of libs) expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId })).statusCode).toBe(200);
  return id;
}

describeEachDb('customer checkout against the gateway fakes', (dialect) => {
  const track = trackDisposables();
  let stripe: StripeFake;
  let paypal: PayPalFake;
  let plisio: PlisioFake;
  let jellyfin: MediaBrowserFake;
  let usher: TestUsher;
  let admin: TestClient;
  let customer: TestClient;
  let gold: string;
  let basic: string;
  let serverId: string;
  let groupId: string;

  beforeAll(async () => {
    stripe = await startStripeFake();
    paypal = await startPayPalFake();
    plisio = await startPlisioFake();
    const { host, port, protocol } = stripe.endpoint;
    usher = track(
      await createTestUsher(dialect, {
        STRIPE_API_HOST: host,
        STRIPE_API_PORT: String(port),
        STRIPE_API_PROTOCOL: protocol,
        PAYPAL_API_URL: paypal.url,
        PLISIO_API_URL: plisio.url,
      }),
    );
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 0, items: false }));
    groupId = (await admin.post('/api/admin/library-groups', { name: 'Films' })).json().id;
    const europe = (await admin.post('/api/admin/server-locations', { name: 'Europe' })).json().id;
    serverId = await addServer(usher, admin, jellyfin, europe, groupId);

    const price = stripe.addPrice({ unitAmount: 1000, currency: 'usd', interval: 'month' }).id;
    const paypalPlan = paypal.addPlan({ currency: 'USD', value: '10.00' }).id;
    const plan = { description: 'Films, two screens', costMinor: 1000, duration: { unit: 'months', count: 1 }, libraryGroupIds: [groupId], maxStreams: 2 };
    gold = (await admin.post('/api/admin/plans', { ...plan, name: 'Gold', stripePriceId: price, paypalPlanId: paypalPlan })).json().id;
    basic = (await admin.post('/api/admin/plans', { ...plan, name: 'Basic', costMinor: 500 })).json().id;

    for (const [section, body] of [
      ['stripe', { values: { enabled: true }, secrets: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret } }],
      ['paypal', { values: { enabled: true, clientId: paypal.clientId, webhookId: paypal.webhookId }, secrets: { clientSecret: paypal.clientSecret } }],
      ['plisio', { values: { enabled: true }, secrets: { secretKey: plisio.secretKey } }],
      ['paymentGateways', { values: { defaultGateway: 'paypal' } }],
    ] as const) {
      const saved = await admin.put(`/api/admin/settings/${section}`, body);
      expect(saved.statusCode, saved.body).toBe(200);
    }
    customer = await loginAs(usher, admin, 'buyer@example.com', 'role-user');
  });
  afterAll(async () => {
    await Promise.all([stripe?.close(), paypal?.close(), plisio?.close(), jellyfin?.close()]);
  });

  it('offers each plan with the ways it can be paid, default gateway first, and no location choice with one location', async () => {
    const res = await customer.get('/api/portal/checkout/options');
    expect(res.statusCode, res.body).toBe(200);
    const options = res.json();
    expect(options.currency).toBe('USD');
    const goldOffer = options.plans.find((p: { id: string }) => p.id === gold);
    expect(goldOffer).toMatchObject({ name: 'Gold', priceMinor: 1000, period: { unit: 'months', count: 1 }, maxStreams: 2, libraryGroups: ['Films'], locations: [] });
    expect(goldOffer.modes).toEqual([
      { mode: 'one_off', gateways: ['paypal', 'stripe', 'plisio'] },
      { mode: 'recurring', gateways: ['paypal', 'stripe'] },
    ]);
    expect(options.plans.find((p: { id: string }) => p.id === basic).modes).toEqual([{ mode: 'one_off', gateways: ['paypal', 'stripe', 'plisio'] }]);
    expect(options.gateways.map((g: { account: string; label: string; modes: string[] }) => [g.account, g.label, g.modes])).toEqual([
      ['paypal', 'PayPal', ['one_off', 'recurring']],
      ['stripe', 'Card (Stripe)', ['one_off', 'recurring']],
      ['plisio', 'Crypto (Plisio)', ['one_off']],
    ]);
  });

  it('a one-off Stripe checkout: the fake has a session for the plan price, the reference and the return URLs', async () => {
    const res = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe' });
    expect(res.statusCode, res.body).toBe(201);
    const { id, redirectUrl } = res.json();
    expect(redirectUrl.startsWith(stripe.url)).toBe(true);
    const session = [...stripe.state.sessions.values()].find((s) => s.client_reference_id === id)!;
    expect(session).toMatchObject({ mode: 'payment', amount_total: 1000, currency: 'usd', customer_email: 'buyer@example.com', success_url: `${RETURN}${id}`, cancel_url: `${RETURN}${id}&cancelled=1` });
    expect(redirectUrl).toBe(session.url);

    const view = (await customer.get(`/api/portal/checkouts/${id}`)).json();
    expect(view).toMatchObject({ status: 'open', plan: { id: gold, name: 'Gold' }, gatewayAccount: 'stripe', mode: 'one_off', amountMinor: 1000, currency: 'USD', failureReason: null, access: { state: 'expired', until: null } });
    // The first checkout made the customer a member tied to their login; nothing was paid or granted.
    const member = await usher.db.handle.db.selectFrom('members').select(['email', 'source']).where('email', '=', 'buyer@example.com').execute();
    expect(member).toEqual([{ email: 'buyer@example.com', source: 'subscription' }]);
    expect(await usher.db.handle.db.selectFrom('payments').selectAll().execute()).toEqual([]);
  });

  it('a recurring Stripe checkout subscribes to the plan’s Stripe price', async () => {
    const res = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'recurring', gatewayAccount: 'stripe' });
    expect(res.statusCode, res.body).toBe(201);
    const session = [...stripe.state.sessions.values()].find((s) => s.client_reference_id === res.json().id)!;
    expect(session.mode).toBe('subscription');
  });

  it('PayPal: a one-off order for the plan price, and a subscription to the plan’s PayPal plan', async () => {
    const once = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'paypal' });
    expect(once.statusCode, once.body).toBe(201);
    const order = [...paypal.state.orders.values()].find((o) => o.customId === once.json().id)!;
    expect(order).toMatchObject({ amount: { currency_code: 'USD', value: '10.00' }, returnUrl: `${RETURN}${once.json().id}`, cancelUrl: `${RETURN}${once.json().id}&cancelled=1` });
    expect(once.json().redirectUrl.startsWith(paypal.url)).toBe(true);

    const recurring = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'recurring', gatewayAccount: 'paypal' });
    expect(recurring.statusCode, recurring.body).toBe(201);
    const subscription = [...paypal.state.subscriptions.values()].find((s) => s.customId === recurring.json().id)!;
    expect(subscription.planId).toBe((await usher.container.plans.get(gold)).paypalPlanId);
    expect(recurring.json().redirectUrl.startsWith(paypal.url)).toBe(true);
  });

  it('Plisio: an invoice in the site currency for the plan price, numbered with the checkout id', async () => {
    const res = await customer.post('/api/portal/checkouts', { planId: basic, mode: 'one_off', gatewayAccount: 'plisio' });
    expect(res.statusCode, res.body).toBe(201);
    const invoice = [...plisio.invoices.values()].find((i) => i.order_number === res.json().id)!;
    expect(invoice).toMatchObject({ source_currency: 'USD', source_amount: '5.00', email: 'buyer@example.com', success_invoice_url: `${RETURN}${res.json().id}` });
    expect(res.json().redirectUrl.startsWith(plisio.url)).toBe(true);
  });

  it('refuses what is not offered, with a stable code, and creates nothing', async () => {
    const before = await usher.db.handle.db.selectFrom('checkouts').select('id').execute();
    const cases: [object, number, string][] = [
      [{ planId: 'no-such-plan', mode: 'one_off', gatewayAccount: 'stripe' }, 400, 'plan_not_offered'],
      [{ planId: basic, mode: 'recurring', gatewayAccount: 'stripe' }, 400, 'mode_not_offered'],
      [{ planId: gold, mode: 'recurring', gatewayAccount: 'plisio' }, 400, 'gateway_unavailable'],
      [{ planId: gold, mode: 'one_off', gatewayAccount: 'paypalSecondary' }, 400, 'gateway_unavailable'],
      [{ planId: gold, mode: 'one_off', gatewayAccount: 'stripe', locationId: 'somewhere' }, 400, 'location_not_offered'],
    ];
    for (const [body, status, expected] of cases) {
      const res = await customer.post('/api/portal/checkouts', body);
      expect([res.statusCode, code(res)], JSON.stringify(body)).toEqual([status, expected]);
      expect(res.json().error.message.length).toBeGreaterThan(10);
    }
    const inactive = await admin.patch(`/api/admin/plans/${basic}`, { active: false });
    expect(inactive.statusCode, inactive.body).toBe(200);
    const refused = await customer.post('/api/portal/checkouts', { planId: basic, mode: 'one_off', gatewayAccount: 'stripe' });
    expect([refused.statusCode, code(refused)]).toEqual([400, 'plan_not_offered']);
    expect(refused.json().error.message).toMatch(/not active/);
    await admin.patch(`/api/admin/plans/${basic}`, { active: true });

    await admin.patch(`/api/admin/servers/${serverId}`, { allowNewSubscriptions: false });
    const full = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe' });
    expect([full.statusCode, code(full)]).toEqual([409, 'no_capacity']);
    await admin.patch(`/api/admin/servers/${serverId}`, { allowNewSubscriptions: true });

    expect(await usher.db.handle.db.selectFrom('checkouts').select('id').execute()).toHaveLength(before.length);
  });

  it('a gateway error answers 502 with the gateway’s explanation and leaves the checkout failed', async () => {
    stripe.http.fail('*', 1, 401, JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_***' } }));
    const res = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe' });
    stripe.http.clearFaults();
    expect(res.statusCode, res.body).toBe(502);
    expect(res.json().error.message.length).toBeGreaterThan(10);
    const failed = await usher.db.handle.db.selectFrom('checkouts').selectAll().where('status', '=', 'failed').execute();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure_reason).toBeTruthy();
    expect((await customer.get(`/api/portal/checkouts/${failed[0]!.id}`)).json()).toMatchObject({ status: 'failed' });
  });

  it('only the owner sees or cancels a checkout; cancel ends an open one and never undoes a settled one', async () => {
    const { id } = (await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe' })).json();
    const stranger = await loginAs(usher, admin, 'stranger@example.com', 'role-user');
    expect([(await stranger.get(`/api/portal/checkouts/${id}`)).statusCode, code(await stranger.get(`/api/portal/checkouts/${id}`))]).toEqual([404, 'checkout_not_found']);
    expect((await stranger.post(`/api/portal/checkouts/${id}/cancel`)).statusCode).toBe(404);
    expect((await customer.get('/api/portal/checkouts/does-not-exist')).statusCode).toBe(404);

    const cancelled = await customer.post(`/api/portal/checkouts/${id}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    // Pressing it twice (a reloaded return page) changes nothing.
    expect((await customer.post(`/api/portal/checkouts/${id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });

    const paid = (await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe' })).json().id;
    await usher.container.checkoutsRepo.settle(paid, 'paid', null, usher.clock.now().toISOString());
    const late = await customer.post(`/api/portal/checkouts/${paid}/cancel`);
    expect([late.statusCode, code(late)]).toEqual([409, 'checkout_final']);
    expect((await customer.get(`/api/portal/checkouts/${paid}`)).json().status).toBe('paid');
  });

  it('a second location with room brings the location choice, and the chosen location picks the server', async () => {
    const other = await startJellyfinFake({ serverName: 'Loft' });
    try {
      other.seed(demoSeed({ users: 0, items: false }));
      const america = (await admin.post('/api/admin/server-locations', { name: 'America' })).json().id;
      const loft = await addServer(usher, admin, other, america, groupId);
      const offer = (await customer.get('/api/portal/checkout/options')).json().plans.find((p: { id: string }) => p.id === gold);
      expect(offer.locations.map((l: { name: string }) => l.name)).toEqual(['America', 'Europe']);
      const res = await customer.post('/api/portal/checkouts', { planId: gold, mode: 'one_off', gatewayAccount: 'stripe', locationId: america });
      expect(res.statusCode, res.body).toBe(201);
      expect((await usher.container.checkoutsRepo.byId(res.json().id))!.serverId).toBe(loft);
      await admin.delete(`/api/admin/servers/${loft}`);
    } finally {
      await other.close();
    }
  });

  it('the admin sees, for every plan, whether it is offered and every reason why not, and each gateway’s webhook URL', async () => {
    await admin.post('/api/admin/plans', { name: 'Trial week', costMinor: 0, duration: { unit: 'days', count: 7 }, libraryGroupIds: [groupId], isTrial: true, trialDays: 7, active: true });
    const res = await admin.get('/api/admin/checkout/diagnostics');
    expect(res.statusCode, res.body).toBe(200);
    const byName = Object.fromEntries(res.json().plans.map((p: { name: string; offered: boolean; reasons: { code: string }[] }) => [p.name, [p.offered, p.reasons.map((r) => r.code)]]));
    expect(byName.Gold).toEqual([true, []]);
    expect(byName.Basic).toEqual([true, ['no_recurring_id']]);
    expect(byName['Trial week']).toEqual([false, ['trial_plan', 'no_recurring_id']]);
    // Every install has an inactive Default plan.
    expect(Object.values(byName).some(([offered, codes]) => !offered && (codes as string[]).includes('inactive'))).toBe(true);

    const gateways = (await admin.get('/api/admin/payments/gateways')).json().items;
    expect(gateways.map((g: { account: string; enabled: boolean; configured: boolean }) => [g.account, g.enabled, g.configured])).toEqual([
      ['stripe', true, true],
      ['paypal', true, true],
      ['paypalSecondary', false, false],
      ['plisio', true, true],
    ]);
    expect(gateways[0].webhookUrl).toBe('https://usher.example.com/api/webhooks/stripe');
    expect(gateways[3].capabilities).toMatchObject({ oneOff: true, recurring: false });

    const customerTries = await customer.get('/api/admin/checkout/diagnostics');
    expect(customerTries.statusCode).toBe(403);
  });
});
