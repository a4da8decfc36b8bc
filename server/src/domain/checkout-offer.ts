/**
 * What checkout offers (reference §2.7, §2.8, §6.11): the plans a member may take, how they may
 * pay for each, and where. The same rules answer the admin's "why is this plan not on checkout?"
 * (reference troubleshooting: no active plans, recurring needs a gateway price or plan id,
 * subscriptions off, no capacity), so the diagnostics can never disagree with what customers see.
 */

export type OfferMode = 'one_off' | 'recurring';
export type OfferGatewayKind = 'stripe' | 'paypal' | 'plisio';

export interface OfferGateway {
  /** The account as configured (paypal and paypalSecondary are two accounts of one kind). */
  account: string;
  kind: OfferGatewayKind;
  oneOff: boolean;
  recurring: boolean;
}

export interface OfferPlan {
  id: string;
  active: boolean;
  isTrial: boolean;
  masterOnly: boolean;
  maxSubAccounts: number;
  stripePriceId: string | null;
  paypalPlanId: string | null;
  libraryGroupIds: readonly string[];
}

/** A location with at least one server that could take this plan's member now. */
export interface OfferLocation {
  /** null: servers that have no location. */
  id: string | null;
  name: string;
}

export interface OfferRoom {
  /** Locations with room for the plan; empty means no server can take a new member on it. */
  locations: readonly OfferLocation[];
  /** The member already holds a seat on a server that carries the plan: no new seat is needed. */
  hasSeat: boolean;
}

/** null: the admin's view, as a new customer would see checkout. */
export interface OfferMember {
  /** A linked (sub) member's access follows its master's payments (reference §2.14). */
  isSubAccount: boolean;
  subAccounts: number;
}

export interface OfferSettings {
  subscriptionEnabled: boolean;
  oneOffEnabled: boolean;
  recurringEnabled: boolean;
  /** An account or kind name; it is listed first. */
  defaultGateway: string;
}

export type OfferReasonCode =
  | 'subscriptions_off'
  | 'sub_account'
  | 'inactive'
  | 'trial_plan'
  | 'master_only'
  | 'no_library_groups'
  | 'no_capacity'
  | 'no_gateway'
  | 'one_off_off'
  | 'no_one_off_gateway'
  | 'recurring_off'
  | 'no_recurring_gateway'
  | 'no_recurring_id';

/** `plan`: the plan is not offered at all; `one_off` / `recurring`: only that way of paying is missing. */
export interface OfferReason {
  code: OfferReasonCode;
  scope: 'plan' | OfferMode;
  message: string;
}

export interface PlanOffer {
  planId: string;
  offered: boolean;
  /** Each mode with the accounts that take it, default gateway first. */
  modes: { mode: OfferMode; gateways: string[] }[];
  /** Only when more than one location has room: otherwise placement needs no choice. */
  locations: OfferLocation[];
  reasons: OfferReason[];
}

export interface OfferInput {
  member: OfferMember | null;
  plans: readonly OfferPlan[];
  settings: OfferSettings;
  gateways: readonly OfferGateway[];
  room: ReadonlyMap<string, OfferRoom>;
}

const reason = (code: OfferReasonCode, scope: OfferReason['scope'], message: string): OfferReason => ({ code, scope, message });

export function checkoutOffer(input: OfferInput): PlanOffer[] {
  const gateways = orderGateways(input.gateways, input.settings.defaultGateway);
  return input.plans.map((plan) => planOffer(plan, input, gateways));
}

function orderGateways(gateways: readonly OfferGateway[], preferred: string): OfferGateway[] {
  const first = (g: OfferGateway) => (g.account === preferred || g.kind === preferred ? 0 : 1);
  return [...gateways].sort((a, b) => first(a) - first(b));
}

/** Whether the account can sell this plan by subscription: it needs the plan's id at that gateway. */
function recurringIdFor(plan: OfferPlan, gateway: OfferGateway): string | null {
  if (gateway.kind === 'stripe') return plan.stripePriceId;
  if (gateway.kind === 'paypal') return plan.paypalPlanId;
  return null;
}

function planOffer(plan: OfferPlan, input: OfferInput, gateways: OfferGateway[]): PlanOffer {
  const { member, settings } = input;
  const reasons: OfferReason[] = [];
  if (!settings.subscriptionEnabled)
    reasons.push(reason('subscriptions_off', 'plan', 'Subscriptions are switched off (Settings → Subscriptions & trials).'));
  if (member?.isSubAccount)
    reasons.push(reason('sub_account', 'plan', 'Your access comes with the account you are linked to; its owner pays for it.'));
  if (!plan.active) reasons.push(reason('inactive', 'plan', 'The plan is not active.'));
  if (plan.isTrial) reasons.push(reason('trial_plan', 'plan', 'Trial plans are not sold at checkout.'));
  if (plan.masterOnly && !(member && member.subAccounts >= Math.max(1, plan.maxSubAccounts)))
    reasons.push(
      reason(
        'master_only',
        'plan',
        `Only members with ${Math.max(1, plan.maxSubAccounts)} linked sub account${plan.maxSubAccounts > 1 ? 's' : ''} see this plan.`,
      ),
    );
  if (plan.libraryGroupIds.length === 0) reasons.push(reason('no_library_groups', 'plan', 'The plan has no library groups.'));
  const room = input.room.get(plan.id) ?? { locations: [], hasSeat: false };
  if (plan.libraryGroupIds.length > 0 && !room.hasSeat && room.locations.length === 0)
    reasons.push(
      reason('no_capacity', 'plan', "No enabled server with room carries all of the plan's library groups and takes new subscriptions."),
    );
  if (gateways.length === 0) reasons.push(reason('no_gateway', 'plan', 'No payment gateway is enabled with complete credentials.'));

  const modes: PlanOffer['modes'] = [];
  if (gateways.length > 0) {
    const oneOff = gateways.filter((g) => g.oneOff);
    if (!settings.oneOffEnabled) reasons.push(reason('one_off_off', 'one_off', 'One-off payments are switched off (Settings → Payment gateways).'));
    else if (oneOff.length === 0) reasons.push(reason('no_one_off_gateway', 'one_off', 'No enabled gateway takes one-off payments.'));
    else modes.push({ mode: 'one_off', gateways: oneOff.map((g) => g.account) });

    const recurring = gateways.filter((g) => g.recurring);
    const withId = recurring.filter((g) => recurringIdFor(plan, g));
    if (!settings.recurringEnabled) reasons.push(reason('recurring_off', 'recurring', 'Recurring subscriptions are switched off (Settings → Payment gateways).'));
    else if (recurring.length === 0) reasons.push(reason('no_recurring_gateway', 'recurring', 'No enabled gateway takes recurring subscriptions (Plisio cannot).'));
    else if (withId.length === 0)
      reasons.push(
        reason('no_recurring_id', 'recurring', `Recurring needs the plan's ${[...new Set(recurring.map((g) => (g.kind === 'stripe' ? 'Stripe price id' : 'PayPal plan id')))].join(' or ')}.`),
      );
    else modes.push({ mode: 'recurring', gateways: withId.map((g) => g.account) });
  }

  const offered = modes.length > 0 && !reasons.some((r) => r.scope === 'plan');
  // A member who already has a seat that fits stays where they are: nothing to choose.
  const locations = offered && !room.hasSeat && room.locations.length > 1 ? [...room.locations] : [];
  return { planId: plan.id, offered, modes: offered ? modes : [], locations, reasons };
}
