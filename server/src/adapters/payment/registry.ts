import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { GatewayKind, PaymentGateway } from '../../ports/payment-gateway.js';
import { ManualGateway } from './manual/manual-gateway.js';
import { PayPalClient, paypalApiUrl } from './paypal/paypal-client.js';
import { PayPalGateway } from './paypal/paypal-gateway.js';
import { PayPalNvpClient, paypalNvpUrl } from './paypal/paypal-nvp.js';
import type { PayPalMode } from './paypal/paypal-types.js';
import { PlisioGateway, plisioApiUrl } from './plisio/plisio-gateway.js';
import { StripeGateway, stripeEndpoint, type StripeEndpoint } from './stripe/stripe-gateway.js';

/** One gateway account's settings as the admin saved them (secrets already decrypted). */
export type GatewayConfig =
  | { kind: 'stripe'; secretKey: string; webhookSecret: string }
  | {
      kind: 'paypal';
      mode: PayPalMode;
      clientId: string;
      clientSecret: string;
      webhookId: string;
      /** NVP API credentials: when set, sync uses TransactionSearch (no 3-hour delay). */
      nvp?: { username: string; password: string; signature: string } | null;
    }
  /** `callbackUrl` overrides the one made from the endpoints' site URL (the admin's Site URL setting wins). */
  | { kind: 'plisio'; secretKey: string; callbackUrl?: string }
  | { kind: 'manual' };

/**
 * Where each gateway lives and where it calls back: deployment settings from the environment
 * (never admin settings, which would send secret keys to a typed-in host).
 */
export interface GatewayEndpoints {
  stripe: StripeEndpoint;
  paypalApiUrl: string | undefined;
  paypalNvpUrl: string | undefined;
  plisioApiUrl: string;
  /** Usher's public base URL; Plisio is told per invoice where to send its callback. */
  siteUrl: string;
}

export function gatewayEndpoints(
  env: {
    STRIPE_API_HOST?: string | undefined;
    STRIPE_API_PORT?: number | undefined;
    STRIPE_API_PROTOCOL?: 'http' | 'https' | undefined;
    PAYPAL_API_URL?: string | undefined;
    PAYPAL_NVP_URL?: string | undefined;
    PLISIO_API_URL?: string | undefined;
  },
  siteUrl: string,
): GatewayEndpoints {
  return {
    stripe: stripeEndpoint(env),
    paypalApiUrl: env.PAYPAL_API_URL,
    paypalNvpUrl: env.PAYPAL_NVP_URL,
    plisioApiUrl: plisioApiUrl(env),
    siteUrl,
  };
}

/** The webhook URL an admin pastes into each gateway's dashboard. */
export function webhookUrl(siteUrl: string, kind: Exclude<GatewayKind, 'manual'>): string {
  // Relative, so a SITE_URL with a path (https://host/usher/) keeps it.
  return new URL(`api/webhooks/${kind}`, siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`).toString();
}

/**
 * The only place that switches on the payment gateway kind. Gateways are kept per configuration,
 * so every webhook and checkout of one account shares its PayPal token and HTTP connections; a
 * changed secret is a new configuration and gets a fresh gateway.
 */
export class PaymentGatewayRegistry {
  private readonly gateways = new Map<string, PaymentGateway>();

  constructor(
    private readonly endpoints: GatewayEndpoints,
    private readonly clock?: Clock,
  ) {}

  /** The gateway for this configuration, made on first use. */
  get(config: GatewayConfig): PaymentGateway {
    // A digest, so the map's keys are not the secrets themselves.
    const key = createHash('sha256').update(JSON.stringify(config)).digest('hex');
    let gateway = this.gateways.get(key);
    if (!gateway) {
      gateway = this.create(config);
      this.gateways.set(key, gateway);
    }
    return gateway;
  }

  async closeAll(): Promise<void> {
    const all = [...this.gateways.values()];
    this.gateways.clear();
    await Promise.all(all.map((g) => g.close()));
  }

  /** A new gateway every call (the "test credentials" button tries unsaved settings this way). */
  create(config: GatewayConfig): PaymentGateway {
    const clock = this.clock ? { clock: this.clock } : {};
    switch (config.kind) {
      case 'stripe':
        return new StripeGateway({
          secretKey: config.secretKey,
          webhookSecret: config.webhookSecret,
          endpoint: this.endpoints.stripe,
          ...clock,
        });
      case 'paypal': {
        const client = new PayPalClient({
          mode: config.mode,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          apiUrl: paypalApiUrl(config.mode, { PAYPAL_API_URL: this.endpoints.paypalApiUrl }),
          ...clock,
        });
        const nvp = config.nvp
          ? new PayPalNvpClient({
              mode: config.mode,
              ...config.nvp,
              nvpUrl: paypalNvpUrl(config.mode, { PAYPAL_NVP_URL: this.endpoints.paypalNvpUrl }),
            })
          : null;
        return new PayPalGateway({ client, webhookId: config.webhookId, nvp, ...clock });
      }
      case 'plisio':
        return new PlisioGateway({
          secretKey: config.secretKey,
          apiUrl: this.endpoints.plisioApiUrl,
          callbackUrl: config.callbackUrl ?? webhookUrl(this.endpoints.siteUrl, 'plisio'),
          ...clock,
        });
      case 'manual':
        return new ManualGateway();
    }
  }
}
