import type { GatewayConfig, PaymentGatewayRegistry } from '../../adapters/payment/registry.js';
import { webhookUrl } from '../../adapters/payment/registry.js';
import type { CredentialsCheck, GatewayCapabilities, GatewayKind, PaymentGateway } from '../../ports/payment-gateway.js';
import { badRequest } from '../../http/errors.js';
import type { SettingsService } from '../settings/settings.service.js';

/** A gateway account as the admin configures it: PayPal may have a second account. */
export type GatewayAccount = 'stripe' | 'paypal' | 'paypalSecondary' | 'plisio';

export const GATEWAY_ACCOUNTS: readonly GatewayAccount[] = ['stripe', 'paypal', 'paypalSecondary', 'plisio'];

export function kindOfAccount(account: GatewayAccount): Exclude<GatewayKind, 'manual'> {
  return account === 'paypalSecondary' ? 'paypal' : account;
}

export interface GatewayAccountOverview {
  account: GatewayAccount;
  kind: Exclude<GatewayKind, 'manual'>;
  enabled: boolean;
  /** Every credential the gateway needs is saved. */
  configured: boolean;
  webhookUrl: string | null;
  /** null until configured: what the gateway can do is known once it can be built. */
  capabilities: GatewayCapabilities | null;
}

/**
 * Turns the gateway settings into working gateways. Everything that pays, verifies or syncs asks
 * here, so the settings are the one place credentials live and a changed secret takes effect on the
 * next call.
 */
export class GatewayDirectory {
  constructor(
    private readonly settings: SettingsService,
    private readonly registry: PaymentGatewayRegistry,
    private readonly siteUrl: () => Promise<string>,
  ) {}

  /** The saved configuration of an account, or null when it is switched off or incomplete. */
  async config(account: GatewayAccount): Promise<GatewayConfig | null> {
    const values = (await this.settings.get(account)) as Record<string, unknown>;
    if (values.enabled !== true) return null;
    return configFromValues(account, values);
  }

  async gateway(account: GatewayAccount): Promise<PaymentGateway | null> {
    const config = await this.withCallback(await this.config(account));
    return config ? this.registry.get(config) : null;
  }

  /** Every enabled account with a complete configuration, in a stable order. */
  async enabledAccounts(): Promise<GatewayAccount[]> {
    const enabled: GatewayAccount[] = [];
    for (const account of GATEWAY_ACCOUNTS) if (await this.config(account)) enabled.push(account);
    return enabled;
  }

  /** Each account as the Settings page shows it: switched on, complete, and what its gateway can do. */
  async overview(): Promise<GatewayAccountOverview[]> {
    const out: GatewayAccountOverview[] = [];
    for (const account of GATEWAY_ACCOUNTS) {
      const values = (await this.settings.get(account)) as Record<string, unknown>;
      const config = await this.withCallback(configFromValues(account, values));
      out.push({
        account,
        kind: kindOfAccount(account),
        enabled: values.enabled === true,
        configured: config !== null,
        webhookUrl: await this.webhookUrlFor(account),
        capabilities: config ? this.registry.get(config).capabilities : null,
      });
    }
    return out;
  }

  /** The URL to paste into the gateway's dashboard (Plisio is told per invoice, but the same URL). */
  async webhookUrlFor(account: GatewayAccount): Promise<string | null> {
    const site = await this.siteUrl();
    if (!site) return null;
    const url = webhookUrl(site, kindOfAccount(account));
    // The second PayPal account has its own webhook id, so its deliveries come to their own path.
    return account === 'paypalSecondary' ? `${url}/secondary` : url;
  }

  /**
   * The "test credentials" button: a fresh gateway from the unsaved values, so a mistyped key is
   * reported before it is saved. Errors are IntegrationErrors with a fix for the admin.
   */
  async test(account: GatewayAccount, values: Record<string, unknown>): Promise<CredentialsCheck> {
    const config = await this.withCallback(configFromValues(account, values));
    if (!config) throw badRequest('gateway_incomplete', incompleteMessage(account));
    const gateway = this.registry.create(config);
    try {
      return await gateway.testCredentials();
    } finally {
      await gateway.close();
    }
  }

  private async withCallback(config: GatewayConfig | null): Promise<GatewayConfig | null> {
    if (config?.kind !== 'plisio') return config;
    const site = await this.siteUrl();
    return site ? { ...config, callbackUrl: webhookUrl(site, 'plisio') } : config;
  }
}

function configFromValues(account: GatewayAccount, values: Record<string, unknown>): GatewayConfig | null {
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string).trim() : '');
  switch (account) {
    case 'stripe':
      return text('secretKey') && text('webhookSecret')
        ? { kind: 'stripe', secretKey: text('secretKey'), webhookSecret: text('webhookSecret') }
        : null;
    case 'paypal':
    case 'paypalSecondary': {
      if (!text('clientId') || !text('clientSecret') || !text('webhookId')) return null;
      const nvp =
        text('nvpUsername') && text('nvpPassword') && text('nvpSignature')
          ? { username: text('nvpUsername'), password: text('nvpPassword'), signature: text('nvpSignature') }
          : null;
      return {
        kind: 'paypal',
        mode: text('mode') === 'live' ? 'live' : 'sandbox',
        clientId: text('clientId'),
        clientSecret: text('clientSecret'),
        webhookId: text('webhookId'),
        nvp,
      };
    }
    case 'plisio':
      return text('secretKey') ? { kind: 'plisio', secretKey: text('secretKey') } : null;
  }
}

function incompleteMessage(account: GatewayAccount): string {
  switch (account) {
    case 'stripe':
      return 'Enter the Stripe secret key and the webhook signing secret (whsec_…) first.';
    case 'paypal':
    case 'paypalSecondary':
      return 'Enter the PayPal client id, client secret and webhook id first.';
    case 'plisio':
      return 'Enter the Plisio secret key first.';
  }
}
