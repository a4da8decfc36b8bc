/**
 * What Usher needs from a payment gateway (Stripe, PayPal, Plisio, manual), in Usher's own terms:
 * money in integer minor units of an ISO 4217 currency, times as Dates, gateway ids as opaque
 * strings. Adapters alone convert to and from each gateway's wire format; the registry alone
 * switches on the kind. Failures are IntegrationErrors carrying a fix an admin can act on.
 */

export type GatewayKind = 'stripe' | 'paypal' | 'plisio' | 'manual';

export const GATEWAY_KINDS: readonly GatewayKind[] = ['stripe', 'paypal', 'plisio', 'manual'];

export interface GatewayMoney {
  amountMinor: number;
  currency: string;
}

interface CheckoutCommon {
  /** Usher's own id for this checkout, echoed back on every event (client_reference_id, custom_id, order_number). */
  reference: string;
  successUrl: string;
  cancelUrl: string;
  /** Prefills the gateway's form and lets sync match by email. */
  email?: string | null;
  /** The member's customer id at this gateway, when one is already known (Stripe cus_…). */
  customerId?: string | null;
  /** Shown to the payer on the gateway's page. */
  description?: string;
  /** Copied onto the gateway's objects so a payment can be traced back without the reference. */
  metadata?: Record<string, string>;
  /** The same key twice creates one checkout, so a retried operation never makes a second one. */
  idempotencyKey?: string;
}

/** A single payment of Usher's own amount (so discounts and plans without a gateway price work). */
export interface OneOffCheckout extends CheckoutCommon {
  mode: 'one_off';
  amount: GatewayMoney;
  /** The line shown on the gateway's page, e.g. the plan name. */
  itemName: string;
}

/** A subscription to the plan's price at the gateway (Stripe price id, PayPal plan id). */
export interface RecurringCheckout extends CheckoutCommon {
  mode: 'recurring';
  gatewayPlanId: string;
}

export type CheckoutRequest = OneOffCheckout | RecurringCheckout;

export interface CheckoutSession {
  /** The gateway's id for what was created (cs_…, PayPal order or I-… subscription, Plisio txn_id). */
  externalId: string;
  /** Where to send the payer. */
  redirectUrl: string;
  expiresAt: Date | null;
}

/**
 * What happened, in one vocabulary for every gateway. The webhook pipeline keys deliveries on
 * `eventId` and payments on `transactionId`, so both are stable across re-deliveries.
 */
export type GatewayEventType =
  /**
   * The payer finished checkout but no money is recorded by this event: in subscription mode it
   * links the subscription (the invoice or sale event carries the money), for an asynchronous
   * payment the money follows, and for PayPal orders it is the cue to capture.
   */
  | 'checkout.completed'
  /** An asynchronous checkout payment (bank debit) failed, or the checkout expired unpaid. */
  | 'checkout.failed'
  /** Money arrived: a one-off payment or a subscription renewal. */
  | 'payment.succeeded'
  /** Seen but not final yet (Plisio waiting for confirmations). */
  | 'payment.pending'
  /** A renewal or payment could not be collected. */
  | 'payment.failed'
  | 'payment.refunded'
  | 'subscription.updated'
  | 'subscription.canceled'
  /** A chargeback: the admin must be alerted. */
  | 'dispute.created'
  /** Verified, but nothing Usher acts on; kept for the event log. */
  | 'ignored';

export interface GatewayEvent {
  /** Unique per gateway and delivery content: Stripe evt_…, PayPal WH-…, Plisio `txn_id:status`. */
  eventId: string;
  type: GatewayEventType;
  /** The gateway's own name for the event (invoice.paid, PAYMENT.SALE.COMPLETED, Plisio status). */
  gatewayType: string;
  occurredAt: Date;
  /** Usher's checkout reference, when the gateway carried it back. */
  reference: string | null;
  checkoutId: string | null;
  subscriptionId: string | null;
  customerId: string | null;
  /** The payment's id, unique per gateway: PaymentIntent/charge, PayPal capture/sale, Plisio txn_id. */
  transactionId: string | null;
  amount: GatewayMoney | null;
  /** For refunds: the total refunded so far on the payment. */
  refundedAmount: GatewayMoney | null;
  email: string | null;
  /** End of the period paid for, when the gateway says (Stripe invoice line period). */
  periodEnd: Date | null;
  /** Subscription status as the gateway says it, on subscription events. */
  subscriptionStatus: string | null;
  /** True when the subscription ends at the period end rather than at once. */
  cancelAtPeriodEnd: boolean | null;
}

