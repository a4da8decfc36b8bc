import { text, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import type { PayPalEvents } from './events.js';
import type { PayPalState } from './state.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, lines: string[], action: string, hidden: Record<string, string>, email: string): FakeResponse {
  const inputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('');
  return text(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>
<h1>${escape(title)}</h1>${lines.map((l) => `<p>${escape(l)}</p>`).join('')}
<form method="post" action="${escape(action)}">${inputs}
<label>PayPal email <input name="email" type="email" value="${escape(email)}"></label>
<button type="submit" name="choice" value="pay">Pay</button>
<button type="submit" name="choice" value="cancel">Cancel</button>
</form></body></html>`,
    'text/html; charset=utf-8',
  );
}

const redirect = (location: string): FakeResponse => ({ status: 302, headers: { location } });

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

const notFound = (what: string) => text(404, `Fake PayPal: no ${what}`, 'text/plain; charset=utf-8');

/**
 * The buyer's side: PayPal's approval pages (`/checkoutnow?token=<order>` for orders,
 * `/webapps/billing/subscriptions?ba_token=…` for subscriptions) with Pay and Cancel. Pay approves
 * (and fires the webhook) and redirects to the return URL with PayPal's query parameters; Cancel
 * redirects to the cancel URL and changes nothing.
 */
export function registerCheckoutPages(
  http: { route(m: string, p: string, h: (req: FakeRequest) => FakeResponse): void },
  state: PayPalState,
  events: PayPalEvents,
): void {
  http.route('GET', '/checkoutnow', (req) => {
    const order = state.orders.get(req.query.get('token') ?? '');
    if (!order) return notFound('such order');
    if (order.status !== 'CREATED')
      return text(200, `<!doctype html><p>This order is ${escape(order.status)}.</p>`, 'text/html; charset=utf-8');
    return page(
      'Fake PayPal checkout',
      [`Pay ${order.amount.value} ${order.amount.currency_code}`, order.description ?? ''],
      '/checkoutnow',
      { token: order.id },
      state.buyer.email_address,
    );
  });

  http.route('POST', '/checkoutnow', (req) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const order = state.orders.get(form.token ?? '');
    if (!order) return notFound('such order');
    if (form.choice === 'cancel')
      return order.cancelUrl ? redirect(withQuery(order.cancelUrl, { token: order.id })) : text(200, 'Cancelled');
    if (order.status === 'CREATED') events.approveOrder(order, events.payer(form.email));
    const payerId = order.payer?.payer_id ?? '';
    return order.returnUrl ? redirect(withQuery(order.returnUrl, { token: order.id, PayerID: payerId })) : text(200, 'Approved');
  });

  const byToken = (token: string | undefined) => [...state.subscriptions.values()].find((s) => s.baToken === token);

  http.route('GET', '/webapps/billing/subscriptions', (req) => {
    const sub = byToken(req.query.get('ba_token') ?? undefined);
    if (!sub) return notFound('such subscription');
    const plan = state.plans.get(sub.planId);
    if (sub.status !== 'APPROVAL_PENDING')
      return text(200, `<!doctype html><p>This subscription is ${escape(sub.status)}.</p>`, 'text/html; charset=utf-8');
    return page(
      'Fake PayPal subscription',
      [
        `Subscribe to ${plan?.name ?? sub.planId}: ${plan?.value ?? '?'} ${plan?.currency ?? ''} every ${plan?.intervalCount ?? 1} ${plan?.intervalUnit.toLowerCase() ?? 'month'}`,
      ],
      '/webapps/billing/subscriptions',
      { ba_token: sub.baToken },
      sub.subscriber?.email_address ?? state.buyer.email_address,
    );
  });

  http.route('POST', '/webapps/billing/subscriptions', (req) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const sub = byToken(form.ba_token);
    if (!sub) return notFound('such subscription');
    const params = { subscription_id: sub.id, ba_token: sub.baToken, token: sub.baToken.replace(/^BA-/, 'EC-') };
    if (form.choice === 'cancel') return sub.cancelUrl ? redirect(withQuery(sub.cancelUrl, params)) : text(200, 'Cancelled');
    if (sub.status === 'APPROVAL_PENDING') events.approveSubscription(sub, events.payer(form.email));
    return sub.returnUrl ? redirect(withQuery(sub.returnUrl, params)) : text(200, 'Subscribed');
  });
}
