import type WebSocket from 'ws';
import { lazy } from '../../../platform/lazy.js';

import type { EventSubscription, MediaServerEvent } from '../../../ports/media-server.js';
import { sessionsSignature } from './sessions.js';
import type { WireSession } from './wire.js';

const loadWs = lazy<typeof WebSocket>('ws');

export interface EventStreamOptions {
  /**
   * Where the socket lives; with several candidates, a connection that fails before opening moves
   * on to the next one (the last that opened is kept for reconnects).
   */
  url: string | string[];
  headers: Record<string, string>;
  allowSelfSigned: boolean;
  onEvent: (event: MediaServerEvent) => void;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Emby was seen ignoring the first SessionsStart (§9.3): re-send it when no Sessions frame came by then. */
  sessionsStartRetryMs?: number;
}

interface Frame {
  MessageType?: string;
  Data?: unknown;
}

const KEEP_ALIVE_MS = 30_000;

/**
 * The session-events websocket of Jellyfin (`/socket`) and Emby (`/embywebsocket`): subscribes
 * with SessionsStart "0,1500", answers ForceKeepAlive, diffs consecutive `Sessions` snapshots into
 * `sessions_changed` (there are no playback start/stop frames, §9.3), and reconnects with backoff.
 */
export class MediaBrowserEventStream implements EventSubscription {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempt = 0;
  private lastSignature: string | null = null;
  private sawSessions = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private sessionsStartTimer: NodeJS.Timeout | null = null;
  private readonly urls: string[];
  private urlIndex = 0;

  constructor(private readonly options: EventStreamOptions) {
    this.urls = Array.isArray(options.url) ? options.url : [options.url];
    this.connect();
  }

  /** The address of the socket currently used or tried (for diagnostics and tests). */
  get url(): string {
    return this.urls[this.urlIndex]!;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === loadWs().CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      ws.close();
    });
  }

  private connect(): void {
    const ws = new (loadWs())(this.url, {
      headers: this.options.headers,
      rejectUnauthorized: !this.options.allowSelfSigned,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.attempt = 0;
      this.sawSessions = false;
      this.options.onEvent({ type: 'connection', state: 'open' });
      this.startSessions();
      this.keepAliveTimer = setInterval(() => this.send({ MessageType: 'KeepAlive' }), KEEP_ALIVE_MS);
    });
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(data.toString()));
    // A refused upgrade or a dropped connection ends in 'close'; errors carry nothing more to act on.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.clearTimers();
      if (opened) this.options.onEvent({ type: 'connection', state: 'closed' });
      // Never opened: try the next candidate address next time.
      else this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect();
    }, delay);
  }

  private startSessions(): void {
    this.send({ MessageType: 'SessionsStart', Data: '0,1500' });
    this.sessionsStartTimer = setTimeout(() => {
      if (!this.sawSessions) this.send({ MessageType: 'SessionsStart', Data: '0,1500' });
    }, this.options.sessionsStartRetryMs ?? 5000);
  }

  private onFrame(raw: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return;
    }
    switch (frame.MessageType) {
      case 'ForceKeepAlive': {
        this.send({ MessageType: 'KeepAlive' });
        // Data is the server's timeout in seconds; answer at half of it.
        const seconds = typeof frame.Data === 'number' && frame.Data > 0 ? frame.Data : 60;
        if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
        this.keepAliveTimer = setInterval(() => this.send({ MessageType: 'KeepAlive' }), Math.min(KEEP_ALIVE_MS, (seconds * 1000) / 2));
        return;
      }
      case 'Sessions':
        this.onSessions(Array.isArray(frame.Data) ? (frame.Data as WireSession[]) : []);
        return;
      case 'UserUpdated':
      case 'UserPolicyUpdated':
      case 'UserConfigurationUpdated':
      case 'UserDeleted': {
        const data = frame.Data as { Id?: unknown } | string | undefined;
        const remoteId = typeof data === 'string' ? data : typeof data?.Id === 'string' ? data.Id : null;
        if (remoteId) this.options.onEvent({ type: 'account_changed', remoteId });
        return;
      }
      case 'LibraryChanged':
        this.options.onEvent({ type: 'library_changed' });
        return;
      default:
        return;
    }
  }

  private onSessions(sessions: WireSession[]): void {
    this.sawSessions = true;
    const signature = sessionsSignature(sessions);
    const previous = this.lastSignature;
    this.lastSignature = signature;
    // Before the first snapshot nothing was known: an idle server is no change, playing sessions are.
    if (previous === null ? signature !== '' : signature !== previous) this.options.onEvent({ type: 'sessions_changed' });
  }

  private send(frame: Frame): void {
    if (this.ws?.readyState === loadWs().OPEN) this.ws.send(JSON.stringify(frame));
  }

  private clearTimers(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    if (this.sessionsStartTimer) clearTimeout(this.sessionsStartTimer);
    this.keepAliveTimer = null;
    this.sessionsStartTimer = null;
  }
}
