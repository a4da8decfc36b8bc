import type Stripe from 'stripe';
import { loadStripe } from './stripe-sdk.js';
import { IntegrationError, type IntegrationErrorKind } from '../../http/integration-error.js';

export const STRIPE_SERVICE = 'Stripe';

/** What the failing call was about, so a resource_missing can say which id is wrong. */
export type StripeResource = 'key' | 'checkout' | 'price' | 'customer' | 'refund' | 'portal' | 'listing' | 'invoice';

const MODE_HINT = 'Test keys (sk_test_…) see only test-mode objects and live keys only live ones.';

function fixFor(error: InstanceType<typeof Stripe.errors.StripeError>, resource: StripeResource): string | undefined {
  if (error instanceof loadStripe().errors.StripeAuthenticationError)
    return `Stripe refused the secret key: copy it again from dashboard.stripe.com → Developers → API keys. ${MODE_HINT}`;
  if (error instanceof loadStripe().errors.StripePermissionError)
    return 'This restricted key lacks a permission Usher needs (Checkout Sessions, Customer portal, Refunds, Charges and Invoices read): edit the key in the Stripe dashboard.';
  if (error instanceof loadStripe().errors.StripeRateLimitError) return 'Stripe is rate limiting this account; Usher retries later.';
  if (error.code === 'resource_missing') {
    if (resource === 'price' || error.param?.includes('price'))
      return `Test/live mismatch or wrong price id: the plan's Stripe price id must exist in the same mode as the secret key. ${MODE_HINT}`;
    if (resource === 'customer' || error.param === 'customer')
      return `The Stripe customer no longer exists in this account or mode. ${MODE_HINT}`;
    if (resource === 'refund') return `The payment to refund does not exist in this Stripe account or mode. ${MODE_HINT}`;
  }
  switch (error.code) {
    case 'charge_already_refunded':
      return 'The payment is already fully refunded in Stripe.';
    case 'amount_too_small':
    case 'amount_too_large':
      return "Stripe does not accept this amount for the currency: check the plan's price.";
    case 'parameter_invalid_integer':
      return 'The amount does not fit the currency in Stripe (e.g. a fraction of a zero-decimal currency).';
    default:
      break;
  }
  if (resource === 'portal' && /configuration/i.test(error.message))
    return 'Save the customer portal settings once in the Stripe dashboard (Settings → Billing → Customer portal) so Stripe has a default configuration.';
  return undefined;
}

function kindOf(error: InstanceType<typeof Stripe.errors.StripeError>): { kind: IntegrationErrorKind; retryable: boolean } {
  if (error instanceof loadStripe().errors.StripeAuthenticationError) return { kind: 'unauthorized', retryable: false };
  if (error instanceof loadStripe().errors.StripePermissionError) return { kind: 'unauthorized', retryable: false };
  if (error instanceof loadStripe().errors.StripeRateLimitError) return { kind: 'rate_limited', retryable: true };
  if (error instanceof loadStripe().errors.StripeConnectionError) return { kind: 'unavailable', retryable: true };
  if (error instanceof loadStripe().errors.StripeAPIError) return { kind: 'unavailable', retryable: true };
  if (error.code === 'resource_missing') return { kind: 'not_found', retryable: false };
  // Stripe's own advice on 409 / lock_timeout is to retry with the same idempotency key.
  if (error.statusCode === 409 || error.code === 'lock_timeout') return { kind: 'rejected', retryable: true };
  return { kind: 'rejected', retryable: (error.statusCode ?? 0) >= 500 };
}

/**
 * A Stripe SDK error as an IntegrationError with what Stripe said (type, code, param, request id)
 * and a fix; `reason` is `stripe_<code or type>`. Other errors pass through unchanged.
 */
export function explainStripeError(error: unknown, resource: StripeResource, what: string): unknown {
  if (!(error instanceof loadStripe().errors.StripeError)) return error;
  const { kind, retryable } = kindOf(error);
  const label = [error.type, error.code, error.param ? `param ${error.param}` : undefined].filter(Boolean).join(' / ');
  const status = error.statusCode;
  const message = `Stripe refused ${what}${status ? ` (${status}${label ? ` ${label}` : ''})` : ''}: ${error.message}${error.requestId ? ` [request ${error.requestId}]` : ''}`;
  const fix = fixFor(error, resource);
  return new IntegrationError(STRIPE_SERVICE, kind, message, retryable, {
    ...(fix ? { fix } : {}),
    ...(status !== undefined ? { status } : {}),
    cause: `stripe_${(error.code ?? error.type ?? 'error').toLowerCase()}`,
  });
}
