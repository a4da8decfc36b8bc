import type { Logger } from 'pino';
import { IntegrationError } from '../../adapters/http/integration-error.js';
import { ALERT_AFTER_FAILURES, retryDelayMs } from '../../domain/operation-retry.js';
import type { Operation } from '../../domain/reconcile.js';
import { conflict, notFound } from '../../http/errors.js';
import { addMs, MINUTE_MS, type Clock } from '../../platform/clock.js';
import { randomToken } from '../../platform/ids.js';
import type { MediaServerAdapter, RemoteAccount } from '../../ports/media-server.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SyncGuardRepository } from '../sync/sync-guard.repository.js';
import type { OperationCounts, OperationFilter, OperationRecord, OperationsRepository } from './operations.repository.js';

/** Longer than any adapter call chain takes; a claim older than this belongs to a stopped instance. */
const LEASE_MS = 5 * MINUTE_MS;
/** Claimed per round of a pass; a pass keeps going until nothing is due. */
const BATCH = 50;
/**
 * Operations of different servers run side by side; one server's are applied in order. Each waits
 * mostly on its server, so 8 keep a pass over 50 servers short without crowding any one of them.
 */
const PARALLEL_SERVERS = 8;
/** Enqueues in quick succession (a bulk edit) share one pass. */
const KICK_DELAY_MS = 250;

export interface ApplyResult {
  applied: number;
  retried: number;
  failed: number;
}

/**
 * What an applied operation produced, for whoever needs to follow up (linking the new account to the
 * member, telling the member how to log in). A Jellyfin/Emby password exists only here, in memory:
 * it is never stored, logged or put in the payload.
 */
export interface AppliedOperation {
  operation: OperationRecord;
  server: ServerRecord;
  account?: RemoteAccount;
  password?: string;
}

export type AppliedListener = (applied: AppliedOperation) => Promise<void> | void;

export interface OperationsServiceOptions {
  /** Names this instance in claims (the job runner's instance id). */
  instanceId: string;
  /** Delay before a kicked pass starts; 0 in tests that want it at once. */
  kickDelayMs?: number;
}

/**
 * Applies the access engine's operations through each server's adapter: durable (the row is the
 * truth), at most one instance per operation (claims), retried with backoff while a server is down,
 * and explained to the admin (the last error, an alert after repeated or permanent failure).
 */
export class OperationsService {
  private applying: Promise<ApplyResult> | null = null;
  private again = false;
  private kickTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listeners: AppliedListener[] = [];

  constructor(
    private readonly repo: OperationsRepository,
    private readonly servers: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly syncGuard: SyncGuardRepository,
    private readonly alerts: AlertsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: OperationsServiceOptions,
  ) {}

  /** Called after each successful operation (in the applying instance). A listener's failure is logged, not retried. */
  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /**
   * Queues operations (once per idempotency key) and starts a pass shortly. See
   * OperationsRepository.enqueue for `supersede`.
   */
  async enqueue(operations: readonly Operation[], options: { supersede?: boolean } = {}) {
    const result = await this.repo.enqueue(operations, this.clock.now().toISOString(), options);
    if (result.inserted.length > 0) this.kick();
    return result;
  }

