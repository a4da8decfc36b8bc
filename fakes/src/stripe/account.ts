import type { SessionWire, StripeState, SubscriptionWire } from './state.js';
import { stripeId, type DisputeWire, type RefundWire } from './state.js';
import type { StripeWebhooks } from './webhooks.js';

/** A refusal in Stripe's error shape; routes turn it into `{error:{…}}` with the status. */
export class StripeFakeError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error' | 'rate_limit_error',
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export const missing = (what: string, id: string, param: string) =>
  new StripeFakeError(404, 'invalid_request_error', `No such ${what}: '${id}'`, 'resource_missing', param);

/**
 * What happens in a Stripe account when a customer pays, a subscription renews or fails, a refund
 * or dispute arrives: the objects change as Stripe changes them, and the events are emitted.
 */
export class StripeAccount {
  constructor(
    readonly state: StripeState,
    readonly webhooks: StripeWebhooks,
  ) {}

  /** The customer pressed Pay on the hosted page (or a test did it for them). */
  paySession(session: SessionWire, payer: { email?: string | undefined; name?: string | undefined }, async = false): void {
    if (session.status !== 'open') throw new Error(`checkout session ${session.id} is ${session.status}`);
    const extras = this.state.sessionExtras.get(session.id)!;
    const email = payer.email || session.customer_email || 'customer@example.com';
    const name = payer.name || 'Test Customer';
    let customer = session.customer;
    if (!customer && (session.mode === 'subscription' || extras.createCustomer)) customer = this.state.addCustomer(email, name).id;
    session.customer = customer;
    session.customer_details = { email, name, phone: null, tax_exempt: 'none', tax_ids: [] };
    session.status = 'complete';
    if (session.mode === 'payment') {
      const item = extras.items[0]!;
      const { pi } = this.state.charge({
        amount: item.amount,
        currency: item.currency,
        customer,
        email,
        name,
        description: item.name,
        metadata: extras.paymentIntentMetadata,
      });
      session.payment_intent = pi.id;
      if (async) {
        // A bank debit: the session completes now, the money later (async_payment_succeeded/failed).
        pi.status = 'processing';
        pi.amount_received = 0;
        const charge = this.state.charges.get(pi.latest_charge!)!;
        charge.status = 'pending';
        charge.paid = false;
        session.payment_status = 'unpaid';
      } else {
        session.payment_status = 'paid';
        this.webhooks.emit('payment_intent.succeeded', pi);
      }
      this.webhooks.emit('checkout.session.completed', session);
      return;
    }
    const price = this.state.prices.get(extras.items[0]!.priceId!)!;
    const sub = this.state.newSubscription(customer!, price, extras.subscriptionMetadata);
    const { invoice } = this.state.invoice(sub, 'subscription_create', true);
    session.subscription = sub.id;
    session.invoice = invoice.id;
    session.payment_status = 'paid';
    this.webhooks.emit('customer.subscription.created', sub);
    this.webhooks.emit('invoice.paid', invoice);
    this.webhooks.emit('checkout.session.completed', session);
  }

  /** An async (bank debit) payment settled or failed. */
  settleAsync(session: SessionWire, succeeded: boolean): void {
    const pi = session.payment_intent ? this.state.paymentIntents.get(session.payment_intent) : undefined;
    if (!pi || pi.status !== 'processing') throw new Error(`checkout session ${session.id} has no pending payment`);
    const charge = this.state.charges.get(pi.latest_charge!)!;
    if (succeeded) {
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      charge.status = 'succeeded';
      charge.paid = true;
      session.payment_status = 'paid';
      this.webhooks.emit('checkout.session.async_payment_succeeded', session);
    } else {
      pi.status = 'requires_payment_method';
      charge.status = 'failed';
      this.webhooks.emit('checkout.session.async_payment_failed', session);
    }
  }

  expireSession(session: SessionWire): void {
    if (session.status !== 'open') throw new Error(`checkout session ${session.id} is ${session.status}`);
    session.status = 'expired';
    session.url = null;
    this.webhooks.emit('checkout.session.expired', session);
  }

