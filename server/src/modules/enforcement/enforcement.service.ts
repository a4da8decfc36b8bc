import type { Logger } from 'pino';
import { IntegrationError } from '../../adapters/http/integration-error.js';
import {
  decideEnforcement,
  type EnforcedMember,
  type EnforcedServer,
  type EnforcedSession,
  type EnforcementAction,
  type EnforcementRule,
  type SessionDecision,
} from '../../domain/enforcement.js';
import { truncateIp } from '../../domain/ip-privacy.js';
import { coveringPayment } from '../../domain/member-status.js';
import type { Clock } from '../../platform/clock.js';
import { KeyedLock } from '../../platform/keyed-lock.js';
import type { MediaServerAdapter, RemoteSession } from '../../ports/media-server.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { ServerRecord } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { EnforcementPlan, EnforcementRepository, MemberFacts, PlanPayment } from './enforcement.repository.js';

/** One server's sessions as last read, with who they belong to. */
export interface ServerSnapshot {
  server: ServerRecord;
  canStop: boolean;
  readAt: string;
  sessions: (RemoteSession & { memberId: string | null; firstSeenAt: string })[];
}

export interface CheckResult {
  serverId: string;
  sessions: number;
  stopped: number;
  warned: number;
  decisions: SessionDecision[];
}

export interface MemberContext {
  members: Map<string, EnforcedMember>;
  facts: Map<string, MemberFacts>;
  planNames: Map<string, string>;
}

const REASONS: Record<EnforcementRule, (maxStreams: number | null) => string> = {
  stream_limit: (n) => `Your plan allows ${n ?? 0} stream${n === 1 ? '' : 's'} at a time, and more were playing.`,
  transcode: () => 'Your plan does not allow transcoding; a player was converting the video.',
  transcode_4k: () => 'This server does not transcode 4K video; a player was converting a 4K file.',
};

/**
 * Reads a server's sessions, decides with the other servers' last reads (a plan's stream limit spans
 * servers), and carries out this server's part: stops, warnings, one email per member, history.
 */
export class EnforcementService {
  private readonly snapshots = new Map<string, ServerSnapshot>();
  private readonly serial = new KeyedLock();

