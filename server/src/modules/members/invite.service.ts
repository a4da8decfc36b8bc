import { periodEnd } from '../../domain/calendar.js';
import { hasRoom, rejectReasons, type PlacementServer, type RejectReason } from '../../domain/placement.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { PlacementService } from '../access/placement.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PaymentRow } from '../payments/payments.repository.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { PlanRecord, PlansRepository } from '../plans/plans.repository.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { InviteRepository } from './invite.repository.js';
import type { MembersService } from './members.service.js';

/** The Invite dialog's fields (reference §6.6); the bulk CSV invite sends one of these per row. */
export interface InviteInput {
  email?: string | null | undefined;
  username?: string | null | undefined;
  planId: string;
  /** null or absent: automatic placement (reference §6.14). */
  serverId?: string | null | undefined;
  /** Preferred location for automatic placement; kept for later placements too. */
  locationId?: string | null | undefined;
  paypalEmail?: string | null | undefined;
  transactionId?: string | null | undefined;
  sequenceNumber?: number | undefined;
  subscriptionId?: string | null | undefined;
  /** Default: the plan's cost per period. */
  amountMinor?: number | undefined;
  /** Default: one plan period from now. Without `to`, one plan period from `from`. */
  period?: { from: string; to?: string | undefined } | { periods: number } | undefined;
  sendNotification?: boolean | undefined;
  /** The member's notes (the bulk CSV's notes column; the dialog has none). */
  notes?: string | null | undefined;
}

export interface InviteOptions {
  /** Added to the audit entry (the bulk invite names its file and row). */
  audit?: Record<string, unknown>;
  /** Raise the "no server can take" alert when placement fails (the dialog); a bulk file reports it per row instead. */
  alert?: boolean;
}

export interface InviteResult {
  memberId: string;
  paymentId: string;
  serverId: string;
  serverName: string;
  /** 'manual' when the admin chose the server, else the placement rule that chose it. */
  placementRule: string;
  /** The invite email goes out once the share or account exists (a Jellyfin/Emby password exists only then). */
  notification: 'after_provision' | 'none';
}

/** What an invite would do: the checked input, the server and the payment row. */
export interface InvitePlan {
  email: string | null;
  username: string | null;
  plan: PlanRecord;
  locationId: string | null;
  target: { serverId: string; serverName: string; rule: string };
  payment: PaymentRow;
}

const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
const trimmed = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

const memberExists = (clash: { id: string; field: 'email' | 'username' }) =>
  conflict('member_exists', `A member with this ${clash.field} already exists; edit or renew them instead.`, {
    field: clash.field,
    memberId: clash.id,
  });

/** The keys two invites of one person share: emails compare case-insensitively, and so do usernames. */
const identityKeys = (email: string | null, username: string | null) => [
  ...(email ? [`email:${email.toLowerCase()}`] : []),
  ...(username ? [`username:${username.toLowerCase()}`] : []),
];

/** Looks for another server this many times when others keep taking the chosen one's last seat. */
const SEAT_ATTEMPTS = 3;

/** The chosen server's last seat went to an invite that committed first. */
class SeatTaken extends Error {
  constructor(readonly serverName: string) {
    super(`${serverName} is full`);
  }
}

/** Only these stop the admin's own choice of server; "new subscriptions" and "trials" are storefront rules. */
const MANUAL_BLOCKERS: readonly RejectReason[] = ['disabled', 'full', 'missing_library_groups'];

/**
 * The admin's manual invite (reference §6.6): in one transaction the member, a manual payment (so
 * they are active at once) and the placement; then an immediate access pass shares or provisions on
 * the placed server through the operations queue. Nothing is created when any check fails.
 */
