import type { Logger } from 'pino';
import { placeMember, type Placement, type PlacementRule, type PlacementServer } from '../../domain/placement.js';
import type { Clock } from '../../platform/clock.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { AppliedOperation } from '../operations/operations.service.js';
import type { PlanRecord } from '../plans/plans.repository.js';
import type { PlacementRepository, PlacementSave, UnplacedMember } from './placement.repository.js';

/** 'manual': the admin chose the server in the Invite dialog. */
export type StoredRule = PlacementRule | 'manual';

export interface PlannedPlacement {
  memberId: string;
  memberLabel: string;
  serverId: string;
  serverName: string;
  rule: string;
}

export interface PlacementFailure {
  memberId: string;
  memberLabel: string;
  message: string;
}

/**
 * Placement around the pure rule (domain/placement.ts): the seats it counts, the decisions it
 * stores, the admin alert when no server fits, and what happens once the placed account exists
 * (it is linked to the member, and the invite email goes out when the admin asked for one).
 */
export class PlacementService {
  constructor(
    private readonly repo: PlacementRepository,
    private readonly alerts: AlertsService,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Of these members (a pass slices them), or of everyone. */
  unplaced(memberIds?: readonly string[]): Promise<UnplacedMember[]> {
    return this.repo.unplaced(memberIds);
  }

  find(memberId: string) {
    return this.repo.find(memberId);
  }

  seats(db?: Parameters<PlacementRepository['servers']>[0]): Promise<PlacementServer[]> {
    return this.repo.servers(db);
  }

  /**
   * The server for this member, counting the seat it takes in `seats`, so the next member placed in
   * the same pass sees it. A stored decision is a pending seat (already counted), kept while it fits.
   */
  choose(
    seats: PlacementServer[],
    member: Pick<UnplacedMember, 'placement' | 'previousServerIds'> & { preferredLocationId?: string | null },
    plan: Pick<PlanRecord, 'libraryGroupIds' | 'serverIds' | 'isTrial'>,
    isNew: boolean,
  ): Placement {
    const placement = placeMember(
      seats,
      { libraryGroupIds: plan.libraryGroupIds, targetServerIds: plan.serverIds, isTrial: plan.isTrial },
      {
        currentServerId: null,
        pendingInviteServerId: member.placement?.serverId ?? null,
        previousServerIds: member.previousServerIds,
        preferredLocationId:
          member.preferredLocationId !== undefined ? member.preferredLocationId : (member.placement?.preferredLocationId ?? null),
        isNew,
      },
    );
    if (placement.ok && placement.rule !== 'pending_invite') {
      const seat = seats.find((s) => s.id === placement.serverId);
      if (seat?.kind === 'plex') seat.pendingInvites++;
      else if (seat) seat.members++;
    }
    return placement;
  }

  save(memberId: string, save: PlacementSave, db?: Parameters<PlacementRepository['save']>[3]): Promise<void> {
    return this.repo.save(memberId, save, this.clock.now().toISOString(), db);
  }

  async recordPlacements(placements: readonly PlannedPlacement[]): Promise<void> {
    for (const p of placements) {
      const stored = await this.repo.find(p.memberId);
      if (stored && stored.serverId === p.serverId && stored.error === null) continue;
      await this.save(p.memberId, { serverId: p.serverId, rule: p.rule, error: null });
    }
  }

  /** The member keeps their payment and stays unplaced; the admin is told once per member (until read). */
  async recordFailures(failures: readonly PlacementFailure[]): Promise<void> {
    for (const f of failures) {
      const stored = await this.repo.find(f.memberId);
      if (stored?.error !== f.message) await this.save(f.memberId, { serverId: null, rule: null, error: f.message });
      await this.raiseNoServer(f);
    }
  }

  async raiseNoServer(f: PlacementFailure): Promise<void> {
    await this.alerts.raise({
      kind: 'placement_failed',
      severity: 'error',
      title: `No server can take ${f.memberLabel}`,
      message: `${f.message} Nothing was shared with this member. Raise a server's maximum, allow new subscriptions or trials there, or add the plan's library groups to a server; the next pass places them.`,
      dedupeKey: `placement_failed:${f.memberId}`,
    });
  }

  /**
   * A renewal re-invited a Plex member whose share expiry removed: they are told to accept the new
   * invite, as on a first invite (reference §2.5.2: the invite email is "sent on ... re-invite").
   */
  async reinvited({ operation, server }: AppliedOperation): Promise<void> {
    const to = await this.repo.memberEmail(operation.memberId);
    if (!to) return;
    await this.notifications.enqueueEmail({
      to,
      event: 'member_invite',
      vars: { serverName: server.name, plex: true, serverKind: 'Plex', serverUrl: server.url, username: to, password: '' },
      idempotencyKey: `member_invite:${operation.id}`,
    });
    this.notifications.kick();
  }

  /**
   * A Jellyfin/Emby account re-created for a member whose earlier one was deleted (a renewal after
   * "delete after N days") has a new password the member cannot know: they get the invite email
   * again, as on the first provision. The operation id keys the email, so it goes out once.
   */
  private async recreatedFor(memberId: string, kind: string): Promise<string | null> {
    if (kind === 'plex' || !(await this.repo.hadAccountBefore(memberId))) return null;
    return this.repo.memberEmail(memberId);
  }

  /** A provision was applied: link the new account to its member and send the invite email if one is waiting. */
  async provisioned({ operation, server, account, password }: AppliedOperation): Promise<void> {
    if (!account) return;
    await this.repo.recordProvisioned(operation.memberId, server.id, account, this.clock.now().toISOString());
    const to = (await this.repo.takeInviteEmail(operation.memberId)) ?? (await this.recreatedFor(operation.memberId, server.kind));
    if (!to) return;
    await this.notifications.enqueueEmail({
      to,
      event: 'member_invite',
      vars: {
        serverName: server.name,
        plex: server.kind === 'plex',
        serverKind: server.kind === 'plex' ? 'Plex' : server.kind === 'jellyfin' ? 'Jellyfin' : 'Emby',
        serverUrl: server.url,
        username: account.username ?? account.email ?? '',
        // Only in this email: Usher never stores a media-server password, and the outbox drops it once sent.
        password: password ?? '',
      },
      idempotencyKey: `member_invite:${operation.id}`,
    });
    this.notifications.kick();
    this.log.info({ memberId: operation.memberId, serverId: server.id }, 'invite email queued');
  }
}
