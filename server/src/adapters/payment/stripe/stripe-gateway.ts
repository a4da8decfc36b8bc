import type Stripe from 'stripe';
import { systemClock, type Clock } from '../../../platform/clock.js';
import {
  gatewayEvent,
  headerValue,
  type CheckoutRequest,
  type CheckoutSession,
  type CredentialsCheck,
  type GatewayEvent,
  type GatewayMoney,
  type GatewayTransaction,
  type PaymentGateway,
  type RefundRequest,
  type RefundResult,
  type WebhookVerification,
} from '../../../ports/payment-gateway.js';
import { fromStripeAmount, toStripeAmount } from './stripe-amounts.js';
import { loadStripe } from './stripe-sdk.js';
import { explainStripeError, type StripeResource } from './stripe-errors.js';

/**
 * The API version Usher is written and its fake built for (integrations.md §8.7: object shapes
 * depend on it). The SDK's type only admits its own version, so this moves with the pinned
 * `stripe` package and nothing else: bump both together and re-read the shapes below.
 */
export const STRIPE_API_VERSION: Stripe.LatestApiVersion = '2026-11-18.endive';

/** Where the Stripe API lives: unset is api.stripe.com; tests and the demo point it at the fake. */
export interface StripeEndpoint {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

export function stripeEndpoint(env: {
  STRIPE_API_HOST?: string | undefined;
  STRIPE_API_PORT?: number | undefined;
  STRIPE_API_PROTOCOL?: 'http' | 'https' | undefined;
}): StripeEndpoint {
  return {
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: env.STRIPE_API_PORT } : {}),
    ...(env.STRIPE_API_PROTOCOL ? { protocol: env.STRIPE_API_PROTOCOL } : {}),
  };
}

export interface StripeGatewayOptions {
  secretKey: string;
  /** The endpoint's signing secret (whsec_…) from the dashboard's webhook page. */
  webhookSecret: string;
  endpoint?: StripeEndpoint;
  clock?: Clock;
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

/** Stripe's default and the contract: a delivery signed more than 5 minutes ago is refused. */
export const STRIPE_WEBHOOK_TOLERANCE_S = 300;

/** Metadata key carrying Usher's checkout reference onto the PaymentIntent and Subscription. */
export const REFERENCE_KEY = 'usher_reference';

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);
const date = (seconds: number | null | undefined): Date | null => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);

function money(amount: number | null | undefined, currency: string | null | undefined): GatewayMoney | null {
  if (typeof amount !== 'number' || !currency) return null;
  return { amountMinor: fromStripeAmount(amount, currency), currency: currency.toUpperCase() };
}

/** The invoice's subscription: `parent.subscription_details` from 2025-03-31.basil on, `subscription` before. */
function invoiceSubscription(invoice: Stripe.Invoice): string | null {
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
  return idOf(invoice.parent?.subscription_details?.subscription ?? legacy ?? null);
}

function invoiceReference(invoice: Stripe.Invoice): string | null {
  return invoice.parent?.subscription_details?.metadata?.[REFERENCE_KEY] ?? invoice.metadata?.[REFERENCE_KEY] ?? null;
}

/** The PaymentIntent (or charge) that paid the invoice, from its `payments` list when present. */
function invoicePaymentId(invoice: Stripe.Invoice): string | null {
  const paid = invoice.payments?.data.find((p) => p.status === 'paid') ?? invoice.payments?.data[0];
  if (!paid) return null;
  return idOf(paid.payment.payment_intent ?? null) ?? idOf(paid.payment.charge ?? null);
}

/**
 * Stripe through the official SDK (integrations.md §0), pinned to STRIPE_API_VERSION. One gateway
 * per secret key. Payments are identified by PaymentIntent id (charge id for the rare charge
 * without one), the same for webhooks, refunds and sync, so one payment is never counted twice.
 */
export class StripeGateway implements PaymentGateway {
  readonly kind = 'stripe' as const;
  readonly capabilities = { oneOff: true, recurring: true, refund: true, portal: true, sync: true };
  readonly stripe: Stripe;
  private readonly clock: Clock;

