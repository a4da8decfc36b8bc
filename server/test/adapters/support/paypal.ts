import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPayPalFake, type PayPalFake } from '@usher/fakes';
import { expect } from 'vitest';
import { PayPalClient, type PayPalClientOptions } from '../../../src/adapters/payment/paypal/paypal-client.js';
import { PayPalNvpClient, type PayPalNvpOptions } from '../../../src/adapters/payment/paypal/paypal-nvp.js';
import { PayPalError } from '../../../src/adapters/payment/paypal/paypal-errors.js';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  event: { id: string; event_type: string; resource: Record<string, unknown> };
}

/** Stands for Usher's webhook route: records every delivery byte for byte and answers 200. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, rawBody, event: JSON.parse(rawBody) as ReceivedDelivery['event'] });
        res.writeHead(200).end();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/webhooks/paypal`;
  }

  ofType(type: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.event.event_type === type);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface PayPalHarness {
  fake: PayPalFake;
  receiver: WebhookReceiver;
  client(overrides?: Partial<PayPalClientOptions>): PayPalClient;
  nvp(overrides?: Partial<PayPalNvpOptions>): PayPalNvpClient;
  /** Requests the fake counted on one route, e.g. "POST /v1/oauth2/token". */
  count(route: string): number;
  /** The buyer presses Pay (or Cancel) on the approval page; returns where PayPal redirects. */
  approve(approveUrl: string, choice?: 'pay' | 'cancel', email?: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startPayPalHarness(): Promise<PayPalHarness> {
  const receiver = new WebhookReceiver();
  await receiver.listen();
  const fake = await startPayPalFake({
    webhookUrl: receiver.url,
    plans: [
      { id: 'P-MONTHLY', name: 'Monthly', currency: 'USD', value: '9.99', intervalUnit: 'MONTH' },
      { id: 'P-YEN', name: 'Yen monthly', currency: 'JPY', value: '1200', intervalUnit: 'MONTH' },
    ],
  });
  const made: { close(): Promise<void> }[] = [];
  return {
    fake,
    receiver,
    client(overrides = {}) {
      const client = new PayPalClient({
        mode: 'sandbox',
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        apiUrl: fake.url,
        timeoutMs: 5000,
        ...overrides,
      });
      made.push(client);
      return client;
    },
    nvp(overrides = {}) {
      const { user, password, signature } = fake.state.nvp;
      const client = new PayPalNvpClient({
        mode: 'sandbox',
        username: user,
        password,
        signature,
        nvpUrl: fake.nvpUrl,
        timeoutMs: 5000,
        ...overrides,
      });
      made.push(client);
      return client;
    },
    count: (route) => fake.http.requestCounts()[route] ?? 0,
    async approve(approveUrl, choice = 'pay', email) {
      const page = new URL(approveUrl);
      const html = await (await fetch(page)).text();
      expect(html).toContain('>Pay</button>');
      expect(html).toContain('>Cancel</button>');
      const hidden = Object.fromEntries(
        [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]),
      );
      // As a browser would: the prefilled email unless the buyer types another.
      const prefilled = /<input name="email" type="email" value="([^"]*)">/.exec(html)?.[1] ?? '';
      const form = new URLSearchParams({ ...hidden, choice, email: email ?? prefilled });
      const res = await fetch(new URL(page.pathname, page), { method: 'POST', body: form, redirect: 'manual' });
      expect(res.status).toBe(302);
      return new URL(res.headers.get('location')!);
    },
    async close() {
      await Promise.all(made.map((c) => c.close()));
      await fake.close();
      await receiver.close();
    },
  };
}

/** The PayPalError a promise rejects with. */
export async function paypalError(promise: Promise<unknown>): Promise<PayPalError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PayPalError);
  return error as PayPalError;
}
