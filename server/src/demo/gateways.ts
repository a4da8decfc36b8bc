import type { Container } from '../container.js';
import { systemActor } from '../modules/audit/audit.service.js';

/** The payment part of what `fakes/src/demo-fakes.ts` prints: a Stripe account, a PayPal sandbox account and a Plisio shop. */
export interface DemoGatewayFakes {
  paypal?: {
    apiUrl: string;
    nvpUrl: string;
    clientId: string;
    clientSecret: string;
    webhookId: string;
    nvp: { user: string; password: string; signature: string };
    plans: { id: string; name: string; currency: string; value: string }[];
  };
  stripe?: {
    endpoint: { host: string; port: number; protocol: 'http' };
    secretKey: string;
    webhookSecret: string;
    prices: { id: string; nickname: string | null; currency: string; unitAmount: number; interval: string | null }[];
  };
  plisio?: { apiUrl: string; secretKey: string };
}

/**
 * Where each gateway lives is deployment configuration (never a setting), so the demo points the
 * environment at the fakes. The fakes already deliver their webhooks to this Usher's /api/webhooks/<kind>.
 */
export function demoGatewayEnv(fakes: DemoGatewayFakes): Record<string, string> {
  return {
    ...(fakes.stripe
      ? { STRIPE_API_HOST: fakes.stripe.endpoint.host, STRIPE_API_PORT: String(fakes.stripe.endpoint.port), STRIPE_API_PROTOCOL: fakes.stripe.endpoint.protocol }
      : {}),
    ...(fakes.paypal ? { PAYPAL_API_URL: fakes.paypal.apiUrl, PAYPAL_NVP_URL: fakes.paypal.nvpUrl } : {}),
    ...(fakes.plisio ? { PLISIO_API_URL: fakes.plisio.apiUrl } : {}),
  };
}

/** Every gateway account switched on with the fake's credentials, so a demo customer can pay with each. */
export async function seedDemoGateways(container: Container, fakes: DemoGatewayFakes): Promise<void> {
  const actor = systemActor;
  if (fakes.stripe)
    await container.settings.update('stripe', { values: { enabled: true }, secrets: { secretKey: fakes.stripe.secretKey, webhookSecret: fakes.stripe.webhookSecret } }, actor);
  if (fakes.paypal)
    await container.settings.update(
      'paypal',
      {
        values: { enabled: true, mode: 'sandbox', clientId: fakes.paypal.clientId, webhookId: fakes.paypal.webhookId, nvpUsername: fakes.paypal.nvp.user },
        secrets: { clientSecret: fakes.paypal.clientSecret, nvpPassword: fakes.paypal.nvp.password, nvpSignature: fakes.paypal.nvp.signature },
      },
      actor,
    );
  if (fakes.plisio) await container.settings.update('plisio', { values: { enabled: true }, secrets: { secretKey: fakes.plisio.secretKey } }, actor);
  if (fakes.stripe) await container.settings.update('paymentGateways', { values: { defaultGateway: 'stripe' } }, actor);
}

/** The fake's Stripe price and PayPal plan for a plan name, so that plan is also sold as a subscription. */
export function demoRecurringIds(fakes: DemoGatewayFakes, name: string): { stripePriceId: string | null; paypalPlanId: string | null } {
  return {
    stripePriceId: fakes.stripe?.prices.find((p) => p.nickname === name)?.id ?? null,
    paypalPlanId: fakes.paypal?.plans.find((p) => p.name === name)?.id ?? null,
  };
}