  constructor(private readonly options: StripeGatewayOptions) {
    this.clock = options.clock ?? systemClock;
    // host/port/protocol redirect every base address (api, files, connect) — how the fake is reached.
    const StripeSdk = loadStripe();
    this.stripe = new StripeSdk(options.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      ...options.endpoint,
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: 'Usher' },
    });
  }

  /**
   * POST /v1/checkout/sessions. Payment mode sends Usher's own amount as `price_data` (so discounts
   * and plans without a Stripe price work); subscription mode the plan's price id. The reference
   * goes into client_reference_id and into the metadata Stripe copies onto the PaymentIntent or
   * Subscription, so renewals carry it too. Stripe's Checkout quickstart and the common Node
   * integrations build sessions the same way (price_data + quantity 1, or the price id in
   * subscription mode; `{CHECKOUT_SESSION_ID}` in success_url). Few pass an idempotency key; Usher
   * does (Stripe docs, "Idempotent requests") so a retried operation never makes a second session.
   */
  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const metadata = { ...request.metadata, [REFERENCE_KEY]: request.reference };
    const common: Stripe.Checkout.SessionCreateParams = {
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      client_reference_id: request.reference,
      metadata,
      ...(request.customerId ? { customer: request.customerId } : request.email ? { customer_email: request.email } : {}),
    };
    const params: Stripe.Checkout.SessionCreateParams =
      request.mode === 'one_off'
        ? {
            ...common,
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.amount.currency.toLowerCase(),
                  unit_amount: toStripeAmount(request.amount.amountMinor, request.amount.currency),
                  product_data: { name: request.itemName, ...(request.description ? { description: request.description } : {}) },
                },
              },
            ],
            payment_intent_data: { metadata },
            // A customer object is what the portal and later sync match on.
            ...(request.customerId ? {} : { customer_creation: 'always' as const }),
          }
        : {
            ...common,
            mode: 'subscription',
            line_items: [{ price: request.gatewayPlanId, quantity: 1 }],
            subscription_data: { metadata },
          };
    const session = await this.call(request.mode === 'recurring' ? 'price' : 'checkout', 'creating the checkout session', () =>
      this.stripe.checkout.sessions.create(params, request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : undefined),
    );
    if (!session.url)
      throw explainStripeError(new Error('Stripe answered a checkout session without a url'), 'checkout', 'creating the checkout session');
    return { externalId: session.id, redirectUrl: session.url, expiresAt: date(session.expires_at) };
  }

  /**
   * `Stripe-Signature` over the raw body with the SDK's constructEvent (HMAC-SHA256, any v1
   * matching, 300 s tolerance measured on Usher's clock) — the route every Stripe Node sample uses.
   * An invoice event without its `payments` list is completed with one retrieve, so its payment id
   * is the PaymentIntent like everywhere else.
   */
  async verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<WebhookVerification> {
    const signature = headerValue(headers, 'stripe-signature');
    if (!signature) return { ok: false, reason: 'no Stripe-Signature header' };
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.options.webhookSecret,
        STRIPE_WEBHOOK_TOLERANCE_S,
        undefined,
        this.clock.now().getTime(),
      );
    } catch (error) {
      if (error instanceof loadStripe().errors.StripeSignatureVerificationError) return { ok: false, reason: error.message };
      return { ok: false, reason: `unreadable delivery: ${(error as Error).message}` };
    }
    return { ok: true, events: [await this.normalize(event)] };
  }

  /** Stripe collects the money on its own page: nothing to finish. */
  completeCheckout(): Promise<GatewayEvent[]> {
    return Promise.resolve([]);
  }

  // POST /v1/refunds with the PaymentIntent (or charge) and an idempotency key, as Stripe's refund docs and
  // dj-stripe / Laravel Cashier do; a partial refund sends `amount` in Stripe's minor unit.
  async refund(request: RefundRequest): Promise<RefundResult> {
    const target = request.transactionId.startsWith('ch_') ? { charge: request.transactionId } : { payment_intent: request.transactionId };
    const refund = await this.call('refund', `refunding ${request.transactionId}`, () =>
      this.stripe.refunds.create(
        {
          ...target,
          ...(request.amount ? { amount: toStripeAmount(request.amount.amountMinor, request.amount.currency) } : {}),
          reason: 'requested_by_customer',
          ...(request.reason ? { metadata: { usher_reason: request.reason.slice(0, 500) } } : {}),
        },
        request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : undefined,
      ),
    );
    const status =
      refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending';
    return { refundId: refund.id, status, amount: money(refund.amount, refund.currency)! };
  }

  /**
   * GET /v1/charges and GET /v1/invoices?status=paid over `created`, every page read through the
   * SDK's auto-pagination (`has_more` + `starting_after`). One row per charge; a charge that paid a
   * subscription invoice carries that subscription, so sync can match by subscription id first.
   */
  async listTransactions(since: Date, until?: Date): Promise<GatewayTransaction[]> {
    const created = { gte: Math.floor(since.getTime() / 1000), lt: Math.ceil((until ?? this.clock.now()).getTime() / 1000) };
    return this.call('listing', 'listing payments', async () => {
      const invoices = new Map<string, Stripe.Invoice>();
      for await (const invoice of this.stripe.invoices.list({ status: 'paid', created, limit: 100, expand: ['data.payments'] })) {
        const paymentId = invoicePaymentId(invoice);
        if (paymentId) invoices.set(paymentId, invoice);
      }
      const rows: GatewayTransaction[] = [];
      for await (const charge of this.stripe.charges.list({ created, limit: 100 })) {
        const transactionId = idOf(charge.payment_intent) ?? charge.id;
        const invoice = invoices.get(transactionId) ?? invoices.get(charge.id);
        const refunded = charge.amount_refunded > 0 ? money(charge.amount_refunded, charge.currency) : null;
        rows.push({
          transactionId,
          occurredAt: new Date(charge.created * 1000),
          status:
            charge.status === 'succeeded'
              ? charge.refunded
                ? 'refunded'
                : 'succeeded'
              : charge.status === 'pending'
                ? 'pending'
                : 'failed',
          amount: money(charge.amount, charge.currency)!,
          fee: null,
          refundedAmount: refunded,
          email: charge.billing_details?.email ?? charge.receipt_email ?? invoice?.customer_email ?? null,
          payerName: charge.billing_details?.name ?? invoice?.customer_name ?? null,
          subscriptionId: invoice ? invoiceSubscription(invoice) : null,
          customerId: idOf(charge.customer),
          reference: charge.metadata?.[REFERENCE_KEY] ?? (invoice ? invoiceReference(invoice) : null),
          description: charge.description,
        });
      }
      return rows;
    });
  }

  // POST /v1/billing_portal/sessions {customer, return_url} → url: the hosted page for card changes and cancellation.
  async customerPortalUrl(customerId: string, returnUrl: string): Promise<string | null> {
    const session = await this.call('portal', 'opening the customer portal', () =>
      this.stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }),
    );
    return session.url;
  }

  // GET /v1/balance: readable by every standard key and says test or live, which is what the admin needs to see.
  async testCredentials(): Promise<CredentialsCheck> {
    const balance = await this.call('key', 'the secret key', () => this.stripe.balance.retrieve());
    const details = [`${balance.livemode ? 'live' : 'test'} mode`];
    if (!this.options.webhookSecret.startsWith('whsec_'))
      details.push('The webhook signing secret should start with whsec_: copy it from the endpoint in Developers → Webhooks.');
    return { account: null, live: balance.livemode, details };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async call<T>(resource: StripeResource, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw explainStripeError(error, resource, what);
    }
  }

  private async normalize(event: Stripe.Event): Promise<GatewayEvent> {
    const base = { eventId: event.id, gatewayType: event.type, occurredAt: new Date(event.created * 1000) };
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.async_payment_failed':
      case 'checkout.session.expired': {
        const s = event.data.object;
        // Money is recorded only when paid and only in payment mode; in subscription mode invoice.paid records it.
        const paid = s.mode === 'payment' && s.payment_status === 'paid' && event.type !== 'checkout.session.async_payment_failed';
        const failed = event.type === 'checkout.session.async_payment_failed' || event.type === 'checkout.session.expired';
        return gatewayEvent({
          ...base,
          type: failed ? 'checkout.failed' : paid ? 'payment.succeeded' : 'checkout.completed',
          checkoutId: s.id,
          reference: s.client_reference_id ?? s.metadata?.[REFERENCE_KEY] ?? null,
          subscriptionId: idOf(s.subscription),
          customerId: idOf(s.customer),
          transactionId: s.mode === 'payment' ? idOf(s.payment_intent) : null,
          amount: money(s.amount_total, s.currency),
          email: s.customer_details?.email ?? s.customer_email ?? null,
        });
      }
      case 'invoice.paid':
      case 'invoice.payment_failed': {
        let invoice = event.data.object;
        if (event.type === 'invoice.paid' && invoice.amount_paid > 0 && !invoice.payments && invoice.id)
          invoice = await this.call('invoice', `reading invoice ${invoice.id}`, () =>
            this.stripe.invoices.retrieve(invoice.id!, { expand: ['payments'] }),
          );
        const paid = event.type === 'invoice.paid';
        return gatewayEvent({
          ...base,
          type: paid ? 'payment.succeeded' : 'payment.failed',
          reference: invoiceReference(invoice),
          subscriptionId: invoiceSubscription(invoice),
          customerId: idOf(invoice.customer),
          // A zero-amount invoice (trial) paid nothing: no payment to record.
          transactionId: paid && invoice.amount_paid > 0 ? invoicePaymentId(invoice) : null,
          amount: money(paid ? invoice.amount_paid : invoice.amount_due, invoice.currency),
          email: invoice.customer_email,
          periodEnd: date(invoice.lines.data[0]?.period.end),
        });
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = event.data.object;
        return gatewayEvent({
          ...base,
          type: event.type === 'customer.subscription.deleted' ? 'subscription.canceled' : 'subscription.updated',
          reference: sub.metadata?.[REFERENCE_KEY] ?? null,
          subscriptionId: sub.id,
          customerId: idOf(sub.customer),
          subscriptionStatus: sub.status,
          cancelAtPeriodEnd: sub.cancel_at_period_end,
          // From basil on the period lives on the items (integrations.md §3.1).
          periodEnd: date(sub.items.data[0]?.current_period_end),
        });
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        return gatewayEvent({
          ...base,
          type: 'payment.refunded',
          transactionId: idOf(charge.payment_intent) ?? charge.id,
          customerId: idOf(charge.customer),
          amount: money(charge.amount, charge.currency),
          refundedAmount: money(charge.amount_refunded, charge.currency),
          email: charge.billing_details?.email ?? charge.receipt_email ?? null,
        });
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        return gatewayEvent({
          ...base,
          type: 'dispute.created',
          transactionId: idOf(dispute.payment_intent) ?? idOf(dispute.charge),
          amount: money(dispute.amount, dispute.currency),
        });
      }
      default:
        return gatewayEvent({ ...base, type: 'ignored' });
    }
  }
}
