import type { Logger } from 'pino';
import { accessPhase, type AccessPhase, type ExpiryPolicy } from '../../domain/access-phase.js';
import { desiredAccess, type AccessPlan } from '../../domain/desired-access.js';
import { coveringPayment, subscriptionStateOf, type PaymentPeriod } from '../../domain/member-status.js';
import {
  reconcile,
  type ActualAccount,
  type DesiredEntry,
  type Operation,
  type ReconcilePlan,
  type SkipReason,
} from '../../domain/reconcile.js';
import type { Clock } from '../../platform/clock.js';
import type { AppliedOperation, OperationsService } from '../operations/operations.service.js';
import { PRIVATE_GROUP_ID } from '../libraries/libraries.repository.js';
import type { PaymentRecord, PaymentsRepository } from '../payments/payments.repository.js';
import type { PlanRecord, PlansRepository } from '../plans/plans.repository.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository.js';
import type { SyncService } from '../sync/sync.service.js';
import type { AccessRepository, LibraryRow, LinkedAccount } from './access.repository.js';
import type { PlacementFailure, PlacementService, PlannedPlacement } from './placement.service.js';

/** One change a pass makes (or would make), in words the dry-run page shows. */
export interface AccessChange {
  serverId: string;
  serverName: string;
  serverKind: ServerRecord['kind'];
  memberId: string;
  memberLabel: string;
  kind: Operation['kind'];
  phase: AccessPhase['phase'];
  planName: string | null;
  librariesBefore: string[] | 'all';
  librariesAfter: string[];
  allowDownloadsBefore: boolean;
  allowDownloadsAfter: boolean | null;
  allowTranscoding: boolean | null;
  sessionCap: number | null;
}

export interface AccessSkip {
  serverId: string;
  serverName: string;
  memberId: string;
  memberLabel: string;
  reason: SkipReason;
}

export interface AccessPassResult {
  /** Whether remote writes are on (Settings → Media server integration → Sync shared libraries). */
  syncSharedLibraries: boolean;
  computedAt: string;
  members: number;
  operations: Operation[];
  changes: AccessChange[];
  skipped: AccessSkip[];
  /**
   * Servers whose libraries are all still Private: nobody is granted anything there until the admin
   * groups them, since every member would otherwise lose every library on the first pass.
   */
  unconfiguredServers: { serverId: string; serverName: string }[];
  /** Operations newly queued by this pass (0 when writes are off, or all were already queued). */
  enqueued: number;
  /** Active members without an account and the server placement chose for them (reference §6.14). */
  placements: PlannedPlacement[];
  /** Active members without an account that no server can take: nothing is queued for them. */
  unplaced: PlacementFailure[];
}

/** Immediate passes for one member wait this long, so a burst of edits makes one pass. */
const MEMBER_DEBOUNCE_MS = 250;

const periodsOf = (payments: readonly PaymentRecord[]): PaymentPeriod[] =>
  payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to) }));

function toAccessPlan(plan: PlanRecord): AccessPlan {
  return {
    libraryGroupIds: plan.libraryGroupIds,
    allowDownloads: plan.allowDownloads,
    allowTranscoding: plan.allowTranscoding,
    maxStreams: plan.maxStreams ?? 0,
  };
}

function memberLabel(a: {
  memberDisplayName: string | null;
  memberUsername: string | null;
  memberEmail: string | null;
  memberId: string;
}): string {
  return a.memberDisplayName ?? a.memberUsername ?? a.memberEmail ?? a.memberId;
}

/**
 * The access engine's service (product.md §2, reference §2.5.7, §2.5.10): from payments, plans and
 * library groups, what every member must have on every server they are on, compared with what the
 * last sync saw; the differences become durable operations — or, while the admin has not turned
 * on "sync shared libraries", only a dry run.
 */
