import { accessPhase, type AccessPhase, type ExpiryPolicy } from '../../domain/access-phase.js';
import { desiredAccess, type AccessPlan } from '../../domain/desired-access.js';
import { coveringPayment, subscriptionStateOf, type GatewaySubscriptionStatus, type PaymentPeriod } from '../../domain/member-status.js';
import type { PlacementServer } from '../../domain/placement.js';
import { compareOperations, reconcile, type ActualAccount, type DesiredEntry, type Operation } from '../../domain/reconcile.js';
import type { Clock } from '../../platform/clock.js';
import { PRIVATE_GROUP_ID } from '../libraries/libraries.repository.js';
import type { PaymentPeriodRow, PaymentsRepository } from '../payments/payments.repository.js';
import type { PlanRecord, PlansRepository, ServerCapability } from '../plans/plans.repository.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository.js';
import {
  describeChanges,
  pairKey,
  type AccessChange,
  type AccessPassResult,
  type AccessSkip,
  type EntryContext,
} from './access-changes.js';
import type { AccessRepository, LibraryRow, LinkedAccount } from './access.repository.js';
import type { PlacementFailure, PlacementService, PlannedPlacement } from './placement.service.js';

/**
 * Members per slice of a pass: a pass over 10,000 members never holds all their accounts, payments
 * and desired state at once (its heap peak stays near a tenth of what it was).
 */
export const PASS_SLICE = 500;

/** What every slice of a pass shares, read once per pass. */
interface Site {
  now: Date;
  syncSharedLibraries: boolean;
  policy: ExpiryPolicy;
  renewalGraceMs: number;
  serverById: Map<string, ServerRecord>;
  planById: Map<string, PlanRecord>;
  defaultPlan: PlanRecord | null;
  librariesByServer: Map<string, LibraryRow[]>;
  capabilities: Map<string, ServerCapability>;
}

/** Who paid for what, by member: the payment periods and gateway subscription states. */
interface Payers {
  periods: Map<string, PaymentPeriodRow[]>;
  subscriptions: Map<string, GatewaySubscriptionStatus[]>;
}

interface SlicePart {
  members: number;
  operations: { operation: Operation; change: AccessChange }[];
  skipped: AccessSkip[];
  placements: PlannedPlacement[];
  failures: PlacementFailure[];
  serversWithAccounts: string[];
}

const periodsOf = (payments: readonly PaymentPeriodRow[]): PaymentPeriod[] =>
  payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to) }));

function toAccessPlan(plan: PlanRecord): AccessPlan {
  return {
    libraryGroupIds: plan.libraryGroupIds,
    allowDownloads: plan.allowDownloads,
    allowTranscoding: plan.allowTranscoding,
    maxStreams: plan.maxStreams ?? 0,
  };
}

