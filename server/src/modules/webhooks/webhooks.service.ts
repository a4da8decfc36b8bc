import type { Logger } from 'pino';
import { IntegrationError } from '../../adapters/http/integration-error.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { GatewayEvent, PaymentGateway } from '../../ports/payment-gateway.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { CheckoutStatus, CheckoutsRepository } from '../payments/checkouts.repository.js';
import { kindOfAccount, type GatewayAccount, type GatewayDirectory } from '../payments/gateway-directory.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { ApplyContext, ApplyResult, GatewayEventApplier } from './event-applier.js';
import type { GatewayEventRecord, GatewayEventsRepository, GatewayEventStatus } from './gateway-events.repository.js';

type Kind = ApplyContext['gateway'];

/** The stored event back as the adapter produced it (dates were ISO strings in JSON). */
function reviveEvent(json: string): GatewayEvent {
  const raw = JSON.parse(json) as GatewayEvent & { occurredAt: string; periodEnd: string | null };
  return { ...raw, occurredAt: new Date(raw.occurredAt), periodEnd: raw.periodEnd ? new Date(raw.periodEnd) : null };
}

interface Recorded {
  status: GatewayEventStatus;
  duplicate: boolean;
}

/**
 * The webhook pipeline: verify the delivery against the raw body, then for each event insert its
 * log row and apply it in ONE transaction (payment, period, checkout, subscription link, email), so
 * a re-delivery finds the row and changes nothing; after commit, alerts and the access pass.
 */
export class WebhooksService {
  constructor(
    private readonly gateways: GatewayDirectory,
    private readonly events: GatewayEventsRepository,
    private readonly applier: GatewayEventApplier,
    private readonly checkouts: CheckoutsRepository,
    private readonly settings: SettingsService,
    private readonly alerts: AlertsService,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly memberChanged: (memberId: string) => void,
  ) {}

  async receive(
    account: GatewayAccount,
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ received: number }> {
    const gateway = await this.gateways.gateway(account);
    if (!gateway) throw notFound('gateway_not_configured', `The ${account} gateway is not set up in Usher, so its webhooks are refused.`);
    let verification;
    try {
      verification = await gateway.verifyWebhook(rawBody, headers);
    } catch (error) {
      // The gateway could not be asked (PayPal's verify call): a 5xx makes it deliver again later.
      if (error instanceof IntegrationError)
        throw new AppError(503, 'webhook_verify_unavailable', `The delivery could not be verified now: ${error.message}`);
      throw error;
    }
    if (!verification.ok) {
      this.log.warn({ account, reason: verification.reason }, 'webhook refused: signature not valid');
      throw badRequest('webhook_signature_invalid', 'The webhook signature is not valid or is too old; nothing was recorded.');
    }
    for (const event of verification.events) {
      if (event.type === 'checkout.completed') await this.completeOneOff(account, gateway, event);
      await this.record(account, event, rawBody);
    }
    return { received: verification.events.length };
  }

  /**
   * The customer's return page: finishes their checkout (PayPal capture) through the same path the
   * approval webhook takes, and says where it stands. Anyone but the checkout's owner gets 404.
   */
  async confirm(checkoutId: string, loginId: string): Promise<{ status: CheckoutStatus }> {
    const checkout = await this.checkouts.byId(checkoutId);
    const member = checkout ? await this.events.member(checkout.memberId) : null;
    if (!checkout || !member || member.loginId !== loginId) throw notFound('checkout_not_found', 'No checkout of yours has that id.');
    if (checkout.status === 'open' && checkout.externalId) {
      const gateway = await this.gateways.gateway(checkout.gatewayAccount);
      if (!gateway) throw conflict('gateway_not_configured', 'This payment method was switched off; ask the administrator.');
      for (const event of await gateway.completeCheckout(checkout.externalId))
        await this.record(checkout.gatewayAccount, event, JSON.stringify(event));
    }
    return { status: (await this.checkouts.byId(checkoutId))!.status };
  }

  /** Admin: applies a stored event again once its cause is fixed (the member linked, the plan back). */
  async replay(id: string): Promise<GatewayEventRecord> {
    const row = await this.events.byId(id);
    if (!row) throw notFound('gateway_event_not_found', 'No webhook event has that id.');
    if (row.status !== 'failed' && row.status !== 'unmatched')
      throw conflict('gateway_event_not_replayable', `This event is ${row.status}; only failed or unmatched events are applied again.`);
    await this.record(row.account as GatewayAccount, reviveEvent(row.event), row.payload, ['failed', 'unmatched']);
    return (await this.events.byId(id))!;
  }

  /** A PayPal order approved: capture it now (the return page may be first; both capture once). */
  private async completeOneOff(account: GatewayAccount, gateway: PaymentGateway, event: GatewayEvent): Promise<void> {
    const checkout =
      (event.reference ? await this.checkouts.byId(event.reference) : null) ??
      (event.checkoutId ? await this.checkouts.byExternalId(account, event.checkoutId) : null);
    if (checkout?.mode !== 'one_off' || checkout.status !== 'open' || !event.checkoutId) return;
    let captured: GatewayEvent[];
    try {
      captured = await gateway.completeCheckout(event.checkoutId);
    } catch (error) {
      if (error instanceof IntegrationError)
        throw new AppError(503, 'checkout_capture_unavailable', `The payment could not be captured now: ${error.message}`);
      throw error;
    }
    for (const e of captured) await this.record(account, e, JSON.stringify(e));
  }

