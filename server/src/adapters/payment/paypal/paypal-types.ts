/** PayPal wire shapes Usher reads (integrations.md §4), and the parsed forms the client returns. */

export type PayPalMode = 'live' | 'sandbox';

export interface PayPalLink {
  href: string;
  rel: string;
  method?: string;
}

export interface PayPalMoneyWire {
  currency_code: string;
  value: string;
}

export interface TokenWire {
  access_token: string;
  token_type: string;
  expires_in: number;
  app_id?: string;
  scope?: string;
}

export interface CaptureWire {
  id: string;
  status: string;
  amount: PayPalMoneyWire;
  custom_id?: string;
  invoice_id?: string;
  seller_receivable_breakdown?: { gross_amount?: PayPalMoneyWire; paypal_fee?: PayPalMoneyWire; net_amount?: PayPalMoneyWire };
  create_time?: string;
}

export interface OrderWire {
  id: string;
  status: string;
  payer?: { payer_id?: string; email_address?: string; name?: { given_name?: string; surname?: string } };
  purchase_units?: {
    reference_id?: string;
    custom_id?: string;
    invoice_id?: string;
    amount?: PayPalMoneyWire;
    payments?: { captures?: CaptureWire[] };
  }[];
  links?: PayPalLink[];
}

export interface SubscriptionWire {
  id: string;
  plan_id?: string;
  status: string;
  status_update_time?: string;
  start_time?: string;
  custom_id?: string;
  subscriber?: { email_address?: string; payer_id?: string; name?: { given_name?: string; surname?: string } };
  billing_info?: {
    last_payment?: { amount?: PayPalMoneyWire; time?: string };
    next_billing_time?: string;
    failed_payments_count?: number;
  };
  links?: PayPalLink[];
}

export interface PlanWire {
  id: string;
  product_id?: string;
  name?: string;
  status: string;
  billing_cycles?: {
    tenure_type: string;
    frequency?: { interval_unit: string; interval_count?: number };
    pricing_scheme?: { fixed_price?: PayPalMoneyWire };
  }[];
}

export interface SubscriptionTransactionWire {
  id: string;
  status: string;
  amount_with_breakdown?: { gross_amount?: PayPalMoneyWire; fee_amount?: PayPalMoneyWire; net_amount?: PayPalMoneyWire };
  payer_email?: string;
  payer_name?: { given_name?: string; surname?: string };
  time: string;
}

export interface ReportingDetailWire {
  transaction_info: {
    transaction_id: string;
    paypal_reference_id?: string;
    paypal_reference_id_type?: string;
    transaction_event_code?: string;
    transaction_initiation_date?: string;
    transaction_updated_date?: string;
    transaction_amount?: PayPalMoneyWire;
    fee_amount?: PayPalMoneyWire;
    transaction_status?: string;
    invoice_id?: string;
    custom_field?: string;
  };
  payer_info?: {
    account_id?: string;
    email_address?: string;
    payer_name?: { given_name?: string; surname?: string; alternate_full_name?: string };
  };
}

export interface ReportingPageWire {
  transaction_details?: ReportingDetailWire[];
  page?: number;
  total_items?: number;
  total_pages?: number;
}

/** Money as Usher keeps it. */
export interface Amount {
  minor: number;
  currency: string;
}

export interface PayPalOrder {
  id: string;
  status: string;
  /** Where the buyer approves (rel `approve`, or `payer-action` for the payment_source flow). */
  approveUrl: string | null;
  payerEmail: string | null;
  payerId: string | null;
  captures: PayPalCapture[];
}

export interface PayPalCapture {
  id: string;
  status: string;
  amount: Amount;
  fee: Amount | null;
  customId: string | null;
  invoiceId: string | null;
  createTime: string | null;
}

export interface PayPalSubscription {
  id: string;
  planId: string | null;
  status: string;
  customId: string | null;
  subscriberEmail: string | null;
  payerId: string | null;
  approveUrl: string | null;
  nextBillingTime: Date | null;
  lastPayment: (Amount & { time: Date | null }) | null;
  failedPaymentsCount: number;
}

export interface PayPalPlan {
  id: string;
  name: string | null;
  status: string;
  /** The REGULAR cycle's price and interval, when the plan has a fixed price. */
  price: Amount | null;
  interval: { unit: string; count: number } | null;
}

export interface PayPalSubscriptionTransaction {
  id: string;
  status: string;
  gross: Amount;
  fee: Amount | null;
  payerEmail: string | null;
  time: Date;
}

/** One row of a transaction sync, from the Reporting API or NVP alike. */
export interface PayPalTransaction {
  id: string;
  time: Date;
  /** Reporting: transaction_status S/P/D/V; NVP: Completed/Pending/… as PayPal prints it. */
  status: string;
  gross: Amount;
  fee: Amount | null;
  payerEmail: string | null;
  payerName: string | null;
  /** The subscription (I-…) or order a payment belongs to, when PayPal says. */
  referenceId: string | null;
  referenceType: string | null;
  /** Reporting: transaction_event_code (T0006, T0002…); NVP: L_TYPE (Payment, Recurring Payment…). */
  eventCode: string | null;
  invoiceId: string | null;
  customField: string | null;
}

/** The five PAYPAL-* headers of a webhook delivery, as received. */
export interface PayPalWebhookHeaders {
  transmissionId: string | undefined;
  transmissionTime: string | undefined;
  transmissionSig: string | undefined;
  certUrl: string | undefined;
  authAlgo: string | undefined;
}