  constructor(
    private readonly repo: EnforcementRepository,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Checks one server now; concurrent calls for the same server run one after the other. */
  check(server: ServerRecord, adapter: MediaServerAdapter): Promise<CheckResult> {
    return this.serial.run(server.id, () => this.checkNow(server, adapter));
  }

  /** The server is no longer watched (disabled, deleted, or another instance took the lease). */
  forget(serverId: string): void {
    this.snapshots.delete(serverId);
  }

  snapshot(serverId: string): ServerSnapshot | undefined {
    return this.snapshots.get(serverId);
  }

  /** Reads a server's sessions and who they belong to, without acting (the Now playing page too). */
  async read(server: ServerRecord, adapter: MediaServerAdapter): Promise<ServerSnapshot> {
    const remote = await adapter.listSessions();
    const now = this.clock.now().toISOString();
    const previous = new Map((this.snapshots.get(server.id)?.sessions ?? []).map((s) => [s.sessionId, s.firstSeenAt]));
    const owners = await this.repo.owners(server.id, remote.map((s) => s.accountRemoteId));
    // After a restart or a lease takeover, the history still knows when a stream was first seen.
    const recorded = previous.size === 0 && server.logStreaming ? await this.repo.openHistory(server.id) : new Map<string, { startedAt: string }>();
    return {
      server,
      canStop: adapter.capabilities.stopSessions,
      readAt: now,
      sessions: remote.map((s) => ({ ...s, memberId: owners.get(s.accountRemoteId) ?? null, firstSeenAt: previous.get(s.sessionId) ?? s.startedAt ?? recorded.get(s.sessionId)?.startedAt ?? now })),
    };
  }

  /** Each member's current plan (a permanent member without payments: the default plan). */
  async currentPlans(memberIds: readonly string[]): Promise<Map<string, EnforcementPlan | null>> {
    return (await this.plansOf(memberIds)).plans;
  }

  /** Each member's permanence and current plan, as the decision needs them. */
  async memberContext(memberIds: readonly string[]): Promise<MemberContext> {
    const { facts, plans } = await this.plansOf(memberIds);
    const members = new Map<string, EnforcedMember>();
    const planNames = new Map<string, string>();
    for (const f of facts) {
      const plan = plans.get(f.memberId) ?? null;
      members.set(f.memberId, {
        permanent: f.permanent,
        plan: plan ? { maxStreams: plan.maxStreams, allowTranscoding: plan.allowTranscoding, streamLimitPolicy: plan.streamLimitPolicy } : null,
      });
      if (plan) planNames.set(f.memberId, plan.name);
    }
    return { members, facts: new Map(facts.map((f) => [f.memberId, f])), planNames };
  }

  private async plansOf(memberIds: readonly string[]): Promise<{ facts: MemberFacts[]; plans: Map<string, EnforcementPlan | null> }> {
    const facts = await this.repo.members(memberIds);
    const payments = await this.repo.payments(facts.map((f) => f.payerId));
    const all = await this.repo.plans();
    const planById = new Map(all.map((p) => [p.id, p]));
    const defaultPlan = all.find((p) => p.isDefault) ?? null;
    const now = this.clock.now();
    const plans = new Map(
      facts.map((f) => [f.memberId, currentPlan(payments.filter((p) => p.memberId === f.payerId), planById, now) ?? (f.permanent ? defaultPlan : null)] as const),
    );
    return { facts, plans };
  }

  /** The decision over a set of snapshots (sessions of every server, so limits span servers). */
  async decide(snapshots: readonly ServerSnapshot[]) {
    const sessions: EnforcedSession[] = snapshots.flatMap((snap) =>
      snap.sessions.map((s) => ({
        serverId: snap.server.id,
        sessionId: s.sessionId,
        memberId: s.memberId,
        state: s.state,
        videoTranscode: s.videoTranscode,
        source4k: s.source4k,
        startedAt: s.firstSeenAt,
      })),
    );
    const context = await this.memberContext(sessions.flatMap((s) => (s.memberId ? [s.memberId] : [])));
    const servers = new Map<string, EnforcedServer>(
      snapshots.map((snap) => [snap.server.id, { allow4kTranscoding: snap.server.allow4kTranscoding, canStop: snap.canStop }]),
    );
    const settings = await this.settings.get('enforcement');
    return { context, result: decideEnforcement({ sessions, members: context.members, servers, settings }) };
  }

  private async checkNow(server: ServerRecord, adapter: MediaServerAdapter): Promise<CheckResult> {
    const snap = await this.read(server, adapter);
    this.snapshots.set(server.id, snap);
    if (server.logStreaming) await this.recordHistory(snap);
    const { context, result } = await this.decide([...this.snapshots.values()]);
    // Other servers' sessions only inform the limit; they are acted on when their own server is read.
    const mine = result.actions.filter((a) => a.kind === 'notify' || a.serverId === server.id);
    const outcome = await this.act(snap, adapter, mine, context);
    return {
      serverId: server.id,
      sessions: snap.sessions.length,
      ...outcome,
      decisions: result.decisions.filter((d) => d.serverId === server.id),
    };
  }

  private async act(snap: ServerSnapshot, adapter: MediaServerAdapter, actions: readonly EnforcementAction[], context: MemberContext) {
    const now = this.clock.now().toISOString();
    const stopped = new Set<string>();
    for (const action of actions) {
      if (action.kind !== 'stop') continue;
      try {
        await adapter.stopSession(action.sessionId, action.message);
        stopped.add(action.sessionId);
        await this.repo.markStopped(snap.server.id, action.sessionId, action.rules[0]!);
      } catch (error) {
        // Plex without Plex Pass: the member is still told and warned (reference §6.1).
        if (error instanceof IntegrationError && error.reason === 'plex_pass_required') snap.canStop = false;
        this.log.warn({ err: error, serverId: snap.server.id, sessionId: action.sessionId }, 'stopping a stream failed');
      }
    }
    const newRules = new Map<string, Set<EnforcementRule>>();
    let warned = 0;
    for (const action of actions) {
      if (action.kind !== 'warn') continue;
      const session = snap.sessions.find((s) => s.sessionId === action.sessionId);
      const maxStreams = context.members.get(action.memberId)?.plan?.maxStreams ?? null;
      const details = {
        sessionId: action.sessionId,
        title: session?.media.title ?? null,
        device: session?.device ?? null,
        player: session?.player ?? null,
        stopped: stopped.has(action.sessionId),
        plan: context.planNames.get(action.memberId) ?? null,
        ...(action.rule === 'stream_limit' ? { maxStreams } : {}),
      };
      const inserted = await this.repo.insertWarning({
        memberId: action.memberId,
        serverId: snap.server.id,
        kind: action.rule,
        details,
        dedupeKey: `${snap.server.id}:${action.sessionId}:${action.rule}`,
        at: now,
      });
      if (!inserted) continue;
      warned++;
      newRules.set(action.memberId, (newRules.get(action.memberId) ?? new Set()).add(action.rule));
      await this.audit.record(systemActor, details.stopped ? 'enforcement.stop' : 'enforcement.warn', { type: 'member', id: action.memberId }, {
        serverId: snap.server.id,
        rule: action.rule,
        ...details,
      });
    }
    for (const [memberId, rules] of newRules) await this.notify(memberId, snap, [...rules], stopped.size > 0, context);
    return { stopped: stopped.size, warned };
  }

  private async notify(memberId: string, snap: ServerSnapshot, rules: EnforcementRule[], stopped: boolean, context: MemberContext) {
    const facts = context.facts.get(memberId);
    if (!facts?.email) return;
    const maxStreams = context.members.get(memberId)?.plan?.maxStreams ?? null;
    try {
      await this.notifications.enqueueEmail({
        to: facts.email,
        event: 'stream_enforced',
        vars: { name: facts.name, serverName: snap.server.name, stopped, reasons: rules.map((r) => REASONS[r](maxStreams)) },
        idempotencyKey: `enforcement:${snap.server.id}:${memberId}:${snap.readAt}`,
      });
      this.notifications.kick();
    } catch (error) {
      this.log.warn({ err: error, memberId }, 'queueing the enforcement email failed');
    }
  }

  private async recordHistory(snap: ServerSnapshot): Promise<void> {
    const open = await this.repo.openHistory(snap.server.id);
    const { truncateIps } = await this.settings.get('enforcement');
    const seen = new Set<string>();
    const inserts = [];
    const touched: string[] = [];
    for (const s of snap.sessions) {
      seen.add(s.sessionId);
      const row = open.get(s.sessionId);
      if (row) {
        touched.push(row.id);
        continue;
      }
      inserts.push({
        serverId: snap.server.id,
        sessionId: s.sessionId,
        memberId: s.memberId,
        accountRemoteId: s.accountRemoteId,
        username: s.username,
        device: s.device,
        player: s.player,
        ip: s.ip && truncateIps ? truncateIp(s.ip) : s.ip,
        title: s.media.grandparentTitle ? `${s.media.grandparentTitle} — ${s.media.title}` : s.media.title,
        source4k: s.source4k,
        videoTranscode: s.videoTranscode,
        startedAt: s.firstSeenAt,
        now: snap.readAt,
      });
    }
    await this.repo.insertHistory(inserts);
    await this.repo.touchHistory(touched, snap.readAt);
    await this.repo.endHistory([...open].filter(([sessionId]) => !seen.has(sessionId)).map(([, row]) => row.id), snap.readAt);
  }
}

/** The plan whose limits apply: the covering payment's, else (renewal grace) the latest that started. */
function currentPlan(payments: readonly PlanPayment[], planById: Map<string, EnforcementPlan>, now: Date): EnforcementPlan | null {
  const periods = payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to) }));
  const covering = coveringPayment(periods, now);
  const chosen = covering
    ? payments.find((p) => p.id === covering.id)
    : [...payments].filter((p) => new Date(p.from) <= now).sort((a, b) => (a.to < b.to ? 1 : -1))[0];
  return chosen ? (planById.get(chosen.planId) ?? null) : null;
}