  /** The next billing period: a new invoice, paid, and the period moved on. */
  renew(sub: SubscriptionWire): void {
    if (sub.status !== 'active' && sub.status !== 'past_due') throw new Error(`subscription ${sub.id} is ${sub.status}`);
    const item = sub.items.data[0]!;
    const previous = { items: structuredClone(sub.items), ...(sub.status !== 'active' ? { status: sub.status } : {}) };
    item.current_period_start = item.current_period_end;
    item.current_period_end = this.state.periodEnd(item.price, item.current_period_start);
    sub.status = 'active';
    const { invoice } = this.state.invoice(sub, 'subscription_cycle', true);
    this.webhooks.emit('customer.subscription.updated', sub, previous);
    this.webhooks.emit('invoice.paid', invoice);
  }

  /** A renewal the card could not pay: the invoice stays open and the subscription goes past_due. */
  failRenewal(sub: SubscriptionWire): void {
    if (sub.status !== 'active') throw new Error(`subscription ${sub.id} is ${sub.status}`);
    const item = sub.items.data[0]!;
    const previous = { items: structuredClone(sub.items), status: sub.status };
    item.current_period_start = item.current_period_end;
    item.current_period_end = this.state.periodEnd(item.price, item.current_period_start);
    sub.status = 'past_due';
    const { invoice } = this.state.invoice(sub, 'subscription_cycle', false);
    this.webhooks.emit('invoice.payment_failed', invoice);
    this.webhooks.emit('customer.subscription.updated', sub, previous);
  }

  cancel(sub: SubscriptionWire, atPeriodEnd: boolean): void {
    if (sub.status === 'canceled')
      throw new StripeFakeError(400, 'invalid_request_error', `No such subscription: '${sub.id}'`, 'resource_missing', 'id');
    const now = this.state.now();
    if (atPeriodEnd) {
      const previous = { cancel_at_period_end: sub.cancel_at_period_end, cancel_at: sub.cancel_at };
      sub.cancel_at_period_end = true;
      sub.cancel_at = sub.items.data[0]!.current_period_end;
      sub.canceled_at = now;
      this.webhooks.emit('customer.subscription.updated', sub, previous);
      return;
    }
    sub.status = 'canceled';
    sub.canceled_at = now;
    sub.ended_at = now;
    this.webhooks.emit('customer.subscription.deleted', sub);
  }

  refund(input: {
    paymentIntent?: string | undefined;
    charge?: string | undefined;
    amount?: number | undefined;
    reason?: string | undefined;
    metadata: Record<string, string>;
  }): RefundWire {
    let chargeId = input.charge;
    if (!chargeId && input.paymentIntent) {
      const pi = this.state.paymentIntents.get(input.paymentIntent);
      if (!pi) throw missing('payment_intent', input.paymentIntent, 'payment_intent');
      chargeId = pi.latest_charge ?? undefined;
    }
    if (!chargeId)
      throw new StripeFakeError(
        400,
        'invalid_request_error',
        'One of the following params should be provided for this request: payment_intent or charge.',
        'parameter_missing',
        'charge',
      );
    const charge = this.state.charges.get(chargeId);
    if (!charge) throw missing('charge', chargeId, 'charge');
    if (charge.refunded)
      throw new StripeFakeError(
        400,
        'invalid_request_error',
        `Charge ${charge.id} has already been refunded.`,
        'charge_already_refunded',
        null,
      );
    const remaining = charge.amount - charge.amount_refunded;
    const amount = input.amount ?? remaining;
    if (amount <= 0 || amount > remaining)
      throw new StripeFakeError(
        400,
        'invalid_request_error',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount_too_large',
        'amount',
      );
    const refund: RefundWire = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: (['duplicate', 'fraudulent', 'requested_by_customer'] as const).find((r) => r === input.reason) ?? null,
      status: 'succeeded',
      metadata: input.metadata,
      created: this.state.created(),
    };
    this.state.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.webhooks.emit('refund.created', refund);
    this.webhooks.emit('charge.refunded', charge, previous);
    return refund;
  }

  dispute(chargeId: string): DisputeWire {
    const charge = this.state.charges.get(chargeId) ?? [...this.state.charges.values()].find((c) => c.payment_intent === chargeId);
    if (!charge) throw new Error(`no charge ${chargeId}`);
    charge.disputed = true;
    const dispute: DisputeWire = {
      id: stripeId('dp'),
      object: 'dispute',
      amount: charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
      created: this.state.created(),
      livemode: this.state.livemode,
    };
    this.webhooks.emit('charge.dispute.created', dispute);
    return dispute;
  }
}