export class AccessService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: AccessRepository,
    private readonly payments: PaymentsRepository,
    private readonly plans: PlansRepository,
    private readonly servers: ServersRepository,
    private readonly settings: SettingsService,
    private readonly operations: OperationsService,
    private readonly sync: SyncService,
    private readonly placement: PlacementService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly subscriptions: SubscriptionsRepository,
  ) {
    operations.onApplied((applied) => this.recordApplied(applied));
  }

  /** Dry run: every operation a pass would make now, without queueing anything. */
  async computePlan(options: { memberId?: string } = {}): Promise<AccessPassResult> {
    const now = this.clock.now();
    const [media, subs, servers, plans] = await Promise.all([
      this.settings.get('mediaServer'),
      this.settings.get('subscriptions'),
      this.servers.list(),
      this.plans.list(),
    ]);
    const policy: ExpiryPolicy = {
      graceEnabled: subs.advancedExpirationEnabled,
      graceDays: subs.graceDays,
      graceLibraryGroupIds: subs.graceLibraryGroupIds,
      deleteAfterDays: subs.deleteAfterDays,
    };
    const serverById = new Map(servers.filter((s) => s.enabled).map((s) => [s.id, s]));
    const planById = new Map(plans.map((p) => [p.id, p]));
    const defaultPlan = plans.find((p) => p.isDefault) ?? null;

    const linked = (await this.repo.linkedAccounts(options.memberId)).filter((a) => serverById.has(a.serverId));
    const withAccount = new Set(linked.map((a) => a.memberId));
    // A Plex member whose share was removed at expiry has no account row any more: a renewal re-invites
    // them where they were, by their Plex account id (placement elsewhere is not this pass's job).
    const previous = (await this.repo.previousPlexAccounts(options.memberId)).filter(
      (p) => !withAccount.has(p.memberId) && serverById.has(p.serverId),
    );
    const accounts: LinkedAccount[] = [
      ...linked,
      ...previous.map((p) => ({
        ...p,
        shareId: null,
        username: null,
        email: null,
        state: 'active' as const,
        libraries: [],
        allowDownloads: false,
        allowTranscoding: null,
        sessionCap: null,
        updatedAt: `removed:${p.removedAt}`,
      })),
    ];

    const withAnyAccount = new Set(accounts.map((a) => a.memberId));
    const unplaced = (await this.placement.unplaced(options.memberId)).filter((m) => !withAnyAccount.has(m.memberId));
    const memberIds = [...new Set([...accounts.map((a) => a.memberId), ...unplaced.map((m) => m.memberId)])];
    // A sub's own payments do not count: it has exactly its master's access (reference §2.14).
    const masters = await this.repo.mastersOf(memberIds);
    const payers = [...new Set([...memberIds, ...[...masters.values()].map((m) => m.masterId)])];
    const payments = await this.payments.forMembers(payers);
    // Whether a renewal is on its way (a live gateway subscription): it keeps the member on for the renewal grace.
    const subscriptionStatuses = await this.subscriptions.statusesFor(payers);
    const paymentsByMember = new Map<string, PaymentRecord[]>();
    for (const p of payments) paymentsByMember.set(p.memberId, [...(paymentsByMember.get(p.memberId) ?? []), p]);
    const libraries = await this.repo.libraries([
      ...new Set([...accounts.map((a) => a.serverId), ...(unplaced.length > 0 ? serverById.keys() : [])]),
    ]);
    const librariesByServer = new Map<string, LibraryRow[]>();
    for (const l of libraries) librariesByServer.set(l.serverId, [...(librariesByServer.get(l.serverId) ?? []), l]);
    const unconfigured = new Set(
      [...new Set(accounts.map((a) => a.serverId))].filter(
        (id) => !(librariesByServer.get(id) ?? []).some((l) => !l.removed && l.groupId !== PRIVATE_GROUP_ID),
      ),
    );
    const capabilities = new Map((await this.plans.serverCapabilities([...serverById.keys()])).map((c) => [c.id, c]));

    /** Who decides this member's access (their master, for a sub), their phase and the plan to share by. */
    const decide = (memberId: string, ownPermanent: boolean) => {
      const master = masters.get(memberId);
      const permanent = master ? master.permanent : ownPermanent;
      const own = paymentsByMember.get(master ? master.masterId : memberId) ?? [];
      const subscription = subscriptionStateOf(subscriptionStatuses.get(master ? master.masterId : memberId) ?? []);
      const phase = accessPhase(
        { permanent, payments: periodsOf(own), now, subscription, renewalGraceMs: subs.renewalGraceHours * 3_600_000 },
        policy,
      );
      const payment = this.planPayment(own, now);
      const plan = (payment ? planById.get(payment.planId) : undefined) ?? (permanent ? defaultPlan : null);
      return { permanent, phase, payment, plan, payments: own };
    };
    const accessOn = (server: ServerRecord, phase: AccessPhase, permanent: boolean, plan: PlanRecord | null) => {
      const capability = capabilities.get(server.id);
      const supportsDownloads =
        server.kind === 'jellyfin' || (server.kind === 'emby' ? server.hasEmbyPremiere : capability?.plexPass === true);
      return desiredAccess({
        phase,
        permanent,
        plan: plan ? toAccessPlan(plan) : null,
        libraries: (librariesByServer.get(server.id) ?? []).map((l) => ({ remoteId: l.remoteId, groupId: l.groupId, removed: l.removed })),
        serverSupportsDownloads: supportsDownloads,
      });
    };

    const desired: DesiredEntry[] = [];
    const actual: ActualAccount[] = [];
    const context = new Map<string, { account: LinkedAccount; phase: AccessPhase; plan: PlanRecord | null }>();
    const seenPairs = new Set<string>();
    for (const account of accounts) {
      const server = serverById.get(account.serverId)!;
      actual.push({
        memberId: account.memberId,
        serverId: account.serverId,
        remoteId: account.remoteId,
        shareId: account.shareId,
        // Sync stores only manageable accounts (never owner, admins, Home/managed users or the template).
        role: 'member',
        state: account.state,
        libraries: account.libraries,
        allowDownloads: account.allowDownloads,
        ...(account.allowTranscoding === null ? {} : { allowTranscoding: account.allowTranscoding }),
        ...(account.sessionCap === null ? {} : { sessionCap: account.sessionCap }),
      });
      const pair = `${account.memberId}\u0000${account.serverId}`;
      if (seenPairs.has(pair)) continue;
      seenPairs.add(pair);

      const { permanent, phase, payment, plan } = decide(account.memberId, account.permanent);
      const access = accessOn(server, phase, permanent, plan);
      // A removed share can only be re-invited; there is nothing left to revoke or delete.
      if (!access || (account.updatedAt.startsWith('removed:') && access.kind !== 'access')) continue;
      if (access.kind === 'access' && unconfigured.has(server.id)) continue;
      context.set(pair, { account, phase, plan });
      desired.push({
        memberId: account.memberId,
        serverId: server.id,
        serverKind: server.kind,
        identifier: account.memberEmail ?? account.memberUsername ?? account.email ?? account.username ?? account.remoteId,
        access,
        // Moves with everything the entry depends on and is the same on every instance: the phase, the
        // payment and plan version deciding it, and the account row as last seen (sync and applied
        // operations bump it), so expire → renew → expire again gets fresh keys.
        epoch: [phase.phase, payment?.id ?? 'none', plan ? `${plan.id}@${plan.updatedAt}` : 'none', account.updatedAt].join('|'),
      });
    }

    // Active members with no account anywhere get a server (reference §6.14) and a provision there.
    const placements: PlannedPlacement[] = [];
    const failures: PlacementFailure[] = [];
    const seats = unplaced.length > 0 ? await this.placement.seats() : [];
    for (const member of unplaced) {
      const { permanent, phase, payment, plan, payments: own } = decide(member.memberId, member.permanent);
      // Only someone who should see something now is placed: an expired member keeps no seat.
      if (phase.phase !== 'active' || !plan) continue;
      const label = member.displayName ?? member.username ?? member.email ?? member.memberId;
      const chosen = this.placement.choose(seats, member, plan, own.length <= 1);
      if (!chosen.ok) {
        failures.push({ memberId: member.memberId, memberLabel: label, message: chosen.message });
        continue;
      }
      // A placement on a server that was disabled since is left as it is: no writes there.
      const server = serverById.get(chosen.serverId);
      if (!server || chosen.disabled) continue;
      const identifier = server.kind === 'plex' ? (member.email ?? member.username) : (member.username ?? member.email);
      if (!identifier) {
        failures.push({
          memberId: member.memberId,
          memberLabel: label,
          message: 'The member has neither an email nor a username to invite.',
        });
        continue;
      }
      const access = accessOn(server, phase, permanent, plan);
      if (!access) continue;
      // Keeping a stored decision keeps how it was made (the admin's choice, or the rule that chose it).
      const rule = chosen.rule === 'pending_invite' ? (member.placement?.rule ?? chosen.rule) : chosen.rule;
      placements.push({ memberId: member.memberId, memberLabel: label, serverId: server.id, serverName: server.name, rule });
      const account: LinkedAccount = {
        memberId: member.memberId,
        memberEmail: member.email,
        memberUsername: member.username,
        memberDisplayName: member.displayName,
        permanent: member.permanent,
        serverId: server.id,
        remoteId: '',
        shareId: null,
        username: null,
        email: null,
        state: 'pending',
        libraries: [],
        allowDownloads: false,
        allowTranscoding: null,
        sessionCap: null,
        updatedAt: '',
      };
      context.set(`${member.memberId}\u0000${server.id}`, { account, phase, plan });
      desired.push({
        memberId: member.memberId,
        serverId: server.id,
        serverKind: server.kind,
        identifier,
        access,
        // The placed server is part of the key: a later placement elsewhere is a new provision.
        epoch: [phase.phase, payment?.id ?? 'none', `${plan.id}@${plan.updatedAt}`, `placed:${server.id}`].join('|'),
      });
    }

    const result = reconcile(desired, actual);
    const described = this.describe(result, context, serverById, librariesByServer, media.syncSharedLibraries, now, memberIds.length);
    return {
      ...described,
      unconfiguredServers: [...unconfigured].map((id) => ({ serverId: id, serverName: serverById.get(id)!.name })),
      placements,
      unplaced: failures,
    };
  }

  /** The payment whose plan decides: the covering one, else the latest that started (expired or in grace). */
  private planPayment(payments: readonly PaymentRecord[], now: Date): PaymentRecord | null {
    const covering = coveringPayment(periodsOf(payments), now);
    if (covering) return payments.find((p) => p.id === covering.id) ?? null;
    const started = payments.filter((p) => new Date(p.from).getTime() <= now.getTime());
    started.sort((a, b) => (a.to < b.to ? 1 : a.to > b.to ? -1 : 0));
    return started[0] ?? null;
  }

  /** A full pass: reads every server first (when sync is on), then queues what differs. */
  async reconcileAll(options: { syncFirst?: boolean } = {}): Promise<AccessPassResult> {
    if (options.syncFirst && (await this.settings.get('mediaServer')).syncFromRemote) await this.sync.syncAll();
    return this.apply(await this.computePlan());
  }

  /** One member's pass, and their subs', whose access follows theirs. */
  async reconcileMember(memberId: string): Promise<AccessPassResult> {
    const result = await this.apply(await this.computePlan({ memberId }));
    for (const subId of await this.repo.subsOf(memberId)) await this.apply(await this.computePlan({ memberId: subId }));
    return result;
  }

  /** A member's payments, plan or details changed: an immediate pass for them, in the background. */
  memberChanged(memberId: string): void {
    const pending = this.timers.get(memberId);
    if (pending) clearTimeout(pending);
    const timer = setTimeout(() => {
      this.timers.delete(memberId);
      const run = this.reconcileMember(memberId)
        .catch((error: unknown) => this.log.error({ err: error, memberId }, 'access pass for a member failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, MEMBER_DEBOUNCE_MS);
    timer.unref();
    this.timers.set(memberId, timer);
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

  /** Waits for the debounced passes queued so far (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      for (const [memberId, timer] of this.timers) {
        clearTimeout(timer);
        this.timers.delete(memberId);
        const run = this.reconcileMember(memberId).finally(() => this.running.delete(run));
        this.running.add(run);
      }
      await Promise.allSettled([...this.running]);
    }
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

  private describe(
    result: ReconcilePlan,
    context: Map<string, { account: LinkedAccount; phase: AccessPhase; plan: PlanRecord | null }>,
    servers: Map<string, ServerRecord>,
    libraries: Map<string, LibraryRow[]>,
    syncSharedLibraries: boolean,
    now: Date,
    members: number,
  ): AccessPassResult {
    const titleOf = (serverId: string, remoteId: string) =>
      libraries.get(serverId)?.find((l) => l.remoteId === remoteId)?.title ?? remoteId;
    const changes: AccessChange[] = result.operations.map((op) => {
      const ctx = context.get(`${op.memberId}\u0000${op.serverId}`)!;
      const server = servers.get(op.serverId)!;
      const grant = op.payload.kind === 'grant' || op.payload.kind === 'provision' ? op.payload.grant : null;
      const before = ctx.account.libraries;
      return {
        serverId: server.id,
        serverName: server.name,
        serverKind: server.kind,
        memberId: op.memberId,
        memberLabel: memberLabel(ctx.account),
        kind: op.kind,
        phase: ctx.phase.phase,
        planName: ctx.plan?.name ?? null,
        librariesBefore: before === 'all' ? 'all' : before.map((id) => titleOf(server.id, id)),
        librariesAfter: grant ? grant.libraries.map((id) => titleOf(server.id, id)) : [],
        allowDownloadsBefore: ctx.account.allowDownloads,
        allowDownloadsAfter: grant ? grant.allowDownloads : null,
        allowTranscoding: grant ? grant.allowTranscoding : null,
        sessionCap: grant ? grant.sessionCap : null,
      };
    });
    const skipped: AccessSkip[] = result.skipped.map((s) => {
      const ctx = context.get(`${s.memberId}\u0000${s.serverId}`);
      return {
        serverId: s.serverId,
        serverName: servers.get(s.serverId)?.name ?? s.serverId,
        memberId: s.memberId,
        memberLabel: ctx ? memberLabel(ctx.account) : s.memberId,
        reason: s.reason,
      };
    });
    return {
      syncSharedLibraries,
      computedAt: now.toISOString(),
      members,
      operations: result.operations,
      changes,
      skipped,
      unconfiguredServers: [],
      enqueued: 0,
      placements: [],
      unplaced: [],
    };
  }
}
