import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { DAY_MS, periodEnd } from '../../domain/calendar.js';
import { formatMinor } from '../../domain/money.js';
import { nextPeriodStart, type GatewaySubscriptionStatus, type PaymentPeriod } from '../../domain/member-status.js';
import type { GatewayEvent } from '../../ports/payment-gateway.js';
import { newId } from '../../platform/ids.js';
import type { RaiseAlert } from '../alerts/alerts.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { CheckoutRecord, CheckoutsRepository } from '../payments/checkouts.repository.js';
import type { GatewayAccount } from '../payments/gateway-directory.js';
import type { PaymentRecord, PaymentsRepository } from '../payments/payments.repository.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { SectionValues } from '../settings/settings.schema.js';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository.js';
import type { GatewayEventsRepository, GatewayEventStatus } from './gateway-events.repository.js';
import { refundedPeriod } from './refunds.js';

/** Marks the zero-amount period a failed renewal grants; the next paid renewal deletes it. */
export const DUNNING_NOTE = 'Dunning grace: the renewal payment failed.';

/** Everything the apply step needs that is read before its transaction opens (SQLite has one connection). */
export interface ApplyContext {
  account: GatewayAccount;
  gateway: 'stripe' | 'paypal' | 'plisio';
  now: Date;
  general: SectionValues<'general'>;
  paymentGateways: SectionValues<'paymentGateways'>;
  renewalGraceMs: number;
  trx: Transaction<Database>;
}

export interface ApplyResult {
  status: GatewayEventStatus;
  memberId: string | null;
  paymentId: string | null;
  error: string | null;
  /** Raised after commit. */
  alerts: RaiseAlert[];
  /** A subscription this event linked to a member: earlier unmatched events of it can apply now. */
  linkedSubscription: string | null;
}

interface Match {
  memberId: string;
  checkout: CheckoutRecord | null;
}

const result = (status: GatewayEventStatus, memberId: string | null = null, extra: Partial<ApplyResult> = {}): ApplyResult => ({
  status,
  memberId,
  paymentId: null,
  error: null,
  alerts: [],
  linkedSubscription: null,
  ...extra,
});

const periods = (payments: readonly PaymentRecord[]): PaymentPeriod[] =>
  payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to) }));

/** Gateway subscription statuses (Stripe and PayPal spellings) in Usher's four. */
function subscriptionStatus(event: GatewayEvent): GatewaySubscriptionStatus {
  if (event.type === 'subscription.canceled') return 'cancelled';
  // Cancel at period end: no renewal is coming, so no renewal grace after the paid period.
  if (event.cancelAtPeriodEnd) return 'cancelled';
  const s = (event.subscriptionStatus ?? '').toLowerCase();
  if (s === 'past_due' || s === 'unpaid' || s === 'suspended' || s === 'incomplete') return 'past_due';
  if (s === 'canceled' || s === 'cancelled') return 'cancelled';
  if (s === 'expired' || s === 'incomplete_expired') return 'expired';
  return 'active';
}

/**
 * Turns one verified gateway event into Usher's records, inside the caller's transaction: payments,
 * periods, checkout state, subscription link and the customer's email. Network calls and alerts
 * happen outside (before or after commit).
 */
export class GatewayEventApplier {
  constructor(
    private readonly events: GatewayEventsRepository,
    private readonly payments: PaymentsRepository,
    private readonly checkouts: CheckoutsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly plans: PlansRepository,
    private readonly notifications: NotificationService,
  ) {}

  async apply(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    switch (event.type) {
      case 'checkout.completed':
        return this.checkoutCompleted(event, ctx);
      case 'checkout.failed':
        return this.checkoutFailed(event, ctx);
      case 'payment.succeeded':
        return this.paymentSucceeded(event, ctx);
      case 'payment.failed':
        return this.paymentFailed(event, ctx);
      case 'payment.refunded':
        return this.refunded(event, ctx);
      case 'subscription.updated':
      case 'subscription.canceled':
        return this.subscriptionChanged(event, ctx);
      case 'dispute.created':
        return this.disputed(event, ctx);
      case 'payment.pending':
      case 'ignored':
        return result('ignored');
    }
  }

