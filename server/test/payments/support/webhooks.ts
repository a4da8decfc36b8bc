import type { AddressInfo } from 'node:net';
import type { Dialect } from '../../../src/db/database.js';
import { systemActor } from '../../../src/modules/audit/audit.service.js';
import type { CheckoutRecord } from '../../../src/modules/payments/checkouts.repository.js';
import type { GatewayAccount } from '../../../src/modules/payments/gateway-directory.js';
import type { PaymentRecord } from '../../../src/modules/payments/payments.repository.js';
import { newId } from '../../../src/platform/ids.js';
import type { CheckoutRequest, PaymentGateway } from '../../../src/ports/payment-gateway.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../../support/app.js';

export interface WebhookUsher {
  usher: TestUsher;
  admin: TestClient;
  /** http://127.0.0.1:port: where the fakes deliver webhooks. */
  url: string;
  planId: string;
}

/** A test Usher listening on a real port (the fakes post to it), with an admin and a 30-day plan of 999. */
export async function startWebhookUsher(dialect: Dialect, env: Record<string, string>): Promise<WebhookUsher> {
  const usher = await createTestUsher(dialect, env);
  await usher.app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await setupAdmin(usher);
  await usher.container.settings.update('general', { values: { currency: 'USD' } }, systemActor);
  // Straight into the table: a plan made through the API needs a media server's library groups.
  const planId = newId();
  const now = usher.clock.now().toISOString();
  await usher.db.handle.db
    .insertInto('plans')
    .values({
      id: planId,
      name: 'Monthly',
      description: '',
      cost_minor: 999,
      duration_unit: 'days',
      duration_count: 30,
      max_streams: null,
      allow_downloads: true,
      weekly_download_quota: null,
      allow_transcoding: true,
      max_emby_devices: null,
      max_sub_accounts: 0,
      master_only: false,
      is_default: true,
      is_trial: false,
      trial_days: null,
      active: true,
      sort_order: 0,
      stripe_price_id: null,
      paypal_plan_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { usher, admin, url: `http://127.0.0.1:${(usher.app.server.address() as AddressInfo).port}`, planId };
}

export async function configure(
  usher: TestUsher,
  account: GatewayAccount,
  values: Record<string, unknown>,
  secrets: Record<string, string>,
) {
  await usher.container.settings.update(account, { values: { enabled: true, ...values }, secrets }, systemActor);
}

export async function addMember(usher: TestUsher, email: string, loginId: string | null = null): Promise<string> {
  const id = newId();
  const now = usher.clock.now().toISOString();
  await usher.db.handle.db
    .insertInto('members')
    .values({
      id,
      email,
      username: null,
      display_name: null,
      login_id: loginId,
      permanent: false,
      source: 'subscription',
      import_expires_at: null,
      deleted_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** What H4's customer route does: a checkout row, then the gateway's session for it. */
export async function startCheckout(
  w: WebhookUsher,
  account: GatewayAccount,
  memberId: string,
  request: { mode: 'one_off'; amountMinor?: number } | { mode: 'recurring'; gatewayPlanId: string },
): Promise<{ checkout: CheckoutRecord; externalId: string; redirectUrl: string }> {
  const { container, clock } = w.usher;
  const gateway = (await container.gateways.gateway(account)) as PaymentGateway;
  const amountMinor = request.mode === 'one_off' ? (request.amountMinor ?? 999) : 999;
  const checkout = await container.checkoutsRepo.create(
    {
      id: newId(),
      memberId,
      planId: w.planId,
      gatewayAccount: account,
      mode: request.mode,
      amountMinor,
      currency: 'USD',
      serverId: null,
      discountCodeId: null,
    },
    clock.now().toISOString(),
  );
  const common = {
    reference: checkout.id,
    successUrl: 'https://usher.example.com/pay/return',
    cancelUrl: 'https://usher.example.com/pay/cancel',
    email: 'payer@example.com',
  };
  const req: CheckoutRequest =
    request.mode === 'one_off'
      ? { ...common, mode: 'one_off', amount: { amountMinor, currency: 'USD' }, itemName: 'Monthly' }
      : { ...common, mode: 'recurring', gatewayPlanId: request.gatewayPlanId };
  const session = await gateway.createCheckout(req);
  await container.checkoutsRepo.attachSession(
    checkout.id,
    { externalId: session.externalId, redirectUrl: session.redirectUrl, expiresAt: null },
    clock.now().toISOString(),
  );
  return { checkout, externalId: session.externalId, redirectUrl: session.redirectUrl };
}

export async function paymentsOf(usher: TestUsher, memberId: string): Promise<PaymentRecord[]> {
  return usher.container.payments.list(memberId);
}

export async function eventRows(usher: TestUsher) {
  return usher.db.handle.db.selectFrom('gateway_events').selectAll().orderBy('received_at').execute();
}

export async function outbox(usher: TestUsher, to: string) {
  return usher.db.handle.db
    .selectFrom('notification_outbox')
    .select(['recipient', 'subject', 'body_text'])
    .where('recipient', '=', to)
    .execute();
}

export async function alertsOf(usher: TestUsher, kind: string) {
  return usher.db.handle.db.selectFrom('alerts').selectAll().where('kind', '=', kind).execute();
}

/** Polls until `check` passes: deliveries reach Usher over HTTP, after the fake says it sent them. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
