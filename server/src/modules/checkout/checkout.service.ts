import { IntegrationError } from '../../adapters/http/integration-error.js';
import {
  checkoutOffer,
  type OfferGateway,
  type OfferLocation,
  type OfferMode,
  type OfferRoom,
  type PlanOffer,
} from '../../domain/checkout-offer.js';
import { placeMember, rejectReasons, type PlacementServer } from '../../domain/placement.js';
import { badRequest, conflict, notFound, type AppError } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { CheckoutRequest } from '../../ports/payment-gateway.js';
import type { PlacementService } from '../access/placement.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Login } from '../auth/auth.repository.js';
import type { LibrariesRepository } from '../libraries/libraries.repository.js';
import type { MembersService } from '../members/members.service.js';
import type { CheckoutMode, CheckoutRecord, CheckoutsRepository } from '../payments/checkouts.repository.js';
import { kindOfAccount, type GatewayAccount, type GatewayDirectory } from '../payments/gateway-directory.js';
import type { PlanRecord, PlansRepository } from '../plans/plans.repository.js';
import type { PortalService } from '../portal/portal.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { CheckoutMemberFacts, CheckoutRepository } from './checkout.repository.js';

const GATEWAY_LABELS: Record<GatewayAccount, string> = {
  stripe: 'Card (Stripe)',
  paypal: 'PayPal',
  paypalSecondary: 'PayPal',
  plisio: 'Crypto (Plisio)',
};

/** Servers without a location still take members; they are offered as one choice of their own. */
const NO_LOCATION_NAME = 'Any location';

export interface OfferedPlanView {
  id: string;
  name: string;
  description: string;
  priceMinor: number;
  period: PlanRecord['duration'];
  maxStreams: number | null;
  allowDownloads: boolean;
  allowTranscoding: boolean;
  includes4k: boolean;
  libraryGroups: string[];
  current: boolean;
  modes: { mode: OfferMode; gateways: string[] }[];
  locations: { id: string; name: string }[];
}

export interface CheckoutOptionsView {
  currency: string;
  plans: OfferedPlanView[];
  gateways: { account: GatewayAccount; kind: string; label: string; modes: OfferMode[] }[];
}

export interface CheckoutStatusView {
  id: string;
  status: CheckoutRecord['status'];
  plan: { id: string; name: string };
  gatewayAccount: GatewayAccount;
  gatewayLabel: string;
  mode: CheckoutMode;
  amountMinor: number;
  currency: string;
  failureReason: string | null;
  createdAt: string;
  access: { state: 'active' | 'expired' | 'permanent'; until: string | null };
}

export interface DiagnosticsView {
  gateways: GatewayAccount[];
  plans: { planId: string; name: string; active: boolean; offered: boolean; modes: PlanOffer['modes']; reasons: PlanOffer['reasons'] }[];
}

export interface CheckoutStart {
  planId: string;
  mode: CheckoutMode;
  gatewayAccount: GatewayAccount;
  locationId?: string | undefined;
}

interface Context {
  member: CheckoutMemberFacts | null;
  isNew: boolean;
  plans: PlanRecord[];
  offers: PlanOffer[];
  accounts: GatewayAccount[];
  seats: PlacementServer[];
}

/**
 * The customer's checkout (reference §6.11): what they may buy, the checkout row and the gateway's
 * hosted page. It never grants access: the gateway's confirmation, through the webhook pipeline,
 * records the payment and settles the checkout.
 */
export class CheckoutService {
  constructor(
    private readonly repo: CheckoutRepository,
    private readonly checkouts: CheckoutsRepository,
    private readonly plans: PlansRepository,
    private readonly libraries: LibrariesRepository,
    private readonly placement: PlacementService,
    private readonly members: MembersService,
    private readonly portal: PortalService,
    private readonly settings: SettingsService,
    private readonly gateways: GatewayDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly siteUrl: () => Promise<string>,
  ) {}