  /** The checkout the event names (its reference is the checkout id), else the member of its subscription. */
  private async match(event: GatewayEvent, ctx: ApplyContext): Promise<Match | null> {
    const checkout =
      (event.reference ? await this.checkouts.byId(event.reference, ctx.trx) : null) ??
      (event.checkoutId ? await this.checkouts.byExternalId(ctx.account, event.checkoutId, ctx.trx) : null);
    if (checkout) return { memberId: checkout.memberId, checkout };
    if (event.subscriptionId) {
      const sub = await this.subscriptions.find(ctx.gateway, event.subscriptionId, ctx.trx);
      if (sub) return { memberId: sub.memberId, checkout: null };
    }
    return null;
  }

  private unmatched(event: GatewayEvent, ctx: ApplyContext): ApplyResult {
    return result('unmatched', null, {
      alerts: [
        {
          kind: 'payment_unmatched',
          severity: 'warning',
          title: `A ${ctx.gateway} payment event matched no member`,
          message: `${event.gatewayType} (${event.eventId}) names no checkout or subscription Usher knows${event.email ? `; the payer's email is ${event.email}` : ''}. It is kept under Payments → Webhook events; link the member, then replay it.`,
          dedupeKey: `gateway-event-unmatched:${ctx.gateway}:${event.eventId}`,
        },
      ],
    });
  }

  private async linkSubscription(
    memberId: string,
    subscriptionId: string,
    status: GatewaySubscriptionStatus,
    periodEndAt: string | null,
    ctx: ApplyContext,
  ) {
    const previous = await this.subscriptions.find(ctx.gateway, subscriptionId, ctx.trx);
    await this.subscriptions.upsert(
      {
        id: previous?.id ?? newId(),
        memberId,
        gateway: ctx.gateway,
        externalId: subscriptionId,
        status,
        currentPeriodEnd: periodEndAt ?? previous?.currentPeriodEnd ?? null,
      },
      ctx.now.toISOString(),
      ctx.trx,
    );
  }

  private async checkoutCompleted(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const match = await this.match(event, ctx);
    if (!match) return this.unmatched(event, ctx);
    if (!event.subscriptionId) return result('applied', match.memberId);
    // Subscription mode: the money comes with the invoice/sale event; this only links the subscription.
    await this.linkSubscription(match.memberId, event.subscriptionId, 'active', null, ctx);
    if (match.checkout?.mode === 'recurring') await this.checkouts.settle(match.checkout.id, 'paid', null, ctx.now.toISOString(), ctx.trx);
    return result('applied', match.memberId, { linkedSubscription: event.subscriptionId });
  }

  private async checkoutFailed(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const match = await this.match(event, ctx);
    if (!match?.checkout) return result('ignored');
    const expired = /expired/i.test(event.gatewayType);
    await this.checkouts.settle(match.checkout.id, expired ? 'expired' : 'failed', event.gatewayType, ctx.now.toISOString(), ctx.trx);
    return result('applied', match.memberId);
  }

  private async planFor(match: Match, event: GatewayEvent, existing: readonly PaymentRecord[], ctx: ApplyContext) {
    const planId =
      match.checkout?.planId ??
      existing.find((p) => event.subscriptionId && p.subscriptionId === event.subscriptionId)?.planId ??
      existing[0]?.planId ??
      (await this.plans.findDefault(ctx.trx))?.id;
    return planId ? this.plans.find(planId, ctx.trx) : undefined;
  }

