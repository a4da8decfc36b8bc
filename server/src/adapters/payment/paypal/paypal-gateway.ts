import { systemClock, type Clock } from '../../../platform/clock.js';
import { IntegrationError } from '../../http/integration-error.js';
import {
  gatewayEvent,
  type CheckoutRequest,
  type CheckoutSession,
  type CredentialsCheck,
  type GatewayEvent,
  type GatewayEventType,
  type GatewayMoney,
  type GatewayTransaction,
  type PaymentGateway,
  type RefundResult,
  type WebhookVerification,
} from '../../../ports/payment-gateway.js';
import { fromPayPalValue } from './paypal-amounts.js';
import { type PayPalClient, paypalWebhookHeaders } from './paypal-client.js';
import { PAYPAL_SERVICE, PayPalError } from './paypal-errors.js';
import type { PayPalNvpClient } from './paypal-nvp.js';
import type { PayPalTransaction } from './paypal-types.js';

export interface PayPalGatewayOptions {
  client: PayPalClient;
  /** This account's webhook id (developer.paypal.com → Webhooks); deliveries are verified against it. */
  webhookId: string;
  /** Set when API username/password/signature are: NVP shows transactions at once, Reporting up to 3 h late. */
  nvp?: PayPalNvpClient | null;
  clock?: Clock;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** PayPal event types Usher acts on, in the port's vocabulary; the rest are kept as `ignored`. */
const EVENT_TYPES: Readonly<Record<string, GatewayEventType>> = {
  'CHECKOUT.ORDER.APPROVED': 'checkout.completed',
  'BILLING.SUBSCRIPTION.ACTIVATED': 'checkout.completed',
  'PAYMENT.CAPTURE.COMPLETED': 'payment.succeeded',
  'PAYMENT.SALE.COMPLETED': 'payment.succeeded',
  'PAYMENT.CAPTURE.PENDING': 'payment.pending',
  'PAYMENT.CAPTURE.DENIED': 'payment.failed',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'payment.failed',
  'PAYMENT.CAPTURE.REFUNDED': 'payment.refunded',
  'PAYMENT.SALE.REFUNDED': 'payment.refunded',
  'BILLING.SUBSCRIPTION.CANCELLED': 'subscription.canceled',
  'BILLING.SUBSCRIPTION.EXPIRED': 'subscription.canceled',
  'BILLING.SUBSCRIPTION.SUSPENDED': 'subscription.updated',
  'BILLING.SUBSCRIPTION.RE-ACTIVATED': 'subscription.updated',
  'BILLING.SUBSCRIPTION.UPDATED': 'subscription.updated',
  'CUSTOMER.DISPUTE.CREATED': 'dispute.created',
};

/**
 * The PayPal client behind the PaymentGateway port: a thin translation, the client keeps every
 * PayPal rule (token cache, request ids, byte-exact verify). Refunds are not offered yet: the
 * client has no refund call, so the admin refunds in PayPal and sync records it.
 */
export class PayPalGateway implements PaymentGateway {
  readonly kind = 'paypal' as const;
  readonly capabilities = { oneOff: true, recurring: true, refund: false, portal: false, sync: true };

  constructor(private readonly options: PayPalGatewayOptions) {}

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const client = this.options.client;
    if (request.mode === 'one_off') {
      const order = await client.createOrder({
        amountMinor: request.amount.amountMinor,
        currency: request.amount.currency,
        returnUrl: request.successUrl,
        cancelUrl: request.cancelUrl,
        customId: request.reference,
        description: request.description ?? request.itemName,
        ...(request.idempotencyKey ? { requestId: request.idempotencyKey } : {}),
      });
      return { externalId: order.id, redirectUrl: order.approveUrl!, expiresAt: null };
    }
    const sub = await client.createSubscription({
      planId: request.gatewayPlanId,
      returnUrl: request.successUrl,
      cancelUrl: request.cancelUrl,
      customId: request.reference,
      ...(request.email ? { email: request.email } : {}),
      ...(request.idempotencyKey ? { requestId: request.idempotencyKey } : {}),
    });
    return { externalId: sub.id, redirectUrl: sub.approveUrl!, expiresAt: null };
  }

  async verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<WebhookVerification> {
    const ok = await this.options.client.verifyWebhookSignature({
      headers: paypalWebhookHeaders(headers),
      rawBody,
      webhookId: this.options.webhookId,
    });
    if (!ok)
      return { ok: false, reason: 'PayPal did not confirm the signature (verify-webhook-signature said FAILURE or headers were missing)' };
    return { ok: true, events: [paypalEvent(JSON.parse(rawBody) as Json)] };
  }