  async options(login: Login, actor: Actor): Promise<CheckoutOptionsView> {
    const member = await this.portal.findMember(login, actor);
    const ctx = await this.context(member ? await this.repo.memberFacts(member.id) : null);
    const [groups, general, status] = await Promise.all([
      this.libraries.listGroups(),
      this.settings.get('general'),
      ctx.member ? this.statusOf(ctx.member) : Promise.resolve(null),
    ]);
    const groupById = new Map(groups.map((g) => [g.id, g]));
    const plans: OfferedPlanView[] = [];
    for (const offer of ctx.offers) {
      const plan = ctx.plans.find((p) => p.id === offer.planId)!;
      if (!offer.offered) continue;
      plans.push({
        id: plan.id,
        name: plan.name,
        description: plan.description,
        priceMinor: plan.costMinor,
        period: plan.duration,
        maxStreams: plan.maxStreams,
        allowDownloads: plan.allowDownloads,
        allowTranscoding: plan.allowTranscoding,
        includes4k: plan.libraryGroupIds.some((id) => groupById.get(id)?.builtin === 'premium4k'),
        libraryGroups: plan.libraryGroupIds.map((id) => groupById.get(id)?.name).filter((n): n is string => n !== undefined),
        current: status?.state === 'active' && status.planId === plan.id,
        modes: offer.modes,
        locations: offer.locations.map((l) => ({ id: l.id ?? '', name: l.name })),
      });
    }
    const gateways = ctx.accounts
      .map((account) => ({
        account,
        kind: kindOfAccount(account),
        label: GATEWAY_LABELS[account],
        modes: (['one_off', 'recurring'] as const).filter((mode) => plans.some((p) => p.modes.some((m) => m.mode === mode && m.gateways.includes(account)))),
      }))
      .filter((g) => g.modes.length > 0);
    // The offer lists the default gateway first; the choices follow the same order.
    const order = plans[0]?.modes[0]?.gateways ?? [];
    gateways.sort((a, b) => rank(order, a.account) - rank(order, b.account));
    return { currency: general.currency, plans, gateways };
  }

  /** The admin's view: every plan as a new customer would see it, and every reason it is not offered. */
  async diagnostics(): Promise<DiagnosticsView> {
    const ctx = await this.context(null);
    return {
      gateways: ctx.accounts,
      plans: ctx.offers.map((offer) => {
        const plan = ctx.plans.find((p) => p.id === offer.planId)!;
        return { planId: plan.id, name: plan.name, active: plan.active, offered: offer.offered, modes: offer.modes, reasons: offer.reasons };
      }),
    };
  }

  async start(login: Login, input: CheckoutStart, actor: Actor): Promise<{ id: string; redirectUrl: string }> {
    const member = await this.memberForCheckout(login, actor);
    const ctx = await this.context(member);
    const offer = ctx.offers.find((o) => o.planId === input.planId);
    const plan = ctx.plans.find((p) => p.id === input.planId);
    if (!offer || !plan || !offer.offered) throw refusalFor(offer);
    const mode = offer.modes.find((m) => m.mode === input.mode);
    if (!mode) throw badRequest('mode_not_offered', input.mode === 'recurring' ? 'This plan cannot be paid as a recurring subscription.' : 'This plan cannot be paid once; choose the recurring subscription.');
    if (!mode.gateways.includes(input.gatewayAccount))
      throw badRequest('gateway_unavailable', 'This payment method is not available for this plan and payment type; choose another.');
    const serverId = this.serverFor(input.locationId, offer, plan, ctx);
    const gateway = await this.gateways.gateway(input.gatewayAccount);
    if (!gateway) throw badRequest('gateway_unavailable', 'This payment method is not available right now; choose another.');

    const now = this.clock.now().toISOString();
    const currency = (await this.settings.get('general')).currency;
    const checkout = await this.checkouts.create(
      { id: newId(), memberId: member.id, planId: plan.id, gatewayAccount: input.gatewayAccount, mode: input.mode, amountMinor: plan.costMinor, currency, serverId, discountCodeId: null },
      now,
    );
    const site = (await this.siteUrl()).replace(/\/+$/, '');
    const returnUrl = `${site}/portal/checkout/return?checkout=${encodeURIComponent(checkout.id)}`;
    const common = {
      reference: checkout.id,
      idempotencyKey: checkout.id,
      successUrl: returnUrl,
      cancelUrl: `${returnUrl}&cancelled=1`,
      email: member.email ?? login.email,
      description: plan.description || plan.name,
      metadata: { checkoutId: checkout.id, memberId: member.id, planId: plan.id },
    };
    const request: CheckoutRequest =
      input.mode === 'one_off'
        ? { ...common, mode: 'one_off', amount: { amountMinor: plan.costMinor, currency }, itemName: plan.name }
        : { ...common, mode: 'recurring', gatewayPlanId: (kindOfAccount(input.gatewayAccount) === 'stripe' ? plan.stripePriceId : plan.paypalPlanId)! };
    try {
      const session = await gateway.createCheckout(request);
      await this.checkouts.attachSession(checkout.id, { externalId: session.externalId, redirectUrl: session.redirectUrl, expiresAt: session.expiresAt?.toISOString() ?? null }, this.clock.now().toISOString());
      await this.audit.record(actor, 'checkout.started', { type: 'member', id: member.id }, { checkoutId: checkout.id, planId: plan.id, gateway: input.gatewayAccount, mode: input.mode });
      return { id: checkout.id, redirectUrl: session.redirectUrl };
    } catch (error) {
      const reason = error instanceof IntegrationError ? (error.fix ?? error.message) : 'The payment gateway could not be reached.';
      await this.checkouts.settle(checkout.id, 'failed', reason, this.clock.now().toISOString());
      throw error;
    }
  }

