import { startStripeFake, type StripeFake } from '@usher/fakes';
import { expect } from 'vitest';
import { IntegrationError } from '../../../src/adapters/http/integration-error.js';
import { StripeGateway, type StripeGatewayOptions } from '../../../src/adapters/payment/stripe/stripe-gateway.js';
import type { GatewayEvent } from '../../../src/ports/payment-gateway.js';
import { RawWebhookReceiver } from './webhook-receiver.js';

export const SUCCESS = 'https://usher.example/pay/stripe/return?session_id={CHECKOUT_SESSION_ID}';
export const CANCEL = 'https://usher.example/pay/stripe/cancel';

export interface StripeHarness {
  fake: StripeFake;
  receiver: RawWebhookReceiver;
  /** A monthly USD 9.99 price in the fake account. */
  monthly: string;
  gateway(overrides?: Partial<StripeGatewayOptions>): StripeGateway;
  /** Presses a button on the hosted checkout page and returns where Stripe redirects. */
  press(url: string, choice: 'pay' | 'cancel' | 'async', email?: string): Promise<URL>;
  /** Every delivery received so far, verified by the gateway, in arrival order. */
  deliveredEvents(g: StripeGateway): Promise<GatewayEvent[]>;
  /** Waits for deliveries under way, then forgets what was received and any injected fault. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startStripeHarness(): Promise<StripeHarness> {
  const receiver = new RawWebhookReceiver('/api/webhooks/stripe');
  await receiver.listen();
  const fake = await startStripeFake({ webhookUrl: receiver.url });
  const monthly = fake.addPrice({ unitAmount: 999, currency: 'usd', interval: 'month', nickname: 'Monthly' }).id;
  return {
    fake,
    receiver,
    monthly,
    gateway: (overrides = {}) =>
      new StripeGateway({
        secretKey: fake.secretKey,
        webhookSecret: fake.webhookSecret,
        endpoint: fake.endpoint,
        maxNetworkRetries: 0,
        ...overrides,
      }),
    async press(url, choice, email = 'member@example.com') {
      const page = await fetch(url);
      expect(await page.text()).toContain('Fake Stripe Checkout');
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ choice, email, name: 'Ann Member' }),
      });
      expect(res.status).toBe(303);
      return new URL(res.headers.get('location')!);
    },
    async deliveredEvents(g) {
      await fake.webhooks.idle();
      const out: GatewayEvent[] = [];
      for (const d of receiver.received) {
        const v = await g.verifyWebhook(d.rawBody, d.headers);
        if (!v.ok) throw new Error(v.reason);
        out.push(...v.events);
      }
      return out;
    },
    async reset() {
      await fake.webhooks.idle();
      receiver.clear();
      fake.http.clearFaults();
    },
    async close() {
      await fake.close();
      await receiver.close();
    },
  };
}

/** The IntegrationError a promise rejects with. */
export async function integrationError(p: Promise<unknown>): Promise<IntegrationError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}