/** The payment whose plan decides: the covering one, else the latest that started (expired or in grace). */
function planPayment(payments: readonly PaymentPeriodRow[], now: Date): PaymentPeriodRow | null {
  const covering = coveringPayment(periodsOf(payments), now);
  if (covering) return payments.find((p) => p.id === covering.id) ?? null;
  const started = payments.filter((p) => new Date(p.from).getTime() <= now.getTime());
  started.sort((a, b) => (a.to < b.to ? 1 : a.to > b.to ? -1 : 0));
  return started[0] ?? null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/**
 * Computes a pass (product.md §2, reference §2.5.7, §6.14): from payments, plans and library groups,
 * what every member must have on every server they are on, compared with what the last sync saw.
 * Queues nothing: the access service applies the result, the dry-run page shows it.
 */
export class AccessPassComputer {
  constructor(
    private readonly repo: AccessRepository,
    private readonly payments: PaymentsRepository,
    private readonly plans: PlansRepository,
    private readonly servers: ServersRepository,
    private readonly settings: SettingsService,
    private readonly placement: PlacementService,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly clock: Clock,
  ) {}

  /** The pass for these members, or for everyone, taken a slice of members at a time. */
  async compute(memberIds?: readonly string[]): Promise<AccessPassResult> {
    const site = await this.site();
    const ids = memberIds ? [...new Set(memberIds)].sort() : await this.repo.liveMemberIds();
    // Everyone's periods and subscription states in one scan each, instead of one lookup per slice.
    const everyone = memberIds ? null : await this.payers();
    // Shared by every slice, so a member placed in one slice holds their seat for the next.
    let seats: PlacementServer[] | null = null;
    const seatsOnce = async () => (seats ??= await this.placement.seats());

    let members = 0;
    const operations: SlicePart['operations'] = [];
    const skipped: AccessSkip[] = [];
    const placements: PlannedPlacement[] = [];
    const failures: PlacementFailure[] = [];
    const serversWithAccounts = new Set<string>();
    for (let i = 0; i < ids.length; i += PASS_SLICE) {
      const part = await this.slice(site, ids.slice(i, i + PASS_SLICE), everyone, seatsOnce);
      members += part.members;
      operations.push(...part.operations);
      skipped.push(...part.skipped);
      placements.push(...part.placements);
      failures.push(...part.failures);
      for (const id of part.serversWithAccounts) serversWithAccounts.add(id);
    }
    // The same order as one reconcile over everyone would give.
    operations.sort((a, b) => compareOperations(a.operation, b.operation));
    return {
      syncSharedLibraries: site.syncSharedLibraries,
      computedAt: site.now.toISOString(),
      members,
      operations: operations.map((o) => o.operation),
      changes: operations.map((o) => o.change),
      skipped,
      unconfiguredServers: [...serversWithAccounts]
        .filter((id) => !this.configured(site, id))
        .map((id) => ({ serverId: id, serverName: site.serverById.get(id)!.name })),
      enqueued: 0,
      placements,
      unplaced: failures,
    };
  }

  private async site(): Promise<Site> {
    const [media, subs, servers, plans] = await Promise.all([
      this.settings.get('mediaServer'),
      this.settings.get('subscriptions'),
      this.servers.list(),
      this.plans.list(),
    ]);
    const serverById = new Map(servers.filter((s) => s.enabled).map((s) => [s.id, s]));
    const serverIds = [...serverById.keys()];
    return {
      now: this.clock.now(),
      syncSharedLibraries: media.syncSharedLibraries,
      policy: {
        graceEnabled: subs.advancedExpirationEnabled,
        graceDays: subs.graceDays,
        graceLibraryGroupIds: subs.graceLibraryGroupIds,
        deleteAfterDays: subs.deleteAfterDays,
      },
      renewalGraceMs: subs.renewalGraceHours * 3_600_000,
      serverById,
      planById: new Map(plans.map((p) => [p.id, p])),
      defaultPlan: plans.find((p) => p.isDefault) ?? null,
      librariesByServer: groupBy(await this.repo.libraries(serverIds), (l) => l.serverId),
      capabilities: new Map((await this.plans.serverCapabilities(serverIds)).map((c) => [c.id, c])),
    };
  }

  /** Whether any of the server's libraries is in a group: until then nobody is granted anything there. */
  private configured(site: Site, serverId: string): boolean {
    return (site.librariesByServer.get(serverId) ?? []).some((l) => !l.removed && l.groupId !== PRIVATE_GROUP_ID);
  }

  private async payers(memberIds?: readonly string[]): Promise<Payers> {
    const [periods, subscriptions] = await Promise.all([
      this.payments.paymentPeriods(memberIds),
      // Whether a renewal is on its way (a live gateway subscription): it keeps the member on for the renewal grace.
      this.subscriptions.statusesFor(memberIds),
    ]);
    return { periods: groupBy(periods, (p) => p.memberId), subscriptions };
  }

  private async slice(
    site: Site,
    memberIds: readonly string[],
    everyone: Payers | null,
    seats: () => Promise<PlacementServer[]>,
  ): Promise<SlicePart> {
    const { serverById, now } = site;
    const linked = (await this.repo.linkedAccounts(memberIds)).filter((a) => serverById.has(a.serverId));
    const withAccount = new Set(linked.map((a) => a.memberId));
    // A Plex member whose share was removed at expiry has no account row any more: a renewal re-invites
    // them where they were, by their Plex account id (placement elsewhere is not this pass's job).
    const previous = (await this.repo.previousPlexAccounts(memberIds)).filter(
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
    const unplaced = (await this.placement.unplaced(memberIds)).filter((m) => !withAnyAccount.has(m.memberId));
    const part: SlicePart = {
      members: withAnyAccount.size + unplaced.length,
      operations: [],
      skipped: [],
      placements: [],
      failures: [],
      serversWithAccounts: [...new Set(accounts.map((a) => a.serverId))],
    };
    if (part.members === 0) return part;

    // A sub's own payments do not count: it has exactly its master's access (reference §2.14).
    const masters = await this.repo.mastersOf([...withAnyAccount, ...unplaced.map((m) => m.memberId)]);
    const payers =
      everyone ??
      (await this.payers([
        ...new Set([...withAnyAccount, ...unplaced.map((m) => m.memberId), ...[...masters.values()].map((m) => m.masterId)]),
      ]));

    /** Who decides this member's access (their master, for a sub), their phase and the plan to share by. */
    const decide = (memberId: string, ownPermanent: boolean) => {
      const master = masters.get(memberId);
      const payer = master ? master.masterId : memberId;
      const permanent = master ? master.permanent : ownPermanent;
      const own = payers.periods.get(payer) ?? [];
      const subscription = subscriptionStateOf(payers.subscriptions.get(payer) ?? []);
      const phase = accessPhase(
        { permanent, payments: periodsOf(own), now, subscription, renewalGraceMs: site.renewalGraceMs },
        site.policy,
      );
      const payment = planPayment(own, now);
      const plan = (payment ? site.planById.get(payment.planId) : undefined) ?? (permanent ? site.defaultPlan : null);
      return { permanent, phase, payment, plan, payments: own };
    };
    const accessOn = (server: ServerRecord, phase: AccessPhase, permanent: boolean, plan: PlanRecord | null) => {
      const capability = site.capabilities.get(server.id);
      const supportsDownloads =
        server.kind === 'jellyfin' || (server.kind === 'emby' ? server.hasEmbyPremiere : capability?.plexPass === true);
      return desiredAccess({
        phase,
        permanent,
        plan: plan ? toAccessPlan(plan) : null,
        libraries: (site.librariesByServer.get(server.id) ?? []).map((l) => ({
          remoteId: l.remoteId,
          groupId: l.groupId,
          removed: l.removed,
        })),
        serverSupportsDownloads: supportsDownloads,
      });
    };

    const desired: DesiredEntry[] = [];
    const actual: ActualAccount[] = [];
    const context = new Map<string, EntryContext>();
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
      const pair = pairKey(account.memberId, account.serverId);
      if (seenPairs.has(pair)) continue;
      seenPairs.add(pair);

      const { permanent, phase, payment, plan } = decide(account.memberId, account.permanent);
      const access = accessOn(server, phase, permanent, plan);
      // A removed share can only be re-invited; there is nothing left to revoke or delete.
      if (!access || (account.updatedAt.startsWith('removed:') && access.kind !== 'access')) continue;
      if (access.kind === 'access' && !this.configured(site, server.id)) continue;
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
    for (const member of unplaced) {
      const { permanent, phase, payment, plan, payments: own } = decide(member.memberId, member.permanent);
      // Only someone who should see something now is placed: an expired member keeps no seat.
      if (phase.phase !== 'active' || !plan) continue;
      const label = member.displayName ?? member.username ?? member.email ?? member.memberId;
      const chosen = this.placement.choose(await seats(), member, plan, own.length <= 1);
      if (!chosen.ok) {
        part.failures.push({ memberId: member.memberId, memberLabel: label, message: chosen.message });
        continue;
      }
      // A placement on a server that was disabled since is left as it is: no writes there.
      const server = serverById.get(chosen.serverId);
      if (!server || chosen.disabled) continue;
      const identifier = server.kind === 'plex' ? (member.email ?? member.username) : (member.username ?? member.email);
      if (!identifier) {
        part.failures.push({
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
      part.placements.push({ memberId: member.memberId, memberLabel: label, serverId: server.id, serverName: server.name, rule });
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
      context.set(pairKey(member.memberId, server.id), { account, phase, plan });
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
    const { changes, skipped } = describeChanges(result, context, serverById, site.librariesByServer);
    part.operations = result.operations.map((operation, i) => ({ operation, change: changes[i]! }));
    part.skipped = skipped;
    return part;
  }
}