export class InviteService {
  constructor(
    private readonly repo: InviteRepository,
    private readonly plans: PlansRepository,
    private readonly servers: ServersRepository,
    private readonly payments: PaymentsService,
    private readonly placement: PlacementService,
    private readonly members: MembersService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {}

  /**
   * Every check of `invite` without writing anything (the bulk CSV invite's dry run). Pass the same
   * `seats` (from `seats()`) for every row of a batch, so each row's seat counts for the next ones.
   */
  async validate(input: InviteInput, options: { seats?: PlacementServer[]; alert?: boolean } = {}): Promise<InvitePlan> {
    const email = trimmed(input.email)?.toLowerCase() ?? null;
    const username = trimmed(input.username);
    if (!email && !username) throw badRequest('identifier_required', 'Enter the member’s email or username.', { field: 'email' });
    if (input.sendNotification && !email)
      throw badRequest('email_required', 'An invite email needs the member’s email address.', { field: 'email' });

    const plan = await this.plans.find(input.planId);
    if (!plan) throw notFound('unknown_plan', 'No plan has that id.');
    const locationId = trimmed(input.locationId);
    if (locationId && !(await this.repo.locationExists(locationId))) throw notFound('unknown_location', 'No server location has that id.');
    const clash = await this.repo.liveMemberWith(email, username);
    if (clash) throw memberExists(clash);
    const seats = options.seats ?? (await this.placement.seats());
    const target = await this.chooseServer(seats, plan, trimmed(input.serverId), locationId, email ?? username!, options.alert ?? false);
    const payment = await this.payments.prepareFirst(newId(), await this.paymentInput(plan, input));
    return { email, username, plan, locationId, target, payment };
  }

  /** The stored placement decision with the server's name (the member page). */
  async placementOf(memberId: string) {
    await this.members.detail(memberId);
    const placement = await this.placement.find(memberId);
    if (!placement) return null;
    const server = placement.serverId ? await this.servers.find(placement.serverId) : undefined;
    return { ...placement, serverName: server?.name ?? null };
  }

  /** Current seats per server, for a batch of `validate` calls. */
  seats(): Promise<PlacementServer[]> {
    return this.placement.seats();
  }

  async invite(input: InviteInput, actor: Actor, options: InviteOptions = {}): Promise<InviteResult> {
    // Another invite may take the last seat of the chosen server between the check and the write;
    // automatic placement then looks again with fresh counts, a server the admin chose is refused.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inviteOnce(input, actor, options);
      } catch (error) {
        if (!(error instanceof SeatTaken)) throw error;
        if (trimmed(input.serverId) || attempt >= SEAT_ATTEMPTS)
          throw conflict('no_capacity', `${error.serverName} is full; choose another server or raise its maximum.`, { field: 'serverId' });
      }
    }
  }

  private async inviteOnce(input: InviteInput, actor: Actor, options: InviteOptions): Promise<InviteResult> {
    const checked = await this.validate(input, { alert: options.alert ?? true });
    const { email, username, plan, locationId, target } = checked;
    const memberId = newId();
    const payment = { ...checked.payment, memberId };
    const paymentId = newId();
    const now = this.clock.now().toISOString();
    const keys = [...identityKeys(email, username), `server:${target.serverId}`];
    await this.repo.transaction(async (trx) => {
      // One sorted claim for the person and the server: invites of the same person, or onto the same
      // server, run one after the other, and in one order, so they cannot deadlock.
      await this.repo.claimIdentity(keys, now, trx);
      // Checked again while holding the claim: an invite of the same person that committed meanwhile is visible now.
      const clash = await this.repo.liveMemberWith(email, username, trx);
      if (clash) throw memberExists(clash);
      // Likewise the seat: counted again now that no other invite can place onto this server until we commit.
      const seat = (await this.placement.seats(trx)).find((s) => s.id === target.serverId);
      if (!seat || !hasRoom(seat)) throw new SeatTaken(target.serverName);
      await this.repo.insertMember(
        { id: memberId, email, username, paypalEmail: trimmed(input.paypalEmail), notes: trimmed(input.notes) },
        now,
        trx,
      );
      await this.payments.insertPrepared(paymentId, payment, actor, trx);
      await this.placement.save(
        memberId,
        {
          serverId: target.serverId,
          rule: target.rule,
          error: null,
          preferredLocationId: locationId,
          inviteEmail: input.sendNotification ? email : null,
        },
        trx,
      );
      await this.repo.releaseIdentity(keys, trx);
    });
    await this.audit.record(
      actor,
      'member.invite',
      { type: 'member', id: memberId },
      {
        planId: plan.id,
        serverId: target.serverId,
        placementRule: target.rule,
        paymentId,
        amountMinor: payment.amountMinor,
        from: payment.from,
        to: payment.to,
        notify: !!input.sendNotification,
        ...options.audit,
      },
    );
    this.memberChanged(memberId);
    return {
      memberId,
      paymentId,
      serverId: target.serverId,
      serverName: target.serverName,
      placementRule: target.rule,
      notification: input.sendNotification ? 'after_provision' : 'none',
    };
  }

  /** The invite's answer with the new member as the member page shows it. */
  async inviteAndDescribe(input: InviteInput, actor: Actor) {
    const result = await this.invite(input, actor);
    return { ...result, member: await this.members.detail(result.memberId) };
  }

  private async chooseServer(
    seats: PlacementServer[],
    plan: PlanRecord,
    serverId: string | null,
    locationId: string | null,
    label: string,
    alert: boolean,
  ) {
    if (serverId) {
      const server = await this.servers.find(serverId);
      const seat = seats.find((s) => s.id === serverId);
      if (!server || !seat) throw notFound('unknown_server', 'No server has that id.');
      const reasons = rejectReasons(
        seat,
        { libraryGroupIds: plan.libraryGroupIds, targetServerIds: plan.serverIds, isTrial: plan.isTrial },
        {
          currentServerId: null,
          pendingInviteServerId: null,
          previousServerIds: [],
          preferredLocationId: locationId,
          isNew: true,
        },
      ).filter((r) => MANUAL_BLOCKERS.includes(r));
      if (reasons.includes('disabled'))
        throw conflict('server_disabled', `${server.name} is disabled; enable it or choose another server.`, { field: 'serverId' });
      if (reasons.includes('missing_library_groups'))
        throw unprocessable(
          'server_lacks_plan',
          `${server.name} does not carry every library group of the plan ${plan.name}; choose another server or automatic placement.`,
          { field: 'serverId' },
        );
      if (reasons.includes('full'))
        throw conflict('no_capacity', `${server.name} is full; choose another server or raise its maximum.`, { field: 'serverId' });
      // The seat is taken for the next row of a batch too.
      if (seat.kind === 'plex') seat.pendingInvites++;
      else seat.members++;
      return { serverId: server.id, serverName: server.name, rule: 'manual' };
    }
    const chosen = this.placement.choose(seats, { placement: null, previousServerIds: [], preferredLocationId: locationId }, plan, true);
    if (!chosen.ok) {
      // Nothing is created, so the alert names the person the admin tried to invite.
      if (alert) await this.placement.raiseNoServer({ memberId: `invite:${label}`, memberLabel: label, message: chosen.message });
      throw conflict('no_capacity', chosen.message, { field: 'serverId', rejected: chosen.rejected });
    }
    const server = await this.servers.find(chosen.serverId);
    return { serverId: chosen.serverId, serverName: server?.name ?? chosen.serverId, rule: chosen.rule };
  }

  private async paymentInput(plan: PlanRecord, input: InviteInput) {
    const base = {
      planId: plan.id,
      amountMinor: input.amountMinor,
      transactionId: trimmed(input.transactionId),
      sequenceNumber: input.sequenceNumber ?? 1,
      subscriptionId: trimmed(input.subscriptionId),
      payerEmail: trimmed(input.paypalEmail),
      notes: 'Recorded by the admin’s invite.',
    };
    const period = input.period;
    if (!period) return base;
    if ('from' in period) return { ...base, from: period.from, ...(period.to ? { to: period.to } : {}) };
    if (!Number.isInteger(period.periods) || period.periods < 1)
      throw badRequest('periods_invalid', 'Enter a whole number of periods, at least 1.', { field: 'periods' });
    const { timeZone } = await this.settings.get('general');
    const from = this.clock.now();
    let to = from;
    for (let i = 0; i < period.periods; i++) to = periodEnd(to, plan.duration, timeZone);
    return { ...base, from: from.toISOString(), to: to.toISOString(), amountMinor: input.amountMinor ?? plan.costMinor * period.periods };
  }
}