  /**
   * Captures an approved order with the client's order-derived PayPal-Request-Id, so the return page
   * and CHECKOUT.ORDER.APPROVED both get PayPal's one capture back. Each completed capture becomes a
   * payment event keyed on the capture id; PAYMENT.CAPTURE.COMPLETED later carries the same
   * transaction id and records nothing again. An order not approved yet gives [].
   */
  async completeCheckout(orderId: string): Promise<GatewayEvent[]> {
    let order;
    try {
      order = await this.options.client.captureOrder(orderId);
    } catch (error) {
      if (error instanceof PayPalError && error.issue === 'ORDER_NOT_APPROVED') return [];
      throw error;
    }
    const now = (this.options.clock ?? systemClock).now();
    return order.captures
      .filter((c) => c.status === 'COMPLETED')
      .map((c) =>
        gatewayEvent({
          eventId: `capture:${c.id}`,
          type: 'payment.succeeded',
          gatewayType: 'ORDER.CAPTURED',
          occurredAt: c.createTime ? new Date(c.createTime) : now,
          checkoutId: order.id,
          reference: c.customId,
          transactionId: c.id,
          amount: { amountMinor: c.amount.minor, currency: c.amount.currency },
          email: order.payerEmail,
        }),
      );
  }

  refund(): Promise<RefundResult> {
    return Promise.reject(
      new IntegrationError(PAYPAL_SERVICE, 'rejected', 'Refunds through PayPal are not supported by Usher yet', false, {
        fix: 'Refund the payment in your PayPal account; the next transaction sync records it.',
        cause: 'gateway_refund_unsupported',
      }),
    );
  }

  async listTransactions(since: Date, until?: Date): Promise<GatewayTransaction[]> {
    const to = until ?? (this.options.clock ?? systemClock).now();
    const rows = this.options.nvp
      ? await this.options.nvp.transactionSearch({ from: since, to })
      : await this.options.client.searchTransactions({ from: since, to });
    return rows.map(paypalTransaction);
  }

  customerPortalUrl(): Promise<string | null> {
    return Promise.resolve(null);
  }

  async testCredentials(): Promise<CredentialsCheck> {
    const result = await this.options.client.testCredentials();
    return {
      account: result.appId,
      live: this.options.client.mode === 'live',
      details: [`mode ${this.options.client.mode}`, `token valid ${result.expiresInSeconds} s`],
    };
  }

  close(): Promise<void> {
    return this.options.client.close();
  }
}

function money(value: unknown, currency: unknown): GatewayMoney | null {
  if (typeof value !== 'string' || typeof currency !== 'string') return null;
  return { amountMinor: fromPayPalValue(value, currency), currency: currency.toUpperCase() };
}

/** One verified PayPal envelope in the port's terms (v2 captures and v1 sales name fields differently). */
export function paypalEvent(envelope: Json): GatewayEvent {
  const gatewayType = str(envelope.event_type) ?? 'UNKNOWN';
  const resource = obj(envelope.resource);
  const occurredAt = new Date(str(envelope.create_time) ?? 0);
  const base = { eventId: str(envelope.id) ?? '', gatewayType, occurredAt, type: EVENT_TYPES[gatewayType] ?? ('ignored' as const) };
  const amountV2 = obj(resource.amount);
  if (gatewayType.startsWith('CHECKOUT.ORDER.')) {
    const unit = obj((resource.purchase_units as unknown[] | undefined)?.[0]);
    return gatewayEvent({
      ...base,
      checkoutId: str(resource.id),
      reference: str(unit.custom_id),
      email: str(obj(resource.payer).email_address),
      amount: money(obj(unit.amount).value, obj(unit.amount).currency_code),
    });
  }
  if (gatewayType.startsWith('PAYMENT.CAPTURE.')) {
    const related = obj(obj(resource.supplementary_data).related_ids);
    return gatewayEvent({
      ...base,
      transactionId: str(resource.id),
      checkoutId: str(related.order_id),
      reference: str(resource.custom_id),
      amount: money(amountV2.value, amountV2.currency_code),
    });
  }
  if (gatewayType.startsWith('PAYMENT.SALE.')) {
    return gatewayEvent({
      ...base,
      transactionId: str(resource.id),
      subscriptionId: str(resource.billing_agreement_id),
      reference: str(resource.custom),
      amount: money(amountV2.total, amountV2.currency),
    });
  }
  if (gatewayType.startsWith('BILLING.SUBSCRIPTION.')) {
    const subscriber = obj(resource.subscriber);
    return gatewayEvent({
      ...base,
      subscriptionId: str(resource.id),
      checkoutId: str(resource.id),
      reference: str(resource.custom_id),
      email: str(subscriber.email_address),
      subscriptionStatus: str(resource.status),
    });
  }
  return gatewayEvent(base);
}

function paypalTransaction(t: PayPalTransaction): GatewayTransaction {
  const status = /^(S|Completed)$/i.test(t.status)
    ? 'succeeded'
    : /^(P|Pending)$/i.test(t.status)
      ? 'pending'
      : /refund/i.test(t.status)
        ? 'refunded'
        : /^(D|V|Denied|Failed|Reversed)$/i.test(t.status)
          ? 'failed'
          : 'pending';
  return {
    transactionId: t.id,
    occurredAt: t.time,
    status,
    amount: { amountMinor: t.gross.minor, currency: t.gross.currency },
    fee: t.fee ? { amountMinor: t.fee.minor, currency: t.fee.currency } : null,
    refundedAmount: null,
    email: t.payerEmail,
    payerName: t.payerName,
    subscriptionId: t.referenceType === 'SUB' || /^I-/.test(t.referenceId ?? '') ? t.referenceId : null,
    customerId: null,
    reference: t.customField,
    description: t.eventCode,
  };
}
