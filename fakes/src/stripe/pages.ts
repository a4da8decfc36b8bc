import { text, type FakeHttpServer, type FakeResponse } from '../core/fake-server.js';
import type { StripeAccount } from './account.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (body: string): FakeResponse =>
  text(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>Fake Stripe</title></head><body>${body}</body></html>`,
    'text/html; charset=utf-8',
  );
const redirect = (location: string): FakeResponse => ({ status: 303, headers: { location } });

function format(amount: number, currency: string): string {
  return `${amount} ${currency.toUpperCase()} (minor units)`;
}

/**
 * The customer's side: Stripe Checkout's hosted page (`/c/pay/<cs_…>`) with Pay, "Pay by bank
 * debit" (completes now, settles later) and Cancel, and the customer portal (`/p/session/<bps_…>`)
 * with "Cancel subscription". Pay redirects to success_url with `{CHECKOUT_SESSION_ID}` filled in,
 * as Stripe does; Cancel to cancel_url, changing nothing.
 */
export function registerStripePages(http: FakeHttpServer, account: StripeAccount): void {
  const { state } = account;

  http.route('GET', '/c/pay/:id', (req) => {
    const session = state.sessions.get(req.params.id!);
    if (!session) return text(404, 'Fake Stripe: no such checkout session');
    if (session.status !== 'open') return html(`<p>This checkout session is ${escape(session.status)}.</p>`);
    const extras = state.sessionExtras.get(session.id)!;
    const lines = extras.items
      .map(
        (i) => `<li>${escape(i.name)}: ${escape(format(i.amount, i.currency))}${session.mode === 'subscription' ? ' per period' : ''}</li>`,
      )
      .join('');
    return html(`<h1>Fake Stripe Checkout</h1><ul>${lines}</ul>
<form method="post" action="/c/pay/${escape(session.id)}">
<label>Email <input name="email" type="email" value="${escape(session.customer_email ?? 'customer@example.com')}"></label>
<label>Name on card <input name="name" value="Test Customer"></label>
<button type="submit" name="choice" value="pay">Pay</button>
${session.mode === 'payment' ? '<button type="submit" name="choice" value="async">Pay by bank debit</button>' : ''}
<button type="submit" name="choice" value="cancel">Cancel</button>
</form>`);
  });

  http.route('POST', '/c/pay/:id', (req) => {
    const session = state.sessions.get(req.params.id!);
    if (!session) return text(404, 'Fake Stripe: no such checkout session');
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.choice === 'cancel') return session.cancel_url ? redirect(session.cancel_url) : html('<p>Cancelled.</p>');
    if (session.status === 'open') account.paySession(session, { email: form.email, name: form.name }, form.choice === 'async');
    const success = (session.success_url ?? '').replace('{CHECKOUT_SESSION_ID}', session.id);
    return success ? redirect(success) : html('<p>Paid.</p>');
  });

  http.route('GET', '/p/session/:id', (req) => {
    const portal = state.portalSessions.get(req.params.id!);
    if (!portal) return text(404, 'Fake Stripe: no such portal session');
    const subs = [...state.subscriptions.values()].filter((s) => s.customer === portal.customer);
    const rows = subs
      .map(
        (s) => `<li>${escape(s.id)}: ${escape(s.status)}${s.cancel_at_period_end ? ' (cancels at period end)' : ''}
${s.status === 'active' && !s.cancel_at_period_end ? `<form method="post" action="/p/session/${escape(portal.id)}"><input type="hidden" name="subscription" value="${escape(s.id)}"><button type="submit" name="choice" value="cancel">Cancel subscription</button></form>` : ''}</li>`,
      )
      .join('');
    return html(
      `<h1>Fake Stripe customer portal</h1><ul>${rows}</ul>${portal.return_url ? `<a href="${escape(portal.return_url)}">Return</a>` : ''}`,
    );
  });

  http.route('POST', '/p/session/:id', (req) => {
    const portal = state.portalSessions.get(req.params.id!);
    if (!portal) return text(404, 'Fake Stripe: no such portal session');
    const form = (req.body ?? {}) as Record<string, string>;
    const sub = state.subscriptions.get(form.subscription ?? '');
    // The portal's default: cancel at the end of the period.
    if (sub && sub.customer === portal.customer && form.choice === 'cancel' && sub.status === 'active') account.cancel(sub, true);
    return redirect(`/p/session/${portal.id}`);
  });
}