  private async paymentSucceeded(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const already = event.transactionId
      ? await this.payments.findByGatewayTransaction(ctx.gateway, event.transactionId, ctx.trx)
      : undefined;
    const match = await this.match(event, ctx);
    if (already) {
      // Recorded by another path first (the PayPal return capture, or sync): settle, record nothing.
      if (match?.checkout) await this.checkouts.settle(match.checkout.id, 'paid', null, ctx.now.toISOString(), ctx.trx);
      return result('applied', already.memberId, { paymentId: already.id });
    }
    if (!match) return this.unmatched(event, ctx);
    const member = await this.events.member(match.memberId, ctx.trx);
    if (!member || member.deleted) return result('unmatched', match.memberId, { error: 'the member was deleted' });

    const all = await this.payments.forMember(match.memberId, ctx.trx);
    // A paid renewal voids the grace a failed one granted.
    const graces = all.filter((p) => p.amountMinor === 0 && p.notes === DUNNING_NOTE);
    for (const g of graces) await this.payments.delete(g.id, ctx.trx);
    const existing = all.filter((p) => !graces.includes(p));
    const plan = await this.planFor(match, event, existing, ctx);
    if (!plan) return result('failed', match.memberId, { error: 'no plan: the checkout has none and no plan is the default' });

    const from = nextPeriodStart({
      permanent: false,
      payments: periods(existing),
      now: ctx.now,
      // A renewal continues the subscription's run even when it arrives after the period ended.
      subscription: event.subscriptionId ? 'active' : 'none',
      renewalGraceMs: ctx.renewalGraceMs,
    });
    const to =
      event.periodEnd && event.periodEnd.getTime() > from.getTime()
        ? event.periodEnd
        : periodEnd(from, plan.duration, ctx.general.timeZone);
    const amount =
      event.amount ??
      (match.checkout
        ? { amountMinor: match.checkout.amountMinor, currency: match.checkout.currency }
        : { amountMinor: plan.costMinor, currency: ctx.general.currency });
    const paymentId = newId();
    await this.payments.insert(
      [
        {
          id: paymentId,
          row: {
            memberId: match.memberId,
            planId: plan.id,
            amountMinor: amount.amountMinor,
            currency: amount.currency,
            from: from.toISOString(),
            to: to.toISOString(),
            gateway: ctx.gateway,
            transactionId: event.transactionId,
            sequenceNumber: 0,
            subscriptionId: event.subscriptionId,
            payerEmail: event.email?.toLowerCase() ?? null,
            notes: null,
          },
        },
      ],
      ctx.now.toISOString(),
      `${ctx.gateway} webhook`,
      ctx.trx,
    );
    if (match.checkout) await this.checkouts.settle(match.checkout.id, 'paid', null, ctx.now.toISOString(), ctx.trx);
    if (event.subscriptionId) await this.linkSubscription(match.memberId, event.subscriptionId, 'active', to.toISOString(), ctx);
    if (member.email)
      await this.notifications.enqueueEmail(
        {
          to: member.email,
          event: 'payment_received',
          vars: { amount: formatMinor(amount.amountMinor, amount.currency), planName: plan.name, until: to.toISOString().slice(0, 10) },
          idempotencyKey: `payment-received:${paymentId}`,
        },
        { trx: ctx.trx, general: ctx.general },
      );
    return result('applied', match.memberId, { paymentId, linkedSubscription: event.subscriptionId });
  }

