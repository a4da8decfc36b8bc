import { json, type FakeResponse } from '../core/fake-server.js';
import type { StripeAccount } from './account.js';
import type { StripeRouteContext } from './routes.js';
import type { Corruption, Delivery } from './webhooks.js';

const deliveryView = (d: Delivery) => ({
  id: d.id,
  eventId: d.eventId,
  type: d.type,
  state: d.state,
  attempts: d.attempts,
  corrupted: d.corrupted,
});

/**
 * `/__control/*` for the demo and e2e (tests call the same operations in process): prices, paying
 * or expiring a session without a browser, settling bank debits, renewals and failed renewals,
 * cancellations, disputes, the fake's clock, and webhook deliveries (configure, hold and release
 * in any order, replay and duplicate, delay, corrupt the signature, the body or the timestamp).
 */
export function registerStripeControl(ctx: StripeRouteContext, account: StripeAccount): void {
  const { http } = ctx;
  const { state, webhooks } = account;
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
  const session = (id: string) => {
    const s = state.sessions.get(id);
    if (!s) throw new Error(`no checkout session ${id}`);
    return s;
  };
  const webhookView = () => ({ url: webhooks.url, hold: webhooks.hold, delayMs: webhooks.delayMs });

  http.route('GET', '/__control/state', () =>
    json(200, {
      prices: [...state.prices.values()],
      customers: [...state.customers.values()],
      sessions: [...state.sessions.values()],
      subscriptions: [...state.subscriptions.values()],
      invoices: [...state.invoices.values()],
      charges: [...state.charges.values()],
      refunds: [...state.refunds.values()],
      webhook: webhookView(),
      apiVersions: [...new Set(ctx.versions)],
      now: state.now(),
    }),
  );
  http.route('POST', '/__control/prices', (req) =>
    guarded(() =>
      state.addPrice(
        body<{
          id?: string;
          unitAmount: number;
          currency: string;
          interval?: 'day' | 'week' | 'month' | 'year';
          intervalCount?: number;
          nickname?: string;
        }>(req.body),
      ),
    ),
  );
  http.route('POST', '/__control/clock', (req) =>
    guarded(() => {
      const b = body<{ advanceMs?: number; now?: string }>(req.body);
      if (b.now) state.setNow(new Date(b.now));
      if (typeof b.advanceMs === 'number') state.advance(b.advanceMs);
      return { now: state.now() };
    }),
  );
  http.route('POST', '/__control/webhooks', (req) =>
    guarded(() => {
      webhooks.configure(
        body<{ url?: string | null; secret?: string; previousSecret?: string | null; hold?: boolean; delayMs?: number }>(req.body),
      );
      return webhookView();
    }),
  );
  http.route('GET', '/__control/events', () => json(200, webhooks.events));
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
  http.route('POST', '/__control/sessions/:id/pay', (req) =>
    guarded(() => {
      const s = session(req.params.id!);
      const b = body<{ email?: string; name?: string; async?: boolean }>(req.body);
      account.paySession(s, { email: b.email, name: b.name }, b.async === true);
      return s;
    }),
  );
  http.route('POST', '/__control/sessions/:id/settle', (req) =>
    guarded(() => {
      const s = session(req.params.id!);
      account.settleAsync(s, body<{ succeeded?: boolean }>(req.body).succeeded !== false);
      return s;
    }),
  );
  http.route('POST', '/__control/sessions/:id/expire', (req) =>
    guarded(() => {
      const s = session(req.params.id!);
      account.expireSession(s);
      return s;
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/renew', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      account.renew(s);
      return s;
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/fail', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      account.failRenewal(s);
      return s;
    }),
  );
  http.route('POST', '/__control/subscriptions/:id/cancel', (req) =>
    guarded(() => {
      const s = sub(req.params.id!);
      account.cancel(s, body<{ atPeriodEnd?: boolean }>(req.body).atPeriodEnd !== false);
      return s;
    }),
  );
  http.route('POST', '/__control/charges/:id/dispute', (req) => guarded(() => account.dispute(req.params.id!)));
}
