import { randomBytes } from 'node:crypto';
import { FakeHttpServer } from '../core/fake-server.js';
import { StripeAccount } from './account.js';
import { registerStripeControl } from './control.js';
import { registerStripePages } from './pages.js';
import { registerStripeRoutes, type StripeRouteContext } from './routes.js';
import { StripeState, type PriceWire } from './state.js';
import { StripeWebhooks } from './webhooks.js';

export interface StripeFakePrice {
  id?: string;
  unitAmount: number;
  currency: string;
  interval?: 'day' | 'week' | 'month' | 'year';
  intervalCount?: number;
  nickname?: string;
}

export interface StripeFakeOptions {
  secretKey?: string;
  webhookSecret?: string;
  /** Usher's `/api/webhooks/stripe`; none: deliveries are only recorded. */
  webhookUrl?: string;
  prices?: StripeFakePrice[];
  livemode?: boolean;
  port?: number;
  host?: string;
}

/**
 * A stateful Stripe account speaking integrations.md §3 at the pinned API version: Checkout
 * Sessions (payment and subscription mode), subscriptions with invoices and renewals, refunds,
 * the customer portal, charge/invoice listing with pagination, signed webhooks, and the hosted
 * pages a browser test pays on. Point the SDK at it with host/port/protocol (STRIPE_API_*).
 */
export class StripeFake {
  readonly http = new FakeHttpServer('Stripe');
  readonly state: StripeState;
  readonly webhooks: StripeWebhooks;
  readonly account: StripeAccount;
  secretKey: string;
  private readonly ctx: StripeRouteContext;

  constructor(options: StripeFakeOptions = {}) {
    this.state = new StripeState(options.livemode ?? false);
    this.secretKey = options.secretKey ?? `sk_test_${randomBytes(24).toString('base64url')}`;
    this.webhooks = new StripeWebhooks(this.state, options.webhookSecret);
    if (options.webhookUrl) this.webhooks.url = options.webhookUrl;
    this.account = new StripeAccount(this.state, this.webhooks);
    this.ctx = { http: this.http, account: this.account, secretKey: () => this.secretKey, base: () => this.url, versions: [] };
    registerStripeRoutes(this.ctx);
    registerStripePages(this.http, this.account);
    registerStripeControl(this.ctx, this.account);
    for (const price of options.prices ?? []) this.state.addPrice(price);
  }

  get url(): string {
    try {
      return this.http.url;
    } catch {
      return 'http://127.0.0.1';
    }
  }

  /** The SDK options that send every call here. */
  get endpoint(): { host: string; port: number; protocol: 'http' } {
    return { host: '127.0.0.1', port: this.http.port, protocol: 'http' };
  }

  get webhookSecret(): string {
    return this.webhooks.secret;
  }

  /** Stripe-Version values the fake has received. */
  get apiVersions(): string[] {
    return [...new Set(this.ctx.versions)];
  }

  addPrice(price: StripeFakePrice): PriceWire {
    return this.state.addPrice(price);
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  async close(): Promise<void> {
    await this.webhooks.idle();
    await this.http.close();
  }
}

export async function startStripeFake(options: StripeFakeOptions = {}): Promise<StripeFake> {
  const fake = new StripeFake(options);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}