  async view(login: Login, checkoutId: string, actor: Actor): Promise<CheckoutStatusView> {
    const { checkout, member } = await this.owned(login, checkoutId, actor);
    const [plan, status] = await Promise.all([this.plans.find(checkout.planId), this.statusOf(member)]);
    return {
      id: checkout.id,
      status: checkout.status,
      plan: { id: checkout.planId, name: plan?.name ?? 'Removed plan' },
      gatewayAccount: checkout.gatewayAccount,
      gatewayLabel: GATEWAY_LABELS[checkout.gatewayAccount],
      mode: checkout.mode,
      amountMinor: checkout.amountMinor,
      currency: checkout.currency,
      failureReason: checkout.failureReason,
      createdAt: checkout.createdAt,
      access: { state: status.state, until: status.until },
    };
  }

  /** The customer left the gateway's page: an open checkout ends; one the gateway settled stays as it is. */
  async cancel(login: Login, checkoutId: string, actor: Actor): Promise<CheckoutStatusView> {
    const { checkout, member } = await this.owned(login, checkoutId, actor);
    if (checkout.status === 'open') {
      await this.checkouts.settle(checkout.id, 'cancelled', 'You cancelled on the payment page.', this.clock.now().toISOString());
      await this.audit.record(actor, 'checkout.cancelled', { type: 'member', id: member.id }, { checkoutId: checkout.id });
    } else if (checkout.status !== 'cancelled') {
      throw conflict('checkout_final', `This checkout is already ${checkout.status}; it cannot be cancelled.`);
    }
    return this.view(login, checkoutId, actor);
  }

  private async owned(login: Login, checkoutId: string, actor: Actor): Promise<{ checkout: CheckoutRecord; member: CheckoutMemberFacts }> {
    const member = await this.portal.findMember(login, actor);
    const checkout = await this.checkouts.byId(checkoutId);
    const facts = member && checkout?.memberId === member.id ? await this.repo.memberFacts(member.id) : null;
    // Someone else's checkout answers exactly like a missing one: ids are not confirmed to strangers.
    if (!checkout || !facts) throw notFound('checkout_not_found', 'There is no such checkout.');
    return { checkout, member: facts };
  }

  private async statusOf(member: CheckoutMemberFacts) {
    return (await this.members.statusesFor([{ id: member.id, permanent: member.permanent }])).get(member.id)!;
  }

