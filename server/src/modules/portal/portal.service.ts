import type { Logger } from 'pino';
import { idempotencyKey } from '../../domain/reconcile.js';
import {
  inviteInstructions,
  operationSentence,
  reinviteRefusal,
  REINVITE_INTERVAL_MS,
  statusSentence,
  type ReinviteRefusal,
} from '../../domain/reinvite.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Login } from '../auth/auth.repository.js';
import type { AccessService } from '../access/access.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { MembersService } from '../members/members.service.js';
import type { OperationsService } from '../operations/operations.service.js';
import type { StatusView } from '../payments/payments.service.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SyncService } from '../sync/sync.service.js';
import type { PortalAccount, PortalMember, PortalOperation, PortalRepository } from './portal.repository.js';

export interface SubscriptionView {
  status: {
    state: StatusView['state'];
    reason: StatusView['reason'];
    sentence: string;
    until: string | null;
    expiredAt: string | null;
    startsAt: string | null;
  };
  plan: {
    name: string;
    description: string;
    libraries: string[];
    libraryGroups: string[];
    /** null: no limit. */
    maxStreams: number | null;
    allowDownloads: boolean;
    allowTranscoding: boolean;
  } | null;
  servers: {
    name: string;
    kind: PortalAccount['serverKind'];
    state: PortalAccount['state'];
    username: string | null;
    address: string | null;
    instructions: string;
  }[];
  operations: {
    kind: PortalOperation['kind'];
    status: 'pending' | 'running' | 'failed';
    serverName: string;
    sentence: string;
    since: string;
  }[];
  requiresPlexAccountChange: boolean;
  reinvite: { available: boolean; code: string | null; reason: string | null; retryAt: string | null };
}

export interface ReinviteResult {
  result: 'queued';
  message: string;
  servers: string[];
}

/**
 * My Account's subscription card and "Re-invite me" (reference §4.4). The customer's login is tied
 * to their member by the login's confirmed email the first time they look; the re-invite itself
 * goes through the access engine and the operations queue like every other remote change.
 */