  private async paymentFailed(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const match = await this.match(event, ctx);
    if (!match) return this.unmatched(event, ctx);
    if (!event.subscriptionId) {
      if (match.checkout) await this.checkouts.settle(match.checkout.id, 'failed', event.gatewayType, ctx.now.toISOString(), ctx.trx);
      return result('applied', match.memberId);
    }
    await this.linkSubscription(match.memberId, event.subscriptionId, 'past_due', null, ctx);
    const days = ctx.paymentGateways.dunningGraceDays;
    const existing = await this.payments.forMember(match.memberId, ctx.trx);
    // Stripe retries a failed invoice several times: one grace per lapse, not one per attempt.
    const graceRunning = existing.some((p) => p.notes === DUNNING_NOTE && new Date(p.to) > ctx.now);
    const member = await this.events.member(match.memberId, ctx.trx);
    if (days === 0 || graceRunning || !member || member.deleted) return result('applied', match.memberId);
    const from = nextPeriodStart({ permanent: false, payments: periods(existing), now: ctx.now });
    const to = new Date(from.getTime() + days * DAY_MS);
    const plan = await this.planFor(match, event, existing, ctx);
    if (!plan) return result('applied', match.memberId);
    const paymentId = newId();
    await this.payments.insert(
      [
        {
          id: paymentId,
          row: {
            memberId: match.memberId,
            planId: plan.id,
            amountMinor: 0,
            currency: ctx.general.currency,
            from: from.toISOString(),
            to: to.toISOString(),
            gateway: ctx.gateway,
            transactionId: null,
            sequenceNumber: 0,
            subscriptionId: event.subscriptionId,
            payerEmail: null,
            notes: DUNNING_NOTE,
          },
        },
      ],
      ctx.now.toISOString(),
      `${ctx.gateway} webhook`,
      ctx.trx,
    );
    if (member.email)
      await this.notifications.enqueueEmail(
        {
          to: member.email,
          event: 'payment_failed',
          vars: {
            planName: plan.name,
            graceUntil: to.toISOString().slice(0, 10),
            payLink: `${(ctx.general.siteUrl || '').replace(/\/$/, '')}/portal`,
          },
          idempotencyKey: `payment-failed:${ctx.gateway}:${event.eventId}`,
        },
        { trx: ctx.trx, general: ctx.general },
      );
    return result('applied', match.memberId, { paymentId });
  }

  private async refunded(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const payment = event.transactionId
      ? await this.payments.findByGatewayTransaction(ctx.gateway, event.transactionId, ctx.trx)
      : undefined;
    if (!payment) return this.unmatched(event, ctx);
    const change = refundedPeriod(payment, event, ctx.paymentGateways.refundPolicy, ctx.now);
    if (!change) return result('applied', payment.memberId, { paymentId: payment.id });
    await this.payments.update(
      payment.id,
      { ...payment, ...change, notes: payment.notes ? `${payment.notes}\n${change.notes}` : change.notes },
      ctx.trx,
    );
    return result('applied', payment.memberId, { paymentId: payment.id });
  }

  private async subscriptionChanged(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    if (!event.subscriptionId) return result('ignored');
    const match = await this.match(event, ctx);
    if (!match) return this.unmatched(event, ctx);
    // Cancelled or not, the paid periods stay: access lasts until their end.
    await this.linkSubscription(
      match.memberId,
      event.subscriptionId,
      subscriptionStatus(event),
      event.periodEnd?.toISOString() ?? null,
      ctx,
    );
    return result('applied', match.memberId, { linkedSubscription: event.subscriptionId });
  }

  private async disputed(event: GatewayEvent, ctx: ApplyContext): Promise<ApplyResult> {
    const payment = event.transactionId
      ? await this.payments.findByGatewayTransaction(ctx.gateway, event.transactionId, ctx.trx)
      : undefined;
    const money = event.amount ? formatMinor(event.amount.amountMinor, event.amount.currency) : 'an unknown amount';
    return result(payment ? 'applied' : 'unmatched', payment?.memberId ?? null, {
      paymentId: payment?.id ?? null,
      alerts: [
        {
          kind: 'payment_dispute',
          severity: 'error',
          title: `A ${ctx.gateway} payment is disputed`,
          message: `The payer disputed ${money} (transaction ${event.transactionId ?? 'unknown'}). Answer the dispute in the ${ctx.gateway} dashboard before its deadline.`,
          dedupeKey: `gateway-dispute:${ctx.gateway}:${event.eventId}`,
        },
      ],
    });
  }
}
