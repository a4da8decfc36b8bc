import { IntegrationError } from '../../http/integration-error.js';
import type {
  CheckoutSession,
  CredentialsCheck,
  GatewayEvent,
  GatewayTransaction,
  PaymentGateway,
  RefundResult,
  WebhookVerification,
} from '../../../ports/payment-gateway.js';

const SERVICE = 'Manual payments';

const unsupported = (what: string, fix: string) =>
  new IntegrationError(SERVICE, 'rejected', `Manual payments have no ${what}`, false, { fix, cause: 'gateway_unsupported' });

/**
 * Payments the admin records by hand (cash, bank transfer). Nothing remote: no checkout, no webhooks,
 * nothing to sync, and a "refund" is the admin editing the payment, so those calls say so.
 */
export class ManualGateway implements PaymentGateway {
  readonly kind = 'manual' as const;
  readonly capabilities = { oneOff: true, recurring: false, refund: false, portal: false, sync: false };

  createCheckout(): Promise<CheckoutSession> {
    return Promise.reject(unsupported('online checkout', 'Record the payment under Payments once the money has arrived.'));
  }

  verifyWebhook(): Promise<WebhookVerification> {
    return Promise.resolve({ ok: false, reason: 'manual payments receive no webhooks' });
  }

  completeCheckout(): Promise<GatewayEvent[]> {
    return Promise.resolve([]);
  }

  refund(): Promise<RefundResult> {
    return Promise.reject(unsupported('refunds to send', 'Pay the money back yourself and record the refund on the payment.'));
  }

  listTransactions(): Promise<GatewayTransaction[]> {
    return Promise.resolve([]);
  }

  customerPortalUrl(): Promise<string | null> {
    return Promise.resolve(null);
  }

  testCredentials(): Promise<CredentialsCheck> {
    return Promise.resolve({ account: null, live: null, details: ['manual payments need no credentials'] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
