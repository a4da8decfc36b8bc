import { randomBytes } from 'node:crypto';
import { FakeHttpServer } from '../core/fake-server.js';
import { registerCheckoutPages } from './checkout-page.js';
import { registerControlRoutes, seedTransaction, type SeedTransaction } from './control.js';
import { fakeBuyer, PayPalEvents } from './events.js';
import { registerNvpRoutes } from './routes-nvp.js';
import { registerRestRoutes, type PayPalFakeSettings, type RestContext } from './routes-rest.js';
import { PayPalState, type FakePlan, type FakeTransaction } from './state.js';
import { PayPalWebhooks } from './webhooks.js';

export interface PayPalFakeOptions {
  clientId?: string;
  clientSecret?: string;
  nvp?: { user?: string; password?: string; signature?: string };
  webhookId?: string;
  /** Where webhook deliveries go (Usher's `/api/webhooks/paypal`); none: deliveries are only recorded. */
  webhookUrl?: string;
  plans?: (Partial<FakePlan> & { currency: string; value: string })[];
  settings?: Partial<PayPalFakeSettings>;
  port?: number;
  host?: string;
}

/**
 * A stateful PayPal merchant account speaking integrations.md §4: OAuth token, Orders v2,
 * Subscriptions v1, Reporting API, NVP TransactionSearch, verify-webhook-signature, the buyer's
 * approval pages and signed webhook deliveries. One fake is one account in one mode; the REST API
 * is at its root (PAYPAL_API_URL) and NVP at `/nvp` (PAYPAL_NVP_URL).
 */
export class PayPalFake {
  readonly http = new FakeHttpServer('PayPal');
  readonly state: PayPalState;
  readonly settings: PayPalFakeSettings;
  readonly webhooks: PayPalWebhooks;
  readonly events: PayPalEvents;
  private readonly ctx: RestContext;

  constructor(options: PayPalFakeOptions = {}) {
    this.state = new PayPalState(
      options.clientId ?? `AFake${randomBytes(12).toString('hex')}`,
      options.clientSecret ?? `EFake${randomBytes(16).toString('hex')}`,
      {
        user: options.nvp?.user ?? 'merchant_api1.example.com',
        password: options.nvp?.password ?? randomBytes(8).toString('hex').toUpperCase(),
        signature: options.nvp?.signature ?? randomBytes(28).toString('base64url'),
      },
      fakeBuyer(),
    );
    this.settings = { tokenTtlSeconds: 32_400, reportingPermission: true, reportingDelayMs: 0, nvpMaxRows: 100, ...options.settings };
    const base = () => this.url;
    this.webhooks = new PayPalWebhooks(this.state, base, options.webhookId);
    if (options.webhookUrl) this.webhooks.url = options.webhookUrl;
    this.events = new PayPalEvents(this.state, this.webhooks, base);
    this.ctx = { http: this.http, state: this.state, settings: this.settings, webhooks: this.webhooks, events: this.events, base };
    registerRestRoutes(this.ctx);
    registerNvpRoutes(this.ctx);
    registerCheckoutPages(this.http, this.state, this.events);
    registerControlRoutes(this.ctx, this.events);
    for (const plan of options.plans ?? []) this.state.addPlan(plan);
  }

  get url(): string {
    try {
      return this.http.url;
    } catch {
      return 'http://127.0.0.1';
    }
  }

  get nvpUrl(): string {
    return `${this.url}/nvp`;
  }

  get clientId(): string {
    return this.state.clientId;
  }

  get clientSecret(): string {
    return this.state.clientSecret;
  }

  get webhookId(): string {
    return this.webhooks.webhookId;
  }

  addPlan(plan: Partial<FakePlan> & { currency: string; value: string }): FakePlan {
    return this.state.addPlan(plan);
  }

  seedTransactions(rows: SeedTransaction[]): FakeTransaction[] {
    return rows.map((t) => seedTransaction(this.ctx, this.events, t));
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  async close(): Promise<void> {
    await this.webhooks.idle();
    await this.http.close();
  }
}

export async function startPayPalFake(options: PayPalFakeOptions = {}): Promise<PayPalFake> {
  const fake = new PayPalFake(options);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}
