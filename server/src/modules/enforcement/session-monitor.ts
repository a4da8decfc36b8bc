import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.js';
import type { EventSubscription, MediaServerAdapter, MediaServerEvent } from '../../ports/media-server.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { EnforcementRepository } from './enforcement.repository.js';
import type { CheckResult, EnforcementService } from './enforcement.service.js';

export const MONITOR_LEASE = 'enforcement.monitor';

export interface SessionMonitorOptions {
  instanceId: string;
  /** A holder that stops renewing loses the lease after this long (default 30 s). */
  leaseTtlMs?: number;
  /** How often the holder renews and every instance re-reads the server list (default 10 s). */
  renewEveryMs?: number;
  /** Replaces Settings → Enforcement → poll interval (tests). */
  pollIntervalMs?: number;
  /** Events arrive in bursts (start, buffering, playing): one read follows a burst. */
  eventDebounceMs?: number;
  /** Called after every check (tests and the demo watch it). */
  onCheck?: (result: CheckResult) => void;
}

/**
 * Watches every enabled server while this instance holds the lease: server events trigger a check
 * at once, a poll catches what events miss (and everything while a websocket is down; the adapters
 * reconnect with backoff and jitter themselves). Instances sharing a database take turns through a
 * lease row: the holder renews it, another takes it over once it has expired.
 */
export class SessionMonitor {
  private readonly watchers = new Map<string, ServerWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private holding = false;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly service: EnforcementService,
    private readonly repo: EnforcementRepository,
    private readonly servers: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: SessionMonitorOptions,
  ) {}

  get isHolder(): boolean {
    return this.holding;
  }

  get watchedServerIds(): string[] {
    return [...this.watchers.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops watching and hands the lease back, so another instance takes over at its next renewal. */
  async stop(): Promise<void> {
    await this.halt();
    if (this.holding) await this.repo.releaseLease(MONITOR_LEASE, this.options.instanceId).catch(() => undefined);
    this.holding = false;
  }

  /** Stops without releasing the lease, as a crashed instance would (tests of the takeover). */
  async abandon(): Promise<void> {
    await this.halt();
  }

  /** Runs one lease renewal and server-list refresh now. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.renew()).catch((error: unknown) => this.log.error({ err: error }, 'session monitor tick failed'));
    return this.ticking;
  }

  private async halt(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await this.closeAll();
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().then(() => this.schedule(this.options.renewEveryMs ?? 10_000));
    }, delayMs);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (!this.running) return;
    const now = this.clock.now();
    const expires = new Date(now.getTime() + (this.options.leaseTtlMs ?? 30_000));
    const held = await this.repo.acquireLease(MONITOR_LEASE, this.options.instanceId, now.toISOString(), expires.toISOString());
    if (held !== this.holding) this.log.info({ instanceId: this.options.instanceId, held }, held ? 'session monitor lease taken' : 'session monitor lease lost');
    this.holding = held;
    if (!held || !this.running) return this.closeAll();
    const enabled = (await this.servers.list()).filter((s) => s.enabled);
    const ids = new Set(enabled.map((s) => s.id));
    for (const [id, watcher] of this.watchers) {
      const current = enabled.find((s) => s.id === id);
      if (!current || current.updatedAt !== watcher.server.updatedAt) await this.closeWatcher(id);
    }
    for (const server of enabled) if (!this.watchers.has(server.id)) await this.openWatcher(server);
    await this.repo.endOpenHistoryExcept([...ids].filter((id) => enabled.find((s) => s.id === id)?.logStreaming), now.toISOString());
  }

  private async openWatcher(server: ServerRecord): Promise<void> {
    let adapter: MediaServerAdapter;
    try {
      adapter = await this.connector.adapterFor(server);
    } catch (error) {
      this.log.warn({ err: error, serverId: server.id }, 'session monitor cannot reach this server');
      return;
    }
    const watcher = new ServerWatcher(server, adapter, this.service, this.log, {
      pollMs: async () => this.options.pollIntervalMs ?? (await this.settings.get('enforcement')).pollIntervalSeconds * 1000,
      debounceMs: this.options.eventDebounceMs ?? 150,
      onCheck: this.options.onCheck,
    });
    this.watchers.set(server.id, watcher);
    watcher.start();
  }

  private async closeWatcher(id: string): Promise<void> {
    const watcher = this.watchers.get(id);
    this.watchers.delete(id);
    this.service.forget(id);
    await watcher?.close();
  }

  private async closeAll(): Promise<void> {
    for (const id of [...this.watchers.keys()]) await this.closeWatcher(id);
  }
}

interface WatcherOptions {
  pollMs: () => Promise<number>;
  debounceMs: number;
  onCheck: ((result: CheckResult) => void) | undefined;
}

/** One server: its event subscription, its poll timer, and checks that never overlap. */
class ServerWatcher {
  private subscription: EventSubscription | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private checking: Promise<void> | null = null;
  private again = false;
  private identified = false;

  constructor(
    readonly server: ServerRecord,
    private readonly adapter: MediaServerAdapter,
    private readonly service: EnforcementService,
    private readonly log: Logger,
    private readonly options: WatcherOptions,
  ) {}

  start(): void {
    if (this.adapter.subscribeEvents) this.subscription = this.adapter.subscribeEvents((event) => this.onEvent(event));
    void this.check();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    await this.subscription?.close().catch(() => undefined);
    await this.checking;
    await this.adapter.close().catch(() => undefined);
  }

  private onEvent(event: MediaServerEvent): void {
    if (this.closed) return;
    if (event.type === 'connection') {
      this.log.info({ serverId: this.server.id, state: event.state }, `session events ${event.state === 'open' ? 'connected' : 'lost; polling until they are back'}`);
      // Whatever happened while the socket was down is read now, not at the next poll.
      if (event.state === 'open') this.soon();
      return;
    }
    if (event.type === 'sessions_changed') this.soon();
  }

  private soon(): void {
    if (this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      void this.check();
    }, this.options.debounceMs);
    this.debounceTimer.unref();
  }

  private check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.run().finally(() => {
      this.checking = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.check();
      }
    });
    return this.checking;
  }

  private async run(): Promise<void> {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    try {
      // Plex learns whether the owner has Plex Pass (whether it may stop streams) from the server's identity.
      if (!this.identified) {
        await this.adapter.identity();
        this.identified = true;
      }
      const result = await this.service.check(this.server, this.adapter);
      this.options.onCheck?.(result);
    } catch (error) {
      this.log.warn({ err: error, serverId: this.server.id }, 'reading this server’s sessions failed');
    }
    if (this.closed) return;
    const pollMs = await this.options.pollMs().catch(() => 60_000);
    if (this.closed || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.check();
    }, pollMs);
    this.pollTimer.unref();
  }
}