  /** Starts a pass soon, in the background; several kicks in a row make one pass. */
  kick(): void {
    if (this.stopped || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      if (this.stopped) return;
      this.applyDue().catch((error: unknown) => this.log.error({ err: error }, 'operations pass failed'));
    }, this.options.kickDelayMs ?? KICK_DELAY_MS);
    this.kickTimer.unref();
  }

  /** Stops kicks (shutdown); a pass in progress finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = null;
    await this.applying?.catch(() => undefined);
  }

  /** Applies every due operation once. Concurrent calls in one instance share a pass. */
  applyDue(): Promise<ApplyResult> {
    if (this.applying) {
      // Something enqueued while a pass runs may have been missed by it: one more round afterwards.
      this.again = true;
      return this.applying;
    }
    this.applying = (async () => {
      const total: ApplyResult = { applied: 0, retried: 0, failed: 0 };
      do {
        this.again = false;
        const round = await this.runPass();
        total.applied += round.applied;
        total.retried += round.retried;
        total.failed += round.failed;
      } while (this.again);
      return total;
    })().finally(() => {
      this.applying = null;
    });
    return this.applying;
  }

  private async runPass(): Promise<ApplyResult> {
    const result: ApplyResult = { applied: 0, retried: 0, failed: 0 };
    const tried = new Set<string>();
    for (;;) {
      const now = this.clock.now();
      const ids = (await this.repo.dueIds(now.toISOString(), BATCH + tried.size)).filter((id) => !tried.has(id)).slice(0, BATCH);
      if (ids.length === 0) return result;
      const claimed: OperationRecord[] = [];
      for (const id of ids) {
        tried.add(id);
        const op = await this.repo.claim(id, this.options.instanceId, now.toISOString(), addMs(now, LEASE_MS).toISOString());
        if (op) claimed.push(op);
      }
      const byServer = new Map<string, OperationRecord[]>();
      for (const op of claimed) byServer.set(op.serverId, [...(byServer.get(op.serverId) ?? []), op]);
      const queue = [...byServer.entries()];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [serverId, ops] = next;
          await this.applyForServer(serverId, ops, result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_SERVERS, queue.length) }, worker));
    }
  }

  private async applyForServer(serverId: string, ops: OperationRecord[], result: ApplyResult): Promise<void> {
    const server = await this.servers.find(serverId);
    if (!server?.enabled) {
      // Disabled between listing and claiming: hand them back untouched.
      for (const op of ops) await this.repo.release(op.id, this.options.instanceId, this.clock.now().toISOString());
      return;
    }
    let adapter: MediaServerAdapter;
    try {
      adapter = await this.connector.adapterFor(server);
    } catch (error) {
      for (const op of ops) await this.recordFailure(op, server, error, result);
      return;
    }
    try {
      for (const op of ops) {
        try {
          const outcome = await this.applyOne(adapter, server, op);
          const done = await this.repo.complete(op.id, this.options.instanceId, this.clock.now().toISOString(), outcome.account?.remoteId);
          if (!done) continue;
          result.applied++;
          if (op.kind === 'delete' || (op.kind === 'revoke' && server.kind === 'plex')) await this.expectRemoval(server, op);
          await this.notify({ operation: { ...op, status: 'done' }, server, ...outcome });
        } catch (error) {
          await this.recordFailure(op, server, error, result);
        }
      }
    } finally {
      // Its connections would otherwise linger until keep-alive ends, one pool per server per round.
      await adapter.close().catch((error: unknown) => this.log.warn({ err: error, serverId }, 'closing a server adapter failed'));
    }
  }

  private async applyOne(adapter: MediaServerAdapter, server: ServerRecord, op: OperationRecord): Promise<{ account?: RemoteAccount; password?: string }> {
    const payload = op.payload;
    switch (payload.kind) {
      case 'provision': {
        // A Jellyfin/Emby password is made here, at apply time, and handed only to onApplied
        // listeners: a queued row must never hold a credential. How the member learns it (the invite
        // email, or "reset my password") is the member-operations work's job, not this queue's.
        const password = server.kind === 'plex' ? undefined : randomToken(18);
        const account = await adapter.provisionAccount({ identifier: payload.identifier, grant: payload.grant, ...(password ? { password } : {}) });
        return password ? { account, password } : { account };
      }
      case 'grant':
        await adapter.grantAccess(payload.account, payload.grant);
        return {};
      case 'revoke':
        await adapter.revokeAccess(payload.account);
        return {};
      case 'delete':
        await adapter.deleteAccount(payload.account);
        return {};
      case 'rename':
        await adapter.renameAccount(payload.account, payload.name);
        return {};
    }
  }

  /**
   * A Plex unshare or any deletion makes the account vanish from the server; the sync that notices
   * must not count it toward the mass-removal guard. (A Jellyfin/Emby revoke keeps the account.)
   */
  private async expectRemoval(server: ServerRecord, op: OperationRecord): Promise<void> {
    const remoteId = op.payload.kind === 'provision' ? null : op.payload.account.remoteId;
    if (remoteId) await this.syncGuard.recordExpectedRemoval(server.id, remoteId);
  }

  private async notify(applied: AppliedOperation): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(applied);
      } catch (error) {
        this.log.error({ err: error, operationId: applied.operation.id }, 'an operation listener failed');
      }
    }
  }

  private async recordFailure(op: OperationRecord, server: ServerRecord, error: unknown, result: ApplyResult): Promise<void> {
    const now = this.clock.now();
    const message = describeError(error);
    const retryable = !(error instanceof IntegrationError) || error.retryable;
    if (retryable) {
      const next = addMs(now, retryDelayMs(op.attempts)).toISOString();
      if (!(await this.repo.retryLater(op.id, this.options.instanceId, message, next, now.toISOString()))) return;
      result.retried++;
      if (op.attempts === ALERT_AFTER_FAILURES) await this.alertFailure(op, server, error, `It failed ${op.attempts} times in a row; Usher keeps retrying.`);
      return;
    }
    if (!(await this.repo.fail(op.id, this.options.instanceId, message, now.toISOString()))) return;
    result.failed++;
    await this.alertFailure(op, server, error, 'Retrying will not help until the cause is fixed; Usher stopped trying.');
  }

  private async alertFailure(op: OperationRecord, server: ServerRecord, error: unknown, status: string): Promise<void> {
    const fix = error instanceof IntegrationError && error.fix ? ` Fix: ${error.fix}` : '';
    await this.alerts.raise({
      kind: 'operation_failed',
      severity: 'error',
      title: `A ${op.kind} operation failed on ${server.name}`,
      message: `${describeError(error)} ${status}${fix} See Operations to retry or cancel it.`,
      dedupeKey: `operation_failed:${op.id}`,
    });
  }

  list(filter: OperationFilter) {
    return this.repo.list(filter);
  }

  counts(): Promise<OperationCounts> {
    return this.repo.counts();
  }

  async get(id: string): Promise<OperationRecord> {
    const op = await this.repo.find(id);
    if (!op) throw notFound('unknown_operation', `There is no operation with id "${id}".`);
    return op;
  }

  /** Makes the operation due now (failed, cancelled or waiting for its backoff) and starts a pass. */
  async retry(id: string, actor: Actor): Promise<OperationRecord> {
    const op = await this.get(id);
    if (!(await this.repo.retryNow(id, this.clock.now().toISOString()))) {
      throw conflict('operation_not_retryable', `This operation is ${op.status}; only pending, failed or cancelled operations can be retried.`);
    }
    await this.audit.record(actor, 'operation.retried', { type: 'operation', id }, { kind: op.kind, serverId: op.serverId, memberId: op.memberId });
    this.kick();
    return this.get(id);
  }

  async cancel(id: string, actor: Actor): Promise<OperationRecord> {
    const op = await this.get(id);
    if (!(await this.repo.cancel(id, this.clock.now().toISOString()))) {
      throw conflict('operation_not_cancellable', `This operation is ${op.status}; only pending or failed operations can be cancelled.`);
    }
    await this.audit.record(actor, 'operation.cancelled', { type: 'operation', id }, { kind: op.kind, serverId: op.serverId, memberId: op.memberId });
    return this.get(id);
  }
}

function describeError(error: unknown): string {
  if (error instanceof IntegrationError) return `${error.service}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
