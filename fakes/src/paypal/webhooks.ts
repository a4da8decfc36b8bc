import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { PayPalState } from './state.js';

export type Corruption = 'body' | 'signature';

export interface Delivery {
  /** PAYPAL-TRANSMISSION-ID: what verify-webhook-signature looks the delivery up by. */
  transmissionId: string;
  eventId: string;
  eventType: string;
  /** The envelope as signed. */
  signedBody: string;
  /** What went on the wire (differs from signedBody when the body was corrupted). */
  body: string;
  headers: Record<string, string>;
  state: 'held' | 'sending' | 'delivered' | 'failed';
  /** HTTP status of each attempt (0: the receiver could not be reached). */
  attempts: number[];
  corrupted?: Corruption;
}

export interface VerifyInput {
  auth_algo?: unknown;
  cert_url?: unknown;
  transmission_id?: unknown;
  transmission_sig?: unknown;
  transmission_time?: unknown;
  webhook_id?: unknown;
  webhook_event?: unknown;
}

const AUTH_ALGO = 'SHA256withRSA';

/**
 * Webhook deliveries of the fake account: builds PayPal's envelope, "signs" it (an HMAC over PayPal's
 * own signed string `transmission_id|time|webhook_id|digest(body)`, standing in for PayPal's RSA
 * key), posts it to the configured URL, and answers verify-webhook-signature with SUCCESS only for
 * a delivery it sent, unchanged, with the headers it sent. Tests and `/__control` hold, reorder,
 * replay, duplicate, delay or corrupt deliveries.
 */