export type WebhookVerification = { ok: true; events: GatewayEvent[] } | { ok: false; reason: string };

export interface RefundRequest {
  transactionId: string;
  /** Omitted: the whole remaining amount. */
  amount?: GatewayMoney;
  reason?: string;
  idempotencyKey?: string;
}

export interface RefundResult {
  refundId: string;
  status: 'succeeded' | 'pending' | 'failed';
  amount: GatewayMoney;
}

/** One payment as transaction sync sees it. */
export interface GatewayTransaction {
  transactionId: string;
  occurredAt: Date;
  status: 'succeeded' | 'pending' | 'failed' | 'refunded';
  amount: GatewayMoney;
  fee: GatewayMoney | null;
  refundedAmount: GatewayMoney | null;
  email: string | null;
  payerName: string | null;
  subscriptionId: string | null;
  customerId: string | null;
  reference: string | null;
  description: string | null;
}

export interface CredentialsCheck {
  /** What the gateway says the credentials belong to, for the admin to recognise (account id, app id). */
  account: string | null;
  /** Test/sandbox versus live, when the gateway says. */
  live: boolean | null;
  details: string[];
}

export interface GatewayCapabilities {
  oneOff: boolean;
  recurring: boolean;
  refund: boolean;
  portal: boolean;
  sync: boolean;
}

export interface PaymentGateway {
  readonly kind: GatewayKind;
  readonly capabilities: GatewayCapabilities;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /**
   * Checks a delivery against the raw body exactly as received (re-serialized JSON would not match
   * the signature) and turns it into events. A bad or stale signature is `ok: false`, never a throw.
   * It throws an IntegrationError only when asking the gateway failed (PayPal's verify call, a
   * Stripe invoice read): answer that delivery 5xx so the gateway sends it again.
   */
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<WebhookVerification>;
  /**
   * Finishes a checkout the payer approved where the gateway waits for the merchant (a PayPal order
   * is captured) and returns the payment event(s) that produced, with stable event ids so the return
   * page and the approval webhook, whichever runs second, record nothing twice. Gateways that take
   * the money themselves return []. Not approved yet: [] as well (the payer may still be paying).
   */
  completeCheckout(externalId: string): Promise<GatewayEvent[]>;
  refund(request: RefundRequest): Promise<RefundResult>;
  /** Payments from `since` (inclusive) until `until` (default now), every page read. */
  listTransactions(since: Date, until?: Date): Promise<GatewayTransaction[]>;
  /** A link where the customer changes their card or cancels; null where the gateway has none. */
  customerPortalUrl(customerId: string, returnUrl: string): Promise<string | null>;
  /** What the "test credentials" button runs; throws an IntegrationError with a fix on failure. */
  testCredentials(): Promise<CredentialsCheck>;
  close(): Promise<void>;
}

/** A fresh event with every optional field empty, so adapters set only what their gateway says. */
export function gatewayEvent(
  base: Pick<GatewayEvent, 'eventId' | 'type' | 'gatewayType' | 'occurredAt'> & Partial<GatewayEvent>,
): GatewayEvent {
  return {
    reference: null,
    checkoutId: null,
    subscriptionId: null,
    customerId: null,
    transactionId: null,
    amount: null,
    refundedAmount: null,
    email: null,
    periodEnd: null,
    subscriptionStatus: null,
    cancelAtPeriodEnd: null,
    ...base,
  };
}

/** The header value as one string (Node gives arrays for repeated headers). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