  /** The member a payment will belong to; a customer's first checkout creates it. */
  private async memberForCheckout(login: Login, actor: Actor): Promise<CheckoutMemberFacts> {
    const existing = await this.portal.findMember(login, actor);
    if (existing) return (await this.repo.memberFacts(existing.id))!;
    // An unconfirmed email that an imported member already uses could be someone else's: the
    // payment would start a second member beside theirs. Confirming the email links the two.
    if (!login.emailConfirmedAt && (await this.repo.unlinkedMemberWithEmail(login.email)))
      throw conflict('email_unconfirmed', 'Confirm your email address first (see the link we emailed you), so your payment reaches your existing account.');
    const id = newId();
    await this.repo.createMember({ id, email: login.email, displayName: login.displayName, loginId: login.id }, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.created', { type: 'member', id }, { source: 'subscription', loginId: login.id });
    return (await this.repo.memberFacts(id))!;
  }

  /** The server the chosen location would place the member on, so the payment lands where they asked. */
  private serverFor(locationId: string | undefined, offer: PlanOffer, plan: PlanRecord, ctx: Context): string | null {
    if (locationId === undefined) return null;
    const location = offer.locations.find((l) => (l.id ?? '') === locationId);
    if (!location) throw badRequest('location_not_offered', 'Choose one of the locations offered for this plan.');
    const inLocation = ctx.seats.filter((s) => s.locationId === location.id);
    const placed = placeMember(inLocation, placementPlan(plan), { currentServerId: null, pendingInviteServerId: null, previousServerIds: [], preferredLocationId: location.id, isNew: ctx.isNew });
    if (!placed.ok) throw conflict('no_capacity', 'That location has just filled up; choose another.');
    return placed.serverId;
  }

  private async context(member: CheckoutMemberFacts | null): Promise<Context> {
    const [plans, gatewaySettings, subscriptions, accounts, seats, locationNames, status] = await Promise.all([
      this.plans.list(),
      this.settings.get('paymentGateways'),
      this.settings.get('subscriptions'),
      this.gateways.enabledAccounts(),
      this.placement.seats(),
      this.repo.locationNames(),
      member ? this.statusOf(member) : Promise.resolve(null),
    ]);
    const gateways: OfferGateway[] = [];
    for (const account of accounts) {
      const gateway = await this.gateways.gateway(account);
      if (gateway) gateways.push({ account, kind: kindOfAccount(account), oneOff: gateway.capabilities.oneOff, recurring: gateway.capabilities.recurring });
    }
    const isNew = !status || status.reason === 'no_payments';
    const room = new Map(plans.map((p) => [p.id, roomFor(p, seats, member, isNew, locationNames)]));
    const offers = checkoutOffer({
      member: member && { isSubAccount: member.isSubAccount, subAccounts: member.subAccounts },
      plans,
      settings: {
        subscriptionEnabled: subscriptions.subscriptionEnabled,
        oneOffEnabled: gatewaySettings.oneOffEnabled,
        recurringEnabled: gatewaySettings.recurringEnabled,
        defaultGateway: gatewaySettings.defaultGateway,
      },
      gateways,
      room,
    });
    return { member, isNew, plans, offers, accounts: gateways.map((g) => g.account as GatewayAccount), seats };
  }
}

function placementPlan(plan: PlanRecord) {
  return { libraryGroupIds: plan.libraryGroupIds, targetServerIds: plan.serverIds, isTrial: plan.isTrial };
}

function roomFor(plan: PlanRecord, seats: PlacementServer[], member: CheckoutMemberFacts | null, isNew: boolean, names: Map<string, string>): OfferRoom {
  const groups = (s: PlacementServer) => new Set(s.libraryGroupIds);
  const hasSeat =
    member !== null &&
    plan.libraryGroupIds.length > 0 &&
    seats.some((s) => member.serverIds.includes(s.id) && plan.libraryGroupIds.every((g) => groups(s).has(g)));
  const open = seats.filter(
    (s) => rejectReasons(s, placementPlan(plan), { currentServerId: null, pendingInviteServerId: null, previousServerIds: [], preferredLocationId: null, isNew }).length === 0,
  );
  const locations: OfferLocation[] = [];
  for (const s of open) {
    if (locations.some((l) => l.id === s.locationId)) continue;
    locations.push({ id: s.locationId, name: s.locationId ? (names.get(s.locationId) ?? s.locationId) : NO_LOCATION_NAME });
  }
  locations.sort((a, b) => a.name.localeCompare(b.name));
  return { locations, hasSeat };
}

function rank(order: string[], account: string): number {
  const i = order.indexOf(account);
  return i === -1 ? order.length : i;
}

function refusalFor(offer: PlanOffer | undefined): AppError {
  const planReasons = offer?.reasons.filter((r) => r.scope === 'plan') ?? [];
  if (planReasons.length > 0 && planReasons.every((r) => r.code === 'no_capacity'))
    return conflict('no_capacity', 'Every server is full for this plan right now. Try again later or choose another plan.');
  return badRequest('plan_not_offered', offer ? `This plan is not offered to you: ${(planReasons[0] ?? offer.reasons[0])?.message ?? 'it cannot be bought now.'}` : 'There is no such plan to buy.');
}
