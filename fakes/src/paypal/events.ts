import { randomBytes } from 'node:crypto';
import { captureResource, orderJson, saleResource, subscriptionJson } from './shapes.js';
import {
  feeFor,
  paypalId,
  type FakeOrder,
  type FakePlan,
  type FakeSubscription,
  type Payer,
  type PayPalState,
  type SubscriptionStatus,
} from './state.js';
import type { PayPalWebhooks } from './webhooks.js';

/** PayPal retries a failed renewal and suspends after the plan's payment_failure_threshold. */
const PAYMENT_FAILURE_THRESHOLD = 3;

const STATUS_EVENTS: Partial<Record<SubscriptionStatus, string>> = {
  ACTIVE: 'BILLING.SUBSCRIPTION.ACTIVATED',
  CANCELLED: 'BILLING.SUBSCRIPTION.CANCELLED',
  SUSPENDED: 'BILLING.SUBSCRIPTION.SUSPENDED',
  EXPIRED: 'BILLING.SUBSCRIPTION.EXPIRED',
};

/**
 * What happens in a PayPal account when a buyer approves, a capture runs or a billing cycle comes
 * round: state changes, a transaction on the ledger, and the webhook PayPal sends for it.
 */
export class PayPalEvents {
  constructor(
    private readonly state: PayPalState,
    private readonly webhooks: PayPalWebhooks,
    private readonly base: () => string,
  ) {}

  payer(email?: string): Payer {
    if (!email || email === this.state.buyer.email_address) return this.state.buyer;
    const local = email.split('@')[0] ?? 'buyer';
    return { payer_id: paypalId(13), email_address: email, name: { given_name: local, surname: 'Buyer' } };
  }

  approveOrder(order: FakeOrder, payer: Payer): void {
    if (order.status !== 'CREATED') throw new Error(`order ${order.id} is ${order.status}`);
    order.status = 'APPROVED';
    order.payer = payer;
    order.updated = this.state.nowIso();
    this.webhooks.emit('CHECKOUT.ORDER.APPROVED', 'checkout-order', orderJson(order, this.base()), `An order has been approved by buyer`);
  }

  captureOrder(order: FakeOrder, requestId: string | undefined): void {
    const now = this.state.nowIso();
    const capture = {
      id: paypalId(17),
      status: 'COMPLETED' as const,
      amount: order.amount,
      fee: feeFor(order.amount),
      time: now,
      ...(order.customId ? { customId: order.customId } : {}),
      ...(order.invoiceId ? { invoiceId: order.invoiceId } : {}),
    };
    order.capture = capture;
    order.status = 'COMPLETED';
    order.updated = now;
    if (requestId) order.captureRequestId = requestId;
    this.state.record({
      id: capture.id,
      time: now,
      kind: 'capture',
      amount: capture.amount,
      fee: capture.fee,
      payer: order.payer ?? this.state.buyer,
      referenceId: order.id,
      ...(order.invoiceId ? { invoiceId: order.invoiceId } : {}),
      ...(order.customId ? { customId: order.customId } : {}),
    });
    this.webhooks.emit(
      'PAYMENT.CAPTURE.COMPLETED',
      'capture',
      captureResource(capture, order.id, this.base()),
      `Payment completed for ${order.amount.currency_code} ${order.amount.value}`,
    );
  }

  newSubscription(plan: FakePlan, input: { customId?: string; returnUrl?: string; cancelUrl?: string; email?: string }): FakeSubscription {
    const now = this.state.nowIso();
    const sub: FakeSubscription = {
      id: `I-${paypalId(12)}`,
      baToken: `BA-${paypalId(17)}`,
      planId: plan.id,
      status: 'APPROVAL_PENDING',
      statusUpdated: now,
      cyclesCompleted: 0,
      nextBillingTime: null,
      lastPayment: null,
      failedPayments: 0,
      created: now,
      ...(input.customId ? { customId: input.customId } : {}),
      ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
      ...(input.cancelUrl ? { cancelUrl: input.cancelUrl } : {}),
      ...(input.email ? { subscriber: this.payer(input.email) } : {}),
    };
    this.state.subscriptions.set(sub.id, sub);
    return sub;
  }

  /** The buyer agreed: ACTIVE at once, the first cycle charged (no trial on fake plans). */
  approveSubscription(sub: FakeSubscription, payer: Payer): void {
    if (sub.status !== 'APPROVAL_PENDING') throw new Error(`subscription ${sub.id} is ${sub.status}`);
    sub.subscriber = payer;
    this.setSubscriptionStatus(sub, 'ACTIVE');
    this.chargeCycle(sub);
  }

  /** One billing cycle paid: a sale on the ledger and PAYMENT.SALE.COMPLETED. */
  chargeCycle(sub: FakeSubscription): void {
    const plan = this.plan(sub);
    if (sub.status !== 'ACTIVE') throw new Error(`subscription ${sub.id} is ${sub.status}, not ACTIVE`);
    const amount = { currency_code: plan.currency, value: plan.value };
    const now = this.state.now();
    const sale = this.state.record({
      id: paypalId(17),
      kind: 'sale',
      amount,
      payer: sub.subscriber ?? this.state.buyer,
      referenceId: sub.id,
      ...(sub.customId ? { customId: sub.customId } : {}),
    });
    sub.cyclesCompleted++;
    sub.failedPayments = 0;
    sub.lastPayment = { amount, time: sale.time };
    sub.nextBillingTime = this.state.nextBilling(plan, now);
    this.webhooks.emit(
      'PAYMENT.SALE.COMPLETED',
      'sale',
      saleResource(sale, this.base()),
      `Payment completed for ${amount.currency_code} ${amount.value}`,
      '1.0',
    );
  }

  /** A renewal PayPal could not charge; after the threshold the subscription is suspended. */
  failRenewal(sub: FakeSubscription): void {
    if (sub.status !== 'ACTIVE') throw new Error(`subscription ${sub.id} is ${sub.status}, not ACTIVE`);
    sub.failedPayments++;
    this.webhooks.emit(
      'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
      'subscription',
      subscriptionJson(sub, this.state.plans.get(sub.planId), this.base()),
      'Subscription payment failed',
    );
    if (sub.failedPayments >= PAYMENT_FAILURE_THRESHOLD) this.setSubscriptionStatus(sub, 'SUSPENDED');
  }

  setSubscriptionStatus(sub: FakeSubscription, to: SubscriptionStatus): void {
    const reactivated = to === 'ACTIVE' && sub.status === 'SUSPENDED';
    sub.status = to;
    sub.statusUpdated = this.state.nowIso();
    const type = reactivated ? 'BILLING.SUBSCRIPTION.RE-ACTIVATED' : STATUS_EVENTS[to];
    if (type)
      this.webhooks.emit(
        type,
        'subscription',
        subscriptionJson(sub, this.state.plans.get(sub.planId), this.base()),
        `Subscription ${to.toLowerCase()}`,
      );
  }

  private plan(sub: FakeSubscription): FakePlan {
    const plan = this.state.plans.get(sub.planId);
    if (!plan) throw new Error(`plan ${sub.planId} is gone`);
    return plan;
  }
}

export const fakeBuyer = (): Payer => ({
  payer_id: `FAKE${randomBytes(5).toString('hex').toUpperCase()}`,
  email_address: 'buyer@example.com',
  name: { given_name: 'Test', surname: 'Buyer' },
});
