import type { GatewaySubscriptionStatus, SubscriptionState } from '../../domain/member-status.js';
import { subscriptionStateOf } from '../../domain/member-status.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { MembersRepository } from '../members/members.repository.js';
import type { SubscriptionRecord, SubscriptionsRepository } from './subscriptions.repository.js';

export interface SubscriptionReport {
  memberId: string;
  /** 'paypal', 'stripe', … (never 'manual': a manual payment has no subscription). */
  gateway: string;
  externalId: string;
  status: GatewaySubscriptionStatus;
  currentPeriodEnd?: string | null | undefined;
}

const STATUSES: readonly GatewaySubscriptionStatus[] = ['active', 'past_due', 'cancelled', 'expired'];

/**
 * Gateway subscription state (reference §2.5.7: renewals arrive late). The gateways' webhooks and
 * syncs call `record()` with what the gateway reports; the access engine reads the state so a live
 * subscription keeps its member active for the renewal grace past the paid period's end.
 */
export class SubscriptionsService {
  constructor(
    private readonly repo: SubscriptionsRepository,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The access engine's pass for the member: a status change can start or end the renewal grace. */
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {}

  async record(report: SubscriptionReport, actor: Actor): Promise<SubscriptionRecord> {
    const gateway = report.gateway.trim().toLowerCase();
    const externalId = report.externalId.trim();
    if (!gateway || gateway === 'manual')
      throw badRequest('subscription_gateway_invalid', 'A subscription needs a payment gateway (manual payments have none).');
    if (!externalId) throw badRequest('subscription_id_missing', 'A subscription needs the id the gateway gave it.');
    if (!STATUSES.includes(report.status))
      throw badRequest('subscription_status_invalid', `A subscription status is one of ${STATUSES.join(', ')}.`);
    const end = report.currentPeriodEnd ?? null;
    if (end !== null && Number.isNaN(Date.parse(end)))
      throw badRequest('subscription_period_end_invalid', 'The current period end must be a date and time.');
    const member = await this.members.findMember(report.memberId);
    if (!member || member.deleted_at) throw notFound('member_not_found', 'No member has that id.');

    const previous = await this.repo.find(gateway, externalId);
    await this.repo.upsert(
      {
        id: previous?.id ?? newId(),
        memberId: report.memberId,
        gateway,
        externalId,
        status: report.status,
        currentPeriodEnd: end && new Date(end).toISOString(),
      },
      this.clock.now().toISOString(),
    );
    if (previous?.status !== report.status || previous.memberId !== report.memberId) {
      await this.audit.record(
        actor,
        'subscription.status',
        { type: 'member', id: report.memberId },
        { gateway, externalId, from: previous?.status ?? null, to: report.status },
      );
      this.memberChanged(report.memberId);
      if (previous && previous.memberId !== report.memberId) this.memberChanged(previous.memberId);
    }
    return (await this.repo.find(gateway, externalId))!;
  }

  /** The one state per member the status derivation takes (members without a subscription: 'none'). */
  async statesFor(memberIds: readonly string[]): Promise<Map<string, SubscriptionState>> {
    const statuses = await this.repo.statusesFor(memberIds);
    return new Map(memberIds.map((id) => [id, subscriptionStateOf(statuses.get(id) ?? [])]));
  }
}
