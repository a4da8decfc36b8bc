import { empty, json, type FakeResponse } from '../core/fake-server.js';
import type { PayPalEvents } from './events.js';
import type { PayPalFakeSettings, RestContext } from './routes-rest.js';
import { paypalId, type FakePlan, type FakeTransaction, type Money, type SubscriptionStatus } from './state.js';
import type { Corruption, Delivery } from './webhooks.js';

export interface SeedTransaction {
  time: string;
  amount: Money;
  email?: string;
  kind?: 'capture' | 'sale';
  referenceId?: string;
  id?: string;
}

const deliveryView = (d: Delivery) => ({
  transmissionId: d.transmissionId,
  eventId: d.eventId,
  eventType: d.eventType,
  state: d.state,
  attempts: d.attempts,
  corrupted: d.corrupted ?? null,
});

/**
 * `/__control/*` for the demo and e2e (tests call the same operations in process): plans, the
 * buyer's approvals without a browser, billing cycles and failed renewals, seeded ledger rows, the
 * fake's clock, settings, and the webhook deliveries (configure, hold/release in any order, replay,
 * duplicate, delay, corrupt).
 */
export function registerControlRoutes(ctx: RestContext, events: PayPalEvents): void {
  const { http, state, settings, webhooks } = ctx;
  const body = <T>(raw: unknown): T => (raw ?? {}) as T;
  const guarded = (fn: () => unknown): FakeResponse => {
    try {
      return json(200, fn() ?? {});
    } catch (error) {
      return json(400, { error: (error as Error).message });
    }
  };
  const sub = (id: string) => {
    const s = state.subscriptions.get(id);
    if (!s) throw new Error(`no subscription ${id}`);
    return s;
  };

  http.route('GET', '/__control/state', () =>
    json(200, {
      plans: [...state.plans.values()],
      orders: [...state.orders.values()],
      subscriptions: [...state.subscriptions.values()],
      transactions: state.transactions,
      webhook: { url: webhooks.url, webhookId: webhooks.webhookId, hold: webhooks.hold, delayMs: webhooks.delayMs },
      settings,
      now: state.nowIso(),
    }),
  );
  http.route('POST', '/__control/plans', (req) =>
    guarded(() => state.addPlan(body<Partial<FakePlan> & { currency: string; value: string }>(req.body))),
  );
  http.route('POST', '/__control/settings', (req) =>
    guarded(() => {
      const b = body<Partial<PayPalFakeSettings>>(req.body);
      for (const key of ['tokenTtlSeconds', 'reportingDelayMs', 'nvpMaxRows'] as const)
        if (typeof b[key] === 'number') settings[key] = b[key];
      if (typeof b.reportingPermission === 'boolean') settings.reportingPermission = b.reportingPermission;
      return settings;
    }),
  );
  http.route('POST', '/__control/clock', (req) =>
    guarded(() => {
      const b = body<{ advanceMs?: number; now?: string }>(req.body);
      if (b.now) state.setNow(new Date(b.now));
      if (typeof b.advanceMs === 'number') state.advance(b.advanceMs);
      return { now: state.nowIso() };
    }),
  );
  http.route('POST', '/__control/webhooks', (req) =>
    guarded(() => {
      webhooks.configure(body<{ url?: string | null; webhookId?: string; hold?: boolean; delayMs?: number }>(req.body));
      return { url: webhooks.url, webhookId: webhooks.webhookId, hold: webhooks.hold, delayMs: webhooks.delayMs };
    }),
  );
  http.route('GET', '/__control/deliveries', () => json(200, webhooks.deliveries.map(deliveryView)));
  http.route('POST', '/__control/deliveries/release', (req) =>
    guarded(() => webhooks.release(body<{ order?: 'sent' | 'reverse' | 'shuffle' }>(req.body).order ?? 'sent').map(deliveryView)),
  );
  http.route('POST', '/__control/deliveries/corrupt', (req) =>
    guarded(() => {
      const b = body<{ mode?: Corruption; times?: number }>(req.body);
      webhooks.corrupt(b.mode ?? 'signature', b.times ?? 1);
    }),
  );
  http.route('POST', '/__control/deliveries/:id/replay', (req) =>
    guarded(() => {
      const b = body<{ times?: number; corrupt?: Corruption }>(req.body);
      return webhooks.replay(req.params.id!, b.times ?? 1, b.corrupt).map(deliveryView);
    }),
  );
  http.route('POST', '/__control/orders/:id/approve', (req) =>
    guarded(() => {
      const order = state.orders.get(req.params.id!);
      if (!order) throw new Error(`no order ${req.params.id}`);
      events.approveOrder(order, events.payer(body<{ email?: string }>(req.body).email));
      return { id: order.id, status: order.status };
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/approve', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      events.approveSubscription(s, events.payer(body<{ email?: string }>(req.body).email ?? s.subscriber?.email_address));
      return { id: s.id, status: s.status };
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/cycle', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      events.chargeCycle(s);
      return { id: s.id, cyclesCompleted: s.cyclesCompleted, nextBillingTime: s.nextBillingTime };
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/fail', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      events.failRenewal(s);
      return { id: s.id, status: s.status, failedPayments: s.failedPayments };
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/status', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      events.setSubscriptionStatus(s, body<{ status: SubscriptionStatus }>(req.body).status);
      return { id: s.id, status: s.status };
    }),
  );
  http.route('POST', '/__control/transactions', (req) =>
    guarded(() => body<{ transactions?: SeedTransaction[] }>(req.body).transactions?.map((t) => seedTransaction(ctx, events, t)) ?? []),
  );
  http.route('POST', '/__control/reset-tokens', () => {
    state.tokens.clear();
    return empty();
  });
}

export function seedTransaction(ctx: RestContext, events: PayPalEvents, t: SeedTransaction): FakeTransaction {
  return ctx.state.record({
    id: t.id ?? paypalId(17),
    time: new Date(t.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    kind: t.kind ?? 'capture',
    amount: t.amount,
    payer: events.payer(t.email),
    referenceId: t.referenceId ?? paypalId(17),
  });
}
