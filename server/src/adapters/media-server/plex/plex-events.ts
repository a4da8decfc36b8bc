import type WebSocket from 'ws';
import { lazy } from '../../../platform/lazy.js';

import type { EventSubscription, MediaServerEvent } from '../../../ports/media-server.js';

const loadWs = lazy<typeof WebSocket>('ws');

export interface PlexEventStreamOptions {
  /** PMS base URL (http or https). */
  url: string;
  token: string;
  headers: Record<string, string>;
  allowSelfSigned?: boolean;
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

const SILENT_STOP_MS = 5 * 60_000;

interface PlayingFrame {
  sessionKey?: string;
  ratingKey?: string;
  state?: string;
}

/**
 * The PMS notifications websocket. PMS repeats a `playing` frame about every 10 s per stream, so
 * only a new stream, a state change, a new item or a stop becomes `sessions_changed`. The socket
 * reconnects with capped exponential backoff and jitter until closed.
 */
export class PlexEventStream implements EventSubscription {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** sessionKey → last item/state seen and when; PMS sends no stop for a stream that just vanishes. */
  private readonly known = new Map<string, { signature: string; seenAt: number }>();

  constructor(
    private readonly options: PlexEventStreamOptions,
    private readonly onEvent: (event: MediaServerEvent) => void,
  ) {
    this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (!ws || ws.readyState === loadWs().CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.terminate();
    });
  }

  private connect(): void {
    const url = this.options.url.replace(/^http/, 'ws').replace(/\/+$/, '') + '/:/websockets/notifications';
    // The token goes in a header (as Tautulli sends it), which keeps it out of URLs and proxy logs.
    const ws = new (loadWs())(url, {
      headers: { ...this.options.headers, 'X-Plex-Token': this.options.token },
      rejectUnauthorized: !this.options.allowSelfSigned,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.attempt = 0;
      this.onEvent({ type: 'connection', state: 'open' });
    });
    ws.on('message', (data: WebSocket.RawData) => this.handle(data.toString()));
    // A refused upgrade (401 …) and network errors both end in 'close'; errors alone need no handling.
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null;
      if (opened) this.onEvent({ type: 'connection', state: 'closed' });
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.options.minReconnectMs ?? 1_000;
    const max = this.options.maxReconnectMs ?? 60_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.connect();
    }, delay);
    this.timer.unref();
  }

  private handle(raw: string): void {
    let frame: { NotificationContainer?: Record<string, unknown> } & Record<string, unknown>;
    try {
      frame = JSON.parse(raw) as typeof frame;
    } catch {
      return;
    }
    const container = frame.NotificationContainer ?? frame;
    if (container.type !== 'playing') return;
    const child = (container.PlaySessionStateNotification as PlayingFrame[] | undefined)?.[0];
    // Tautulli ignores frames whose sessionKey is not all digits.
    if (!child?.sessionKey || !/^\d+$/.test(child.sessionKey)) return;
    const now = Date.now();
    const changed = this.forgetSilent(now);
    if (child.state === 'stopped') {
      this.known.delete(child.sessionKey);
      this.onEvent({ type: 'sessions_changed' });
      return;
    }
    const signature = `${child.ratingKey ?? ''}|${child.state ?? ''}`;
    const before = this.known.get(child.sessionKey);
    this.known.set(child.sessionKey, { signature, seenAt: now });
    if (changed || before?.signature !== signature) this.onEvent({ type: 'sessions_changed' });
  }

  /** Tautulli's rule: a stream with no frame for 5 minutes has stopped. */
  private forgetSilent(now: number): boolean {
    let removed = false;
    for (const [key, entry] of this.known) {
      if (now - entry.seenAt > SILENT_STOP_MS) {
        this.known.delete(key);
        removed = true;
      }
    }
    return removed;
  }
}
