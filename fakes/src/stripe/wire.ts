/** The Stripe objects the fake sends, as plain wire types (checked against the SDK's types in its tests). */

export type Metadata = Record<string, string>;

export interface ListWire<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface PriceWire {
  id: string;
  object: 'price';
  active: boolean;
  currency: string;
  unit_amount: number;
  product: string;
  nickname: string | null;
  type: 'one_time' | 'recurring';
  recurring: { interval: 'day' | 'week' | 'month' | 'year'; interval_count: number } | null;
  created: number;
  livemode: boolean;
  metadata: Metadata;
}

export interface CustomerWire {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  created: number;
  livemode: boolean;
  metadata: Metadata;
}

export interface SessionWire {
  id: string;
  object: 'checkout.session';
  url: string | null;
  mode: 'payment' | 'subscription';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  client_reference_id: string | null;
  customer: string | null;
  customer_email: string | null;
  customer_details: { email: string | null; name: string | null; phone: null; tax_exempt: 'none'; tax_ids: [] } | null;
  subscription: string | null;
  payment_intent: string | null;
  invoice: string | null;
  amount_subtotal: number | null;
  amount_total: number | null;
  currency: string | null;
  metadata: Metadata;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  livemode: boolean;
}

export interface PaymentIntentWire {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  description: string | null;
  status: 'succeeded' | 'processing' | 'requires_payment_method' | 'canceled';
  latest_charge: string | null;
  metadata: Metadata;
  created: number;
  livemode: boolean;
}

export interface ChargeWire {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  customer: string | null;
  description: string | null;
  billing_details: { email: string | null; name: string | null; phone: null; address: null; tax_id: null };
  receipt_email: string | null;
  paid: boolean;
  captured: boolean;
  refunded: boolean;
  disputed: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  payment_intent: string | null;
  metadata: Metadata;
  created: number;
  livemode: boolean;
}

export interface InvoicePaymentWire {
  id: string;
  object: 'invoice_payment';
  amount_paid: number | null;
  amount_requested: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  status: string;
  payment: { type: 'payment_intent'; payment_intent: string };
  status_transitions: { canceled_at: number | null; paid_at: number | null };
  created: number;
  livemode: boolean;
}

export interface InvoiceWire {
  id: string;
  object: 'invoice';
  customer: string;
  customer_email: string | null;
  customer_name: string | null;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  billing_reason: 'subscription_create' | 'subscription_cycle' | 'manual';
  currency: string;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  parent: {
    type: 'subscription_details';
    quote_details: null;
    subscription_details: { subscription: string; metadata: Metadata | null };
  };
  lines: ListWire<{
    id: string;
    object: 'line_item';
    amount: number;
    currency: string;
    description: string | null;
    period: { start: number; end: number };
    livemode: boolean;
    metadata: Metadata;
  }>;
  period_start: number;
  period_end: number;
  status_transitions: { finalized_at: number | null; marked_uncollectible_at: null; paid_at: number | null; voided_at: null };
  metadata: Metadata;
  created: number;
  livemode: boolean;
}

export interface SubscriptionWire {
  id: string;
  object: 'subscription';
  customer: string;
  currency: string;
  status: 'active' | 'past_due' | 'canceled' | 'unpaid' | 'incomplete' | 'trialing';
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  start_date: number;
  trial_end: number | null;
  latest_invoice: string | null;
  metadata: Metadata;
  items: ListWire<{
    id: string;
    object: 'subscription_item';
    price: PriceWire;
    quantity: number;
    current_period_start: number;
    current_period_end: number;
    created: number;
    subscription: string;
    metadata: Metadata;
  }>;
  created: number;
  livemode: boolean;
}

export interface RefundWire {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string | null;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Metadata;
  created: number;
}

export interface DisputeWire {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string | null;
  reason: string;
  status: 'needs_response';
  created: number;
  livemode: boolean;
}

export interface PortalSessionWire {
  id: string;
  object: 'billing_portal.session';
  customer: string;
  return_url: string | null;
  url: string;
  created: number;
  livemode: boolean;
}

/** Line item of a session kept by the fake (Stripe only shows them through expand). */
export interface SessionItem {
  name: string;
  amount: number;
  currency: string;
  priceId: string | null;
}

export interface SessionExtras {
  items: SessionItem[];
  paymentIntentMetadata: Metadata;
  subscriptionMetadata: Metadata;
  createCustomer: boolean;
}