export class PortalService {
  constructor(
    private readonly repo: PortalRepository,
    private readonly members: MembersService,
    private readonly plans: PlansRepository,
    private readonly servers: ServersRepository,
    private readonly settings: SettingsService,
    private readonly sync: SyncService,
    private readonly access: AccessService,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The member behind this login, linking it by confirmed email on first use; null when there is none. */
  async findMember(login: Login, actor: Actor): Promise<PortalMember | null> {
    const linked = await this.repo.memberOfLogin(login.id);
    if (linked) return linked;
    // An unconfirmed email proves nothing: whoever registered it could claim someone else's subscription.
    const candidate = login.emailConfirmedAt ? await this.repo.unlinkedMemberByEmail(login.email) : undefined;
    if (candidate && (await this.repo.linkLogin(candidate.id, login.id, this.clock.now().toISOString()))) {
      await this.audit.record(actor, 'member.login_linked', { type: 'member', id: candidate.id }, { loginId: login.id });
      return candidate;
    }
    return (await this.repo.memberOfLogin(login.id)) ?? null;
  }

  private async memberOf(login: Login, actor: Actor): Promise<PortalMember> {
    const member = await this.findMember(login, actor);
    if (member) return member;
    throw notFound(
      'no_subscription',
      'There is no subscription for your email yet. Subscribe, or ask the administrator to invite you with this email.',
    );
  }

  private async refusalFor(member: PortalMember, status: StatusView, accounts: PortalAccount[]): Promise<ReinviteRefusal | null> {
    const [misc, media] = await Promise.all([this.settings.get('misc'), this.settings.get('mediaServer')]);
    return reinviteRefusal({
      enabled: misc.reinviteButtonEnabled,
      active: status.state !== 'expired',
      requiresPlexAccountChange: member.requiresPlexAccountChange,
      syncSharedLibraries: media.syncSharedLibraries,
      hasServer: accounts.length > 0,
      lastRequestedAt: member.reinviteRequestedAt ? new Date(member.reinviteRequestedAt) : null,
      now: this.clock.now(),
    });
  }

  private async statusOf(member: PortalMember): Promise<StatusView> {
    return (await this.members.statusesFor([{ id: member.id, permanent: member.permanent }])).get(member.id)!;
  }

  async subscription(login: Login, actor: Actor): Promise<SubscriptionView> {
    const member = await this.memberOf(login, actor);
    const status = await this.statusOf(member);
    const accounts = await this.repo.accounts(member.id);
    const { timeZone } = await this.settings.get('general');
    const permanent = status.state === 'permanent';
    // The plan that decides access: the covering payment's, or the default plan a permanent member shares by.
    const plan =
      (status.planId ? await this.plans.find(status.planId) : undefined) ?? (permanent ? await this.plans.findDefault() : undefined);
    const serverIds = accounts.map((a) => a.serverId);
    const refusal = await this.refusalFor(member, status, accounts);

    return {
      status: {
        state: status.state,
        reason: status.reason,
        sentence: statusSentence(status, timeZone),
        until: status.until,
        expiredAt: status.expiredAt,
        startsAt: status.startsAt,
      },
      plan: plan
        ? {
            name: plan.name,
            description: plan.description,
            libraries: await this.repo.libraryTitles(serverIds, plan.libraryGroupIds),
            libraryGroups: await this.repo.groupNames(plan.libraryGroupIds),
            // Permanent members are exempt from every limit (reference §1.2.3), as the access engine grants.
            maxStreams: permanent || !plan.maxStreams ? null : plan.maxStreams,
            allowDownloads: permanent || plan.allowDownloads,
            allowTranscoding: permanent || plan.allowTranscoding,
          }
        : null,
      servers: accounts.map((a) => {
        const address = a.serverKind === 'plex' ? null : a.serverUrl;
        return {
          name: a.serverName,
          kind: a.serverKind,
          state: a.state,
          username: a.serverKind === 'plex' ? (a.email ?? a.username) : a.username,
          address,
          instructions: inviteInstructions({
            kind: a.serverKind,
            serverName: a.serverName,
            state: a.state,
            username: a.username,
            email: a.email ?? member.email,
            address,
          }),
        };
      }),
      operations: visibleOperations(await this.repo.openOperations(member.id)).map((op) => ({
        kind: op.kind,
        status: op.status as 'pending' | 'running' | 'failed',
        serverName: op.serverName,
        sentence: operationSentence({
          kind: op.kind,
          status: op.status as 'pending' | 'running' | 'failed',
          serverKind: op.serverKind,
          serverName: op.serverName,
          attempts: op.attempts,
        }),
        since: op.createdAt,
      })),
      requiresPlexAccountChange: member.requiresPlexAccountChange,
      reinvite: {
        available: refusal === null,
        code: refusal?.code ?? null,
        reason: refusal?.message ?? null,
        retryAt: refusal?.retryAt?.toISOString() ?? null,
      },
    };
  }

  /**
   * Reads the member's servers now (a share removed there may not be noticed until the hourly sync),
   * then asks the access engine what this member lacks and queues exactly that: a new Plex invite
   * where the share was, or the plan's libraries on a Jellyfin/Emby account again.
   */
  async reinvite(login: Login, actor: Actor): Promise<ReinviteResult> {
    const member = await this.memberOf(login, actor);
    const status = await this.statusOf(member);
    const accounts = await this.repo.accounts(member.id);
    const refusal = await this.refusalFor(member, status, accounts);
    if (refusal) throw refusalError(refusal);
    const now = this.clock.now();
    if (!(await this.repo.claimReinvite(member.id, now.toISOString(), new Date(now.getTime() - REINVITE_INTERVAL_MS).toISOString()))) {
      throw refusalError({
        code: 'reinvite_rate_limited',
        status: 429,
        message: 'You asked for a re-invite a moment ago. Try again in 15 minutes.',
      });
    }

    if ((await this.settings.get('mediaServer')).syncFromRemote) {
      for (const account of accounts) {
        const server = await this.servers.find(account.serverId);
        if (!server?.enabled) continue;
        // A server that is down still gets the operation queued below; it is retried until it answers.
        await this.sync
          .syncServer(server)
          .catch((error: unknown) => this.log.warn({ err: error, serverId: server.id }, 're-invite: reading the server failed'));
      }
    }

    const plan = await this.access.computePlan({ memberId: member.id });
    // Keyed by this request: the engine's own key may belong to a change it already applied (and the
    // server lost since), which the queue would rightly refuse to run twice.
    const epoch = `reinvite:${now.toISOString()}`;
    const wanted = plan.operations
      .filter((op) => op.memberId === member.id && (op.kind === 'provision' || op.kind === 'grant'))
      .map((op) => ({ ...op, idempotencyKey: idempotencyKey(op.memberId, op.serverId, op.payload, epoch) }));
    if (wanted.length === 0) {
      const pending = (await this.repo.accounts(member.id)).find((a) => a.serverKind === 'plex' && a.state === 'pending');
      throw refusalError({
        code: 'nothing_to_reinvite',
        status: 409,
        message: pending
          ? `Your invite to ${pending.serverName} is still waiting for you: accept it from the email Plex sent you, or at https://app.plex.tv.`
          : 'You already have every library your plan includes, so there is nothing to re-invite. Try signing out of the app and in again.',
      });
    }
    const { inserted } = await this.operations.enqueue(wanted);
    const after = await this.repo.accounts(member.id);
    const names = [...new Set(wanted.map((op) => after.find((a) => a.serverId === op.serverId)?.serverName ?? op.serverId))];
    // A Plex share that is gone comes back as a new invite, which the member must accept again.
    const newInvite = wanted.some((op) =>
      after.some((a) => a.serverId === op.serverId && a.serverKind === 'plex' && a.state === 'removed'),
    );
    await this.audit.record(
      actor,
      'member.reinvite',
      { type: 'member', id: member.id },
      { queued: inserted.length, servers: wanted.map((op) => op.serverId) },
    );
    return {
      result: 'queued',
      message: `Your access to ${names.join(', ')} is being restored. ${newInvite ? 'Plex will email you a new invite: accept it, or accept it at https://app.plex.tv.' : 'It usually takes less than a minute.'}`,
      servers: names,
    };
  }
}

function refusalError(refusal: ReinviteRefusal): AppError {
  return new AppError(
    refusal.status,
    refusal.code,
    refusal.message,
    refusal.retryAt ? { retryAt: refusal.retryAt.toISOString() } : undefined,
  );
}

/** Open operations, minus failures a later successful change on the same server made moot. */
function visibleOperations(ops: readonly PortalOperation[]): PortalOperation[] {
  return ops.filter((op) => {
    if (op.status === 'done') return false;
    if (op.status !== 'failed') return true;
    return !ops.some((later) => later.status === 'done' && later.serverId === op.serverId && later.createdAt > op.createdAt);
  });
}
