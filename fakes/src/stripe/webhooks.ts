import { createHmac, randomBytes } from 'node:crypto';
import { STRIPE_FAKE_API_VERSION, stripeId, type StripeState } from './state.js';

/** signature: a wrong v1; body: changed after signing; stale: correctly signed 10 minutes ago. */
export type Corruption = 'signature' | 'body' | 'stale';

export interface StripeEventWire {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface Delivery {
  /** Unique per attempt series (a replay is a new delivery of the same event). */
  id: string;
  eventId: string;
  type: string;
  /** What went on the wire. */
  body: string;
  signature: string;
  state: 'held' | 'sending' | 'delivered' | 'failed';
  attempts: number[];
  corrupted: Corruption | null;
}

/**
 * The account's webhook endpoint: events signed the way Stripe signs them
 * (`Stripe-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))`, the secret including `whsec_`),
 * posted to the configured URL. Tests and `/__control` hold, reorder, replay, duplicate, delay or
 * corrupt deliveries.
 */
export class StripeWebhooks {
  url: string | null = null;
  secret: string;
  /** While an endpoint's secret is rolled, Stripe signs with the old one too (a second `v1`). */
  previousSecret: string | null = null;
  hold = false;
  delayMs = 0;
  readonly events: StripeEventWire[] = [];
  readonly deliveries: Delivery[] = [];
  private corruptNext: { mode: Corruption; remaining: number } | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly state: StripeState,
    secret?: string,
  ) {
    this.secret = secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  }

  configure(input: { url?: string | null; secret?: string; previousSecret?: string | null; hold?: boolean; delayMs?: number }): void {
    if (input.url !== undefined) this.url = input.url;
    if (input.secret) this.secret = input.secret;
    if (input.previousSecret !== undefined) this.previousSecret = input.previousSecret;
    if (typeof input.hold === 'boolean') this.hold = input.hold;
    if (typeof input.delayMs === 'number') this.delayMs = Math.max(0, input.delayMs);
  }

  corrupt(mode: Corruption, times = 1): void {
    this.corruptNext = { mode, remaining: times };
  }

  /** Signs like Stripe (and like the SDK's generateTestHeaderString). */
  sign(body: string, timestamp = this.state.now()): string {
    const v1 = (secret: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    return `t=${timestamp},v1=${v1(this.secret)}${this.previousSecret ? `,v1=${v1(this.previousSecret)}` : ''}`;
  }

  emit(type: string, object: unknown, previous?: Record<string, unknown>): StripeEventWire {
    const event: StripeEventWire = {
      id: stripeId('evt'),
      object: 'event',
      api_version: STRIPE_FAKE_API_VERSION,
      created: this.state.now(),
      // A snapshot: later changes to the object do not show in an event already sent.
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: this.state.livemode,
      pending_webhooks: this.url ? 1 : 0,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    const delivery = this.prepare(event, this.takeCorruption());
    if (this.hold) delivery.state = 'held';
    else this.track(this.deliver(delivery));
    return event;
  }

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
    this.track(
      (async () => {
        for (const d of held) await this.deliver(d);
      })(),
    );
    return held;
  }

  /**
   * Sends an event again `times` times at once, as Stripe's retries and duplicate deliveries
   * arrive: same event id, freshly signed, unless asked to corrupt the copies.
   */
  replay(eventOrDeliveryId: string, times = 1, corrupt?: Corruption): Delivery[] {
    const event = this.events.find((e) => e.id === eventOrDeliveryId) ?? this.eventOf(eventOrDeliveryId);
    if (!event) throw new Error(`no event or delivery ${eventOrDeliveryId}`);
    const copies = Array.from({ length: times }, () => this.prepare(event, corrupt ?? null));
    for (const copy of copies) this.track(this.deliver(copy));
    return copies;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private eventOf(deliveryId: string): StripeEventWire | undefined {
    const d = this.deliveries.find((x) => x.id === deliveryId);
    return d ? this.events.find((e) => e.id === d.eventId) : undefined;
  }

  private takeCorruption(): Corruption | null {
    if (!this.corruptNext || this.corruptNext.remaining <= 0) return null;
    const mode = this.corruptNext.mode;
    if (--this.corruptNext.remaining === 0) this.corruptNext = null;
    return mode;
  }

  private prepare(event: StripeEventWire, corruption: Corruption | null): Delivery {
    const signed = JSON.stringify(event, null, 2);
    let body = signed;
    let signature = this.sign(signed);
    if (corruption === 'signature') signature = `t=${this.state.now()},v1=${randomBytes(32).toString('hex')}`;
    if (corruption === 'stale') signature = this.sign(signed, this.state.now() - 600);
    // A changed body under the original signature, as a tampering proxy would send it.
    if (corruption === 'body') body = signed.replace('"object": "event"', '"object": "event",\n  "tampered": true');
    const delivery: Delivery = {
      id: `wd_${randomBytes(8).toString('hex')}`,
      eventId: event.id,
      type: event.type,
      body,
      signature,
      state: 'sending',
      attempts: [],
      corrupted: corruption,
    };
    this.deliveries.push(delivery);
    return delivery;
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
      const res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': d.signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: d.body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      d.attempts.push(res.status);
      d.state = res.ok ? 'delivered' : 'failed';
    } catch {
      d.attempts.push(0);
      d.state = 'failed';
    }
  }
}
