import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStripeFake, type StripeFake } from '@usher/fakes';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

/** Gateway accounts live in Settings: secrets sealed and write-only, checked by "test credentials". */
describeEachDb('payment gateway settings', (dialect) => {
  const track = trackDisposables();
  let stripe: StripeFake;
  let usher: TestUsher;
  let admin: TestClient;

  beforeAll(async () => {
    stripe = await startStripeFake({ webhookUrl: 'http://127.0.0.1:9/unused' });
    const { host, port, protocol } = stripe.endpoint;
    usher = track(await createTestUsher(dialect, { STRIPE_API_HOST: host, STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: protocol }));
    admin = await setupAdmin(usher);
  });
  afterAll(() => stripe.close());

  it('tests unsaved Stripe keys against the gateway and says which account and mode they belong to', async () => {
    const incomplete = await admin.post('/api/admin/settings/stripe/test', { values: { enabled: true } });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.code).toBe('gateway_incomplete');

    const wrong = await admin.post('/api/admin/settings/stripe/test', {
      secrets: { secretKey: 'sk_test_wrong', webhookSecret: 'whsec_x' },
    });
    expect(wrong.statusCode).toBe(502);
    expect(wrong.json().error.message).toMatch(/key/i);

    const ok = await admin.post('/api/admin/settings/stripe/test', {
      secrets: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().details.join(' ')).toMatch(/Test mode/);
  });

  it('saves the keys sealed: the API only says they are set, and the directory builds a working gateway', async () => {
    const saved = await admin.put('/api/admin/settings/stripe', {
      values: { enabled: true },
      secrets: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain(stripe.secretKey);
    expect(saved.json().secrets).toEqual({ secretKey: { set: true }, webhookSecret: { set: true } });
    expect(await usher.container.gateways.enabledAccounts()).toEqual(['stripe']);
    const gateway = await usher.container.gateways.gateway('stripe');
    expect(gateway?.kind).toBe('stripe');
    expect(await usher.container.gateways.webhookUrlFor('stripe')).toMatch(/\/api\/webhooks\/stripe$/);
  });

  it('a PayPal account switched between sandbox and live needs its secret typed again', async () => {
    const saved = await admin.put('/api/admin/settings/paypal', {
      values: { enabled: false, mode: 'sandbox', clientId: 'client-a', webhookId: 'WH-1' },
      secrets: { clientSecret: 'sandbox-secret' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const moved = await admin.put('/api/admin/settings/paypal', { values: { mode: 'live' } });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error.code).toBe('secret_required_for_new_host');
  });
});
