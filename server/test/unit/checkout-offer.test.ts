import { describe, expect, it } from 'vitest';
import {
  checkoutOffer,
  type OfferGateway,
  type OfferInput,
  type OfferPlan,
  type OfferRoom,
  type PlanOffer,
} from '../../src/domain/checkout-offer.js';

const STRIPE: OfferGateway = { account: 'stripe', kind: 'stripe', oneOff: true, recurring: true };
const PAYPAL: OfferGateway = { account: 'paypal', kind: 'paypal', oneOff: true, recurring: true };
const PLISIO: OfferGateway = { account: 'plisio', kind: 'plisio', oneOff: true, recurring: false };

const plan = (over: Partial<OfferPlan> = {}): OfferPlan => ({
  id: 'p1',
  active: true,
  isTrial: false,
  masterOnly: false,
  maxSubAccounts: 0,
  stripePriceId: null,
  paypalPlanId: null,
  libraryGroupIds: ['standard'],
  ...over,
});
const EU = { id: 'eu', name: 'Europe' };
const US = { id: 'us', name: 'America' };
const room = (over: Partial<OfferRoom> = {}): OfferRoom => ({ locations: [EU], hasSeat: false, ...over });

function offer(over: Partial<OfferInput> & { planOver?: Partial<OfferPlan>; roomOver?: Partial<OfferRoom> } = {}): PlanOffer {
  const p = plan(over.planOver);
  return checkoutOffer({
    member: over.member === undefined ? { isSubAccount: false, subAccounts: 0 } : over.member,
    plans: [p],
    settings: { subscriptionEnabled: true, oneOffEnabled: true, recurringEnabled: true, defaultGateway: 'manual', ...over.settings },
    gateways: over.gateways ?? [STRIPE],
    room: over.room ?? new Map([[p.id, room(over.roomOver)]]),
  })[0]!;
}
const codes = (o: PlanOffer) => o.reasons.map((r) => r.code);

describe('checkout offer: whether a plan is offered, and every reason it is not', () => {
  it.each<[string, Parameters<typeof offer>[0], string[]]>([
    ['an inactive plan', { planOver: { active: false } }, ['inactive']],
    ['a trial plan (trials come later)', { planOver: { isTrial: true } }, ['trial_plan']],
    ['a master-only plan for a member without sub accounts', { planOver: { masterOnly: true, maxSubAccounts: 2 } }, ['master_only']],
    ['a master-only plan for a master with too few subs', { planOver: { masterOnly: true, maxSubAccounts: 3 }, member: { isSubAccount: false, subAccounts: 2 } }, ['master_only']],
    ['a master-only plan in the admin view', { planOver: { masterOnly: true }, member: null }, ['master_only']],
    ['a sub account', { member: { isSubAccount: true, subAccounts: 0 } }, ['sub_account']],
    ['subscriptions switched off', { settings: { subscriptionEnabled: false } as never }, ['subscriptions_off']],
    ['a plan without library groups', { planOver: { libraryGroupIds: [] } }, ['no_library_groups']],
    ['no server with room', { roomOver: { locations: [] } }, ['no_capacity']],
    ['no gateway enabled', { gateways: [] }, ['no_gateway']],
    ['several reasons at once', { planOver: { active: false, isTrial: true }, gateways: [] }, ['inactive', 'trial_plan', 'no_gateway']],
  ])('%s is not offered', (_name, input, expected) => {
    const result = offer(input);
    expect(result.offered).toBe(false);
    expect(result.modes).toEqual([]);
    expect(codes(result).filter((c) => !['no_recurring_id'].includes(c))).toEqual(expected);
  });

  it.each<[string, Parameters<typeof offer>[0], { modes: [string, string[]][]; reasons: string[] }]>([
    ['one-off only when the plan has no gateway ids', {}, { modes: [['one_off', ['stripe']]], reasons: ['no_recurring_id'] }],
    [
      'recurring on Stripe needs the Stripe price id',
      { planOver: { stripePriceId: 'price_1' } },
      { modes: [['one_off', ['stripe']], ['recurring', ['stripe']]], reasons: [] },
    ],
    [
      'a PayPal plan id makes recurring PayPal only, not Stripe',
      { planOver: { paypalPlanId: 'P-1' }, gateways: [STRIPE, PAYPAL] },
      { modes: [['one_off', ['stripe', 'paypal']], ['recurring', ['paypal']]], reasons: [] },
    ],
    [
      'recurring switched off leaves one-off',
      { planOver: { stripePriceId: 'price_1' }, settings: { recurringEnabled: false } as never },
      { modes: [['one_off', ['stripe']]], reasons: ['recurring_off'] },
    ],
    [
      'one-off switched off leaves recurring',
      { planOver: { stripePriceId: 'price_1' }, settings: { oneOffEnabled: false } as never },
      { modes: [['recurring', ['stripe']]], reasons: ['one_off_off'] },
    ],
    ['Plisio alone cannot take recurring', { gateways: [PLISIO] }, { modes: [['one_off', ['plisio']]], reasons: ['no_recurring_gateway'] }],
    [
      'the default gateway is listed first',
      { gateways: [STRIPE, PAYPAL, PLISIO], settings: { defaultGateway: 'plisio' } as never },
      { modes: [['one_off', ['plisio', 'stripe', 'paypal']]], reasons: ['no_recurring_id'] },
    ],
    ['a master with enough sub accounts sees a master-only plan', { planOver: { masterOnly: true, maxSubAccounts: 2 }, member: { isSubAccount: false, subAccounts: 2 } }, { modes: [['one_off', ['stripe']]], reasons: ['no_recurring_id'] }],
  ])('%s', (_name, input, expected) => {
    const settingsOver = (input as { settings?: object }).settings;
    const result = offer({ ...input, settings: { subscriptionEnabled: true, oneOffEnabled: true, recurringEnabled: true, defaultGateway: 'manual', ...settingsOver } });
    expect(result.offered).toBe(true);
    expect(result.modes.map((m) => [m.mode, m.gateways])).toEqual(expected.modes);
    expect(codes(result)).toEqual(expected.reasons);
  });

  it('both ways of paying missing: not offered, and both reasons say why', () => {
    const result = offer({ gateways: [PLISIO], settings: { oneOffEnabled: false } as never });
    expect(result.offered).toBe(false);
    expect(codes(result)).toEqual(['one_off_off', 'no_recurring_gateway']);
    expect(result.reasons.every((r) => r.message.length > 0)).toBe(true);
  });

  it.each<[string, Partial<OfferRoom>, string[]]>([
    ['one location with room: no choice to make', { locations: [EU] }, []],
    ['two locations with room: the customer chooses', { locations: [EU, US] }, ['eu', 'us']],
    ['a member who already has a seat that fits stays put', { locations: [EU, US], hasSeat: true }, []],
    ['a seat that fits is room enough even when every server is full', { locations: [], hasSeat: true }, []],
  ])('%s', (_name, roomOver, expected) => {
    const result = offer({ roomOver });
    expect(result.offered).toBe(true);
    expect(result.locations.map((l) => l.id)).toEqual(expected);
  });

  it('offers nothing per plan that is not in the room map as having room', () => {
    const result = offer({ room: new Map() });
    expect(codes(result)).toContain('no_capacity');
  });
});
