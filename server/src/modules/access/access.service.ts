import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.js';
import type { AppliedOperation, OperationsService } from '../operations/operations.service.js';
import type { PaymentsRepository } from '../payments/payments.repository.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository.js';
import type { SyncService } from '../sync/sync.service.js';
import type { AccessPassResult } from './access-changes.js';
import { AccessPassComputer } from './access-pass.js';
import type { AccessRepository } from './access.repository.js';
import type { PlacementService } from './placement.service.js';

/**
 * Members changed within this long of the first change share one immediate pass: a plan edit or a
 * bulk action touching hundreds of members reads the site's servers, plans and libraries once.
 */
export const MEMBER_BATCH_MS = 250;

/**
 * The access engine's service (product.md §2, reference §2.5.7, §2.5.10): when passes run (hourly,
 * on demand, and shortly after a member's payments, plan or details change), and what becomes of
 * their result — durable operations, or, while the admin has not turned on "sync shared
 * libraries", only a dry run. What a pass computes is AccessPassComputer's.
 */
export class AccessService {
  private readonly pass: AccessPassComputer;
  /** Members changed since the batch timer started; they get one pass together when it fires. */
  private readonly changed = new Set<string>();
  private batchTimer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: AccessRepository,
    payments: PaymentsRepository,
    plans: PlansRepository,
    servers: ServersRepository,
    private readonly settings: SettingsService,
    private readonly operations: OperationsService,
    private readonly sync: SyncService,
    private readonly placement: PlacementService,
    private readonly clock: Clock,
    private readonly log: Logger,
    subscriptions: SubscriptionsRepository,
  ) {
    this.pass = new AccessPassComputer(repo, payments, plans, servers, settings, placement, subscriptions, clock);
    operations.onApplied((applied) => this.recordApplied(applied));
  }

  /** Dry run: every operation a pass would make now, without queueing anything. */
  computePlan(options: { memberId?: string } = {}): Promise<AccessPassResult> {
    return this.pass.compute(options.memberId ? [options.memberId] : undefined);
  }

  /** A full pass: reads every server first (when sync is on), then queues what differs. */
  async reconcileAll(options: { syncFirst?: boolean } = {}): Promise<AccessPassResult> {
    if (options.syncFirst && (await this.settings.get('mediaServer')).syncFromRemote) await this.sync.syncAll();
    return this.apply(await this.pass.compute());
  }

  /** One member's pass, with their subs', whose access follows theirs. */
  reconcileMember(memberId: string): Promise<AccessPassResult> {
    return this.reconcileMembers([memberId]);
  }

  /** One pass for these members and their subs together. */
  async reconcileMembers(memberIds: readonly string[]): Promise<AccessPassResult> {
    const subs = await this.repo.subsOfMany(memberIds);
    return this.apply(await this.pass.compute([...memberIds, ...subs]));
  }

  /** A member's payments, plan or details changed: an immediate pass for them, in the background. */
  memberChanged(memberId: string): void {
    this.changed.add(memberId);
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => this.runBatch(), MEMBER_BATCH_MS);
    this.batchTimer.unref();
  }

  /** A plan's library groups or options changed: everyone who may be on it gets a pass. */
  planChanged(planId: string): void {
    // Tracked like a pass, so settled() (tests, shutdown) also waits for the lookup that queues the passes.
    const run: Promise<void> = this.repo
      .membersWithPlan(planId)
      .then((ids) => ids.forEach((id) => this.memberChanged(id)))
      .catch((error: unknown) => this.log.error({ err: error, planId }, 'access pass for a plan failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for the immediate passes queued so far, starting a waiting batch at once (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.batchTimer || this.running.size > 0) {
      if (this.batchTimer) this.runBatch();
      await Promise.allSettled([...this.running]);
    }
  }

  private runBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const memberIds = [...this.changed];
    this.changed.clear();
    if (memberIds.length === 0) return;
    const run = this.reconcileMembers(memberIds)
      .catch((error: unknown) => this.log.error({ err: error, members: memberIds.length }, 'access pass for changed members failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async apply(result: AccessPassResult): Promise<AccessPassResult> {
    // A member no server can take is told to the admin whether or not writes are on; nothing is queued for them.
    await this.placement.recordFailures(result.unplaced);
    if (!result.syncSharedLibraries) return result;
    // The decision is stored before its provision is queued, so the seat is held from now on.
    await this.placement.recordPlacements(result.placements);
    if (result.operations.length === 0) return result;
    const { inserted } = await this.operations.enqueue(result.operations);
    return { ...result, enqueued: inserted.length };
  }

  /** Keeps member_accounts true to what was just applied, so the next pass does not redo or miss it. */
  private async recordApplied(applied: AppliedOperation): Promise<void> {
    const { operation, server } = applied;
    const payload = operation.payload;
    const now = this.clock.now().toISOString();
    if (payload.kind === 'provision') {
      await this.placement.provisioned(applied);
    } else if (payload.kind === 'grant') {
      const { libraries, allowDownloads, allowTranscoding, sessionCap } = payload.grant;
      // Plex has no per-account cap or transcoding flag: leave them unknown so they are never compared.
      const extra = server.kind === 'plex' ? {} : { allowTranscoding, sessionCap };
      const known = await this.repo.recordAccess(server.id, payload.account.remoteId, { libraries, allowDownloads, ...extra }, now);
      // No account row: the grant re-invited a Plex share removed at expiry (a renewal), so a new invite waits to be accepted.
      if (!known && server.kind === 'plex') await this.placement.reinvited(applied);
    } else if (payload.kind === 'revoke') {
      await this.repo.recordAccess(server.id, payload.account.remoteId, { libraries: [], allowDownloads: false }, now);
    }
  }
}