  private async context(account: GatewayAccount): Promise<Omit<ApplyContext, 'trx'>> {
    const [general, paymentGateways, subscriptions] = await Promise.all([
      this.settings.get('general'),
      this.settings.get('paymentGateways'),
      this.settings.get('subscriptions'),
    ]);
    return {
      account,
      gateway: kindOfAccount(account) as Kind,
      now: this.clock.now(),
      general,
      paymentGateways,
      renewalGraceMs: subscriptions.renewalGraceHours * 3_600_000,
    };
  }

  /**
   * Inserts the event's row and applies it in one transaction. A row already there is a duplicate
   * delivery and changes nothing, unless its status is one `retry` names (a failed apply is tried
   * again when the gateway re-sends it). A failure rolls everything back and is then logged on the
   * row as `failed`, and rethrown so the gateway delivers again.
   */
  private async record(
    account: GatewayAccount,
    event: GatewayEvent,
    payload: string,
    retry: readonly GatewayEventStatus[] = ['failed'],
  ): Promise<Recorded> {
    const base = await this.context(account);
    const row: GatewayEventRecord = {
      id: newId(),
      gateway: base.gateway,
      account,
      eventId: event.eventId,
      gatewayType: event.gatewayType,
      type: event.type,
      status: 'failed',
      memberId: null,
      paymentId: null,
      subscriptionId: event.subscriptionId,
      payload,
      event: JSON.stringify(event),
      error: null,
      receivedAt: base.now.toISOString(),
      appliedAt: null,
    };
    const changed = new Set<string>();
    const alerts: ApplyResult['alerts'] = [];
    const attempt = () =>
      this.events.transaction(async (trx): Promise<Recorded> => {
        changed.clear();
        alerts.length = 0;
        let id = row.id;
        if (!(await this.events.insertIfNew(row, trx))) {
          const existing = (await this.events.byEventId(base.gateway, event.eventId, trx))!;
          if (!retry.includes(existing.status)) return { status: existing.status, duplicate: true };
          id = existing.id;
        }
        const ctx: ApplyContext = { ...base, trx };
        const outcome = await this.applyAndStore(id, event, ctx, changed, alerts);
        // Renewals that came before the checkout linking their subscription apply now, in order.
        if (outcome.linkedSubscription)
          for (const early of await this.events.unmatchedForSubscription(base.gateway, outcome.linkedSubscription, trx))
            if (early.id !== id) await this.applyAndStore(early.id, reviveEvent(early.event), ctx, changed, alerts);
        return { status: outcome.status, duplicate: false };
      });
    let recorded: Recorded;
    try {
      recorded = await attempt().catch(() => attempt()); // once more: a concurrent path may have won a unique key
    } catch (error) {
      await this.markFailed(row, error);
      throw error;
    }
    if (!recorded.duplicate) await this.afterCommit(changed, alerts);
    return recorded;
  }

  private async applyAndStore(
    id: string,
    event: GatewayEvent,
    ctx: ApplyContext,
    changed: Set<string>,
    alerts: ApplyResult['alerts'],
  ): Promise<ApplyResult> {
    const outcome = await this.applier.apply(event, ctx);
    await this.events.setOutcome(
      id,
      {
        status: outcome.status,
        memberId: outcome.memberId,
        paymentId: outcome.paymentId,
        error: outcome.error,
        appliedAt: outcome.status === 'applied' ? ctx.now.toISOString() : null,
      },
      ctx.trx,
    );
    if (outcome.memberId && outcome.status === 'applied') changed.add(outcome.memberId);
    alerts.push(...outcome.alerts);
    return outcome;
  }

  private async markFailed(row: GatewayEventRecord, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error({ err: error, gateway: row.gateway, eventId: row.eventId }, 'applying a gateway event failed');
    try {
      await this.events.transaction(async (trx) => {
        if (await this.events.insertIfNew({ ...row, error: message }, trx)) return;
        const existing = await this.events.byEventId(row.gateway, row.eventId, trx);
        if (existing && (existing.status === 'failed' || existing.status === 'unmatched'))
          await this.events.setOutcome(
            existing.id,
            { status: 'failed', memberId: existing.memberId, paymentId: null, error: message, appliedAt: null },
            trx,
          );
      });
    } catch (logError) {
      this.log.error({ err: logError }, 'could not log the failed gateway event');
    }
  }

  private async afterCommit(changed: Set<string>, alerts: ApplyResult['alerts']): Promise<void> {
    for (const alert of alerts) {
      try {
        await this.alerts.raise(alert);
      } catch (error) {
        this.log.error({ err: error }, 'raising a payment alert failed');
      }
    }
    for (const memberId of changed) this.memberChanged(memberId);
    this.notifications.kick();
  }
}
