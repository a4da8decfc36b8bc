import { createHmac, randomBytes } from 'node:crypto';

/** hash: a wrong verify_hash; body: a field changed after signing; reorder: keys re-sorted after signing. */
export type PlisioCorruption = 'hash' | 'body' | 'reorder';

export interface PlisioDelivery {
  id: string;
  txnId: string;
  status: string;
  url: string;
  body: string;
  contentType: string;
  state: 'held' | 'sending' | 'delivered' | 'failed';
  attempts: number[];
  corrupted: PlisioCorruption | null;
}

/**
 * Plisio's status callbacks: all values strings, keys alphabetical, `verify_hash` = hex
 * HMAC-SHA1(secret key, JSON.stringify(payload without verify_hash)) for `json=true` callback URLs
 * (integrations.md §5). Form callbacks (no json=true) carry a PHP-serialize hash the fake does not
 * compute, so they never verify — as a receiver expecting JSON would find. Tests and `/__control`
 * hold, reorder, replay, duplicate, delay or corrupt them.
 */
export class PlisioCallbacks {
  hold = false;
  delayMs = 0;
  /** Sends every callback here instead of the invoice's callback_url (the demo's Usher address). */
  overrideUrl: string | null = null;
  readonly deliveries: PlisioDelivery[] = [];
  private corruptNext: { mode: PlisioCorruption; remaining: number } | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly secretKey: () => string) {}

  configure(input: { url?: string | null; hold?: boolean; delayMs?: number }): void {
    if (input.url !== undefined) this.overrideUrl = input.url;
    if (typeof input.hold === 'boolean') this.hold = input.hold;
    if (typeof input.delayMs === 'number') this.delayMs = Math.max(0, input.delayMs);
  }

  corrupt(mode: PlisioCorruption, times = 1): void {
    this.corruptNext = { mode, remaining: times };
  }

  /** The signed JSON body of a callback, keys alphabetical with verify_hash among them. */
  signedBody(fields: Record<string, string>): string {
    const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
    const hash = createHmac('sha1', this.secretKey()).update(JSON.stringify(sorted)).digest('hex');
    return JSON.stringify(Object.fromEntries(Object.entries({ ...sorted, verify_hash: hash }).sort(([a], [b]) => (a < b ? -1 : 1))));
  }

  send(callbackUrl: string | null, fields: Record<string, string>): PlisioDelivery | null {
    const url = this.overrideUrl ?? callbackUrl;
    if (!url) return null;
    const json = /[?&]json=true(&|$)/.test(url);
    let corruption: PlisioCorruption | null = null;
    if (this.corruptNext && this.corruptNext.remaining > 0) {
      corruption = this.corruptNext.mode;
      if (--this.corruptNext.remaining === 0) this.corruptNext = null;
    }
    const delivery: PlisioDelivery = {
      id: `pd_${randomBytes(8).toString('hex')}`,
      txnId: fields.txn_id ?? '',
      status: fields.status ?? '',
      url,
      body: json
        ? this.corrupted(this.signedBody(fields), corruption)
        : new URLSearchParams({ ...fields, verify_hash: 'php-serialize-hash-not-computed' }).toString(),
      contentType: json ? 'application/json' : 'application/x-www-form-urlencoded',
      state: this.hold ? 'held' : 'sending',
      attempts: [],
      corrupted: corruption,
    };
    this.deliveries.push(delivery);
    if (!this.hold) this.track(this.deliver(delivery));
    return delivery;
  }

  release(order: 'sent' | 'reverse' | 'shuffle' = 'sent'): PlisioDelivery[] {
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

  replay(id: string, times = 1, corrupt?: PlisioCorruption): PlisioDelivery[] {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) throw new Error(`no delivery ${id}`);
    const copies = Array.from({ length: times }, () => {
      const copy: PlisioDelivery = {
        ...original,
        id: `pd_${randomBytes(8).toString('hex')}`,
        body: corrupt ? this.corrupted(original.body, corrupt) : original.body,
        corrupted: corrupt ?? original.corrupted,
        attempts: [],
        state: 'sending',
      };
      this.deliveries.push(copy);
      return copy;
    });
    for (const copy of copies) this.track(this.deliver(copy));
    return copies;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private corrupted(body: string, mode: PlisioCorruption | null): string {
    if (!mode) return body;
    const fields = JSON.parse(body) as Record<string, string>;
    if (mode === 'hash') fields.verify_hash = randomBytes(20).toString('hex');
    if (mode === 'body') fields.source_amount = `${fields.source_amount ?? '0'}1`;
    // Same content, other key order: what a receiver re-sorting or re-serializing would hash.
    if (mode === 'reorder') return JSON.stringify(Object.fromEntries(Object.entries(fields).reverse()));
    return JSON.stringify(fields);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(d: PlisioDelivery): Promise<void> {
    d.state = 'sending';
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': d.contentType },
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