export class PayPalWebhooks {
  url: string | null = null;
  webhookId: string;
  hold = false;
  delayMs = 0;
  private corruptNext: { mode: Corruption; remaining: number } | null = null;
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly state: PayPalState,
    private readonly baseUrl: () => string,
    webhookId?: string,
  ) {
    this.webhookId = webhookId ?? `WH-FAKE-${randomBytes(8).toString('hex').toUpperCase()}`;
  }

  configure(input: { url?: string | null; webhookId?: string; hold?: boolean; delayMs?: number }): void {
    if (input.url !== undefined) this.url = input.url;
    if (input.webhookId) this.webhookId = input.webhookId;
    if (typeof input.hold === 'boolean') this.hold = input.hold;
    if (typeof input.delayMs === 'number') this.delayMs = Math.max(0, input.delayMs);
  }

  /** The next `times` deliveries go out corrupted. */
  corrupt(mode: Corruption, times = 1): void {
    this.corruptNext = { mode, remaining: times };
  }

  emit(eventType: string, resourceType: string, resource: unknown, summary: string, resourceVersion = '2.0'): Delivery {
    const eventId = `WH-${randomBytes(10).toString('hex').toUpperCase()}`;
    const envelope = {
      id: eventId,
      event_version: '1.0',
      create_time: new Date(this.state.now()).toISOString(),
      resource_type: resourceType,
      resource_version: resourceVersion,
      event_type: eventType,
      summary,
      resource,
      links: [
        { href: `${this.baseUrl()}/v1/notifications/webhooks-events/${eventId}`, rel: 'self', method: 'GET' },
        { href: `${this.baseUrl()}/v1/notifications/webhooks-events/${eventId}/resend`, rel: 'resend', method: 'POST' },
      ],
    };
    const delivery = this.prepare(eventId, eventType, JSON.stringify(envelope));
    if (this.hold) delivery.state = 'held';
    else this.send(delivery);
    return delivery;
  }

  /** Sends held deliveries, in the order they were made, reversed, or shuffled. */
  release(order: 'sent' | 'reverse' | 'shuffle' = 'sent'): Delivery[] {
    const held = this.deliveries.filter((d) => d.state === 'held');
    if (order === 'reverse') held.reverse();
    if (order === 'shuffle') {
      for (let i = held.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [held[i], held[j]] = [held[j]!, held[i]!];
      }
    }
    for (const d of held) d.state = 'sending';
    // One after another, so "reverse" really arrives reversed.
    const run = (async () => {
      for (const d of held) await this.deliver(d);
    })();
    this.track(run);
    return held;
  }

  /**
   * Sends a delivery again `times` times at once, as PayPal's retries and duplicates arrive: same
   * event id, same transmission (so verify still passes), unless asked to corrupt the copies.
   */
  replay(transmissionId: string, times = 1, corrupt?: Corruption): Delivery[] {
    const original = this.find(transmissionId);
    if (!original) throw new Error(`no delivery ${transmissionId}`);
    const copies: Delivery[] = [];
    for (let i = 0; i < times; i++) {
      const copy: Delivery = corrupt
        ? this.corrupted({ ...original, headers: { ...original.headers }, attempts: [], state: 'sending' }, corrupt)
        : { ...original, headers: { ...original.headers }, attempts: [], state: 'sending' };
      this.deliveries.push(copy);
      copies.push(copy);
    }
    for (const copy of copies) this.track(this.deliver(copy));
    return copies;
  }

  find(transmissionId: string): Delivery | undefined {
    return this.deliveries.find((d) => d.transmissionId === transmissionId);
  }

  /** Resolves when every delivery under way has been answered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  verify(input: VerifyInput): 'SUCCESS' | 'FAILURE' {
    const d = typeof input.transmission_id === 'string' ? this.find(input.transmission_id) : undefined;
    if (!d || d.corrupted === 'signature') return 'FAILURE';
    const ok =
      input.webhook_id === this.webhookId &&
      input.auth_algo === d.headers['paypal-auth-algo'] &&
      input.cert_url === d.headers['paypal-cert-url'] &&
      input.transmission_time === d.headers['paypal-transmission-time'] &&
      input.transmission_sig === this.sign(d.transmissionId, d.headers['paypal-transmission-time']!, this.webhookId, d.signedBody) &&
      isDeepStrictEqual(input.webhook_event, JSON.parse(d.signedBody));
    return ok ? 'SUCCESS' : 'FAILURE';
  }

  private prepare(eventId: string, eventType: string, body: string): Delivery {
    const transmissionId = randomUUID();
    const time = new Date(this.state.now()).toISOString();
    const delivery: Delivery = {
      transmissionId,
      eventId,
      eventType,
      signedBody: body,
      body,
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': this.sign(transmissionId, time, this.webhookId, body),
        'paypal-cert-url': `${this.baseUrl()}/v1/notifications/certs/CERT-360caa42-fca2a594-fake`,
        'paypal-auth-algo': AUTH_ALGO,
        'user-agent': 'PayPal/AUHD-214.0-58822323',
      },
      state: 'sending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    if (this.corruptNext && this.corruptNext.remaining > 0) {
      this.corrupted(delivery, this.corruptNext.mode);
      if (--this.corruptNext.remaining === 0) this.corruptNext = null;
    }
    return delivery;
  }

  private corrupted(d: Delivery, mode: Corruption): Delivery {
    d.corrupted = mode;
    if (mode === 'signature') d.headers['paypal-transmission-sig'] = randomBytes(64).toString('base64');
    else {
      // A tampered amount: the signature no longer covers what arrives.
      const event = JSON.parse(d.signedBody) as { resource?: Record<string, unknown>; summary?: string };
      event.summary = `${event.summary ?? ''} (tampered)`;
      if (event.resource) event.resource.custom_id = 'tampered';
      d.body = JSON.stringify(event);
    }
    return d;
  }

  private sign(transmissionId: string, time: string, webhookId: string, body: string): string {
    const digest = createHash('sha256').update(body).digest('hex');
    return createHmac('sha256', this.secret).update(`${transmissionId}|${time}|${webhookId}|${digest}`).digest('base64');
  }

  private send(d: Delivery): void {
    this.track(this.deliver(d));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(d: Delivery): Promise<void> {
    d.state = 'sending';
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (!this.url) {
      d.state = 'failed';
      d.attempts.push(0);
      return;
    }
    try {
      const res = await fetch(this.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer().catch(() => undefined);
      d.attempts.push(res.status);
      d.state = res.ok ? 'delivered' : 'failed';
    } catch {
      d.attempts.push(0);
      d.state = 'failed';
    }
  }
}
