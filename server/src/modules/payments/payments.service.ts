import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { DAY_MS, periodEnd } from '../../domain/calendar.js';
import { adminPlanChange, type AdminPlanChange } from '../../domain/plan-change-credit.js';
import {
  memberStatus,
  nextPeriodStart,
  subscriptionStateOf,
  type MemberStatus,
  type PaymentPeriod,
  type SubscriptionState,
} from '../../domain/member-status.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { MembersRepository } from '../members/members.repository.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository.js';
import type { PaymentRecord, PaymentRow, PaymentsRepository } from './payments.repository.js';

export interface PaymentInput {
  planId: string;
  /** Defaults to the plan's cost. */
  amountMinor?: number | undefined;
  /** Default: where a new pay-as-you-go period starts (end of the covering run, or now). */
  from?: string | undefined;
  /** Default: one plan duration after `from`. */
  to?: string | undefined;
  transactionId?: string | null | undefined;
  sequenceNumber?: number | undefined;
  subscriptionId?: string | null | undefined;
  payerEmail?: string | null | undefined;
  notes?: string | null | undefined;
}

/** The derived status as the API shows it: the state, the rule that decided it, and its dates. */
export interface StatusView {
  state: 'active' | 'expired' | 'permanent';
  reason: 'permanent' | 'payment' | 'renewal_grace' | 'no_payments' | 'expired' | 'starts_in_future';
  /** Active: when access ends (the end of the run of back-to-back payments). */
  until: string | null;
  /** Expired: when the last payment ended. */
  expiredAt: string | null;
  /** Paid in advance: when the next payment starts. */
  startsAt: string | null;
  paymentId: string | null;
  planId: string | null;
  planName: string | null;
}

export interface ImportContext {
  currency: string;
  timeZone: string;
}

const periods = (payments: readonly PaymentRecord[]): PaymentPeriod[] =>
  payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to) }));

/** Payments are the source of truth for who is active (product.md §2); status is derived, never stored. */
export class PaymentsService {
  constructor(
    private readonly repo: PaymentsRepository,
    private readonly plans: PlansRepository,
    private readonly members: MembersRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The access engine's immediate pass for a member whose payments changed (a callback: no import cycle). */
    private readonly memberChanged: (memberId: string) => void = () => undefined,
    /** Gateway subscription states: a live one keeps a member on for the renewal grace. */
    private readonly subscriptions?: SubscriptionsRepository,
  ) {}

  /** What the status derivation needs beyond payments: the members' subscription states and the renewal grace. */
  async renewalContext(memberIds: readonly string[]): Promise<{ states: Map<string, SubscriptionState>; renewalGraceMs: number }> {
    const [statuses, subs] = await Promise.all([
      this.subscriptions?.statusesFor(memberIds) ?? new Map(),
      this.settings.get('subscriptions'),
    ]);
    return {
      states: new Map(memberIds.map((id) => [id, subscriptionStateOf(statuses.get(id) ?? [])])),
      renewalGraceMs: subs.renewalGraceHours * 3_600_000,
    };
  }

  async list(memberId: string): Promise<PaymentRecord[]> {
    await this.liveMember(memberId);
    return this.repo.forMember(memberId);
  }

  async add(memberId: string, input: PaymentInput, actor: Actor): Promise<PaymentRecord> {
    await this.liveMember(memberId);
    const existing = await this.repo.forMember(memberId);
    const row = await this.resolve(memberId, input, existing, null);
    const id = newId();
    await this.repo.insert([{ id, row }], this.clock.now().toISOString(), actor.label ?? actor.id);
    await this.audit.record(
      actor,
      'payment.add',
      { type: 'member', id: memberId },
      { paymentId: id, planId: row.planId, amountMinor: row.amountMinor, currency: row.currency, from: row.from, to: row.to },
    );
    this.memberChanged(memberId);
    return (await this.repo.find(id))!;
  }

  async update(id: string, input: Partial<PaymentInput>, actor: Actor): Promise<PaymentRecord> {
    const current = await this.repo.find(id);
    if (!current) throw notFound('payment_not_found', 'No payment has that id.');
    await this.liveMember(current.memberId);
    const merged: PaymentInput = {
      planId: input.planId ?? current.planId,
      amountMinor: input.amountMinor ?? current.amountMinor,
      from: input.from ?? current.from,
      to: input.to ?? current.to,
      transactionId: input.transactionId !== undefined ? input.transactionId : current.transactionId,
      sequenceNumber: input.sequenceNumber ?? current.sequenceNumber,
      subscriptionId: input.subscriptionId !== undefined ? input.subscriptionId : current.subscriptionId,
      payerEmail: input.payerEmail !== undefined ? input.payerEmail : current.payerEmail,
      notes: input.notes !== undefined ? input.notes : current.notes,
    };
    const row = await this.resolve(current.memberId, merged, [], current);
    await this.repo.update(id, row);
    const changed = Object.keys(input).filter((k) => input[k as keyof PaymentInput] !== undefined);
    await this.audit.record(actor, 'payment.update', { type: 'member', id: current.memberId }, { paymentId: id, fields: changed });
    this.memberChanged(current.memberId);
    return (await this.repo.find(id))!;
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const current = await this.repo.find(id);
    if (!current) throw notFound('payment_not_found', 'No payment has that id.');
    await this.repo.delete(id);
    await this.audit.record(
      actor,
      'payment.delete',
      { type: 'member', id: current.memberId },
      { paymentId: id, amountMinor: current.amountMinor, currency: current.currency, from: current.from, to: current.to },
    );
    this.memberChanged(current.memberId);
  }

  /**
   * Extends a member by `days` with a zero-amount manual payment starting where their paid run ends
   * (or now when lapsed). A new payment rather than a longer old one: the old payment keeps saying
   * what was paid for which period, so its daily rate (and any plan-change credit) stays true.
   */
  async extend(memberId: string, days: number, actor: Actor): Promise<PaymentRecord> {
    await this.liveMember(memberId);
    const existing = await this.repo.forMember(memberId);
    const planId = await this.currentPlanId(existing);
    const from = nextPeriodStart({ permanent: false, payments: periods(existing), now: this.clock.now() });
    const to = new Date(from.getTime() + days * DAY_MS);
    return this.add(
      memberId,
      { planId, amountMinor: 0, from: from.toISOString(), to: to.toISOString(), notes: 'Extended by admin' },
      actor,
    );
  }

  /**
   * Moves a member to another plan now, with credit for the unused time (reference §6.13): every
   * running or paid-ahead payment is cut at now (its amount reduced by its credit, noted on it), and
   * the new plan gets what that time is worth — paid time by value at the new plan's daily rate,
   * free time (imports, extensions) as time. Nobody is charged; gateways are not touched.
   */
  async changePlan(memberId: string, planId: string, actor: Actor): Promise<PaymentRecord> {
    await this.liveMember(memberId);
    const plan = await this.plans.find(planId);
    if (!plan) throw badRequest('unknown_plan', 'No plan has that id.');
    if (plan.masterOnly && (await this.members.findMember(memberId))?.master_member_id)
      throw badRequest('sub_plan_master_only', `The plan ${plan.name} is for masters only; a linked member cannot have it.`);
    const existing = await this.repo.forMember(memberId);
    const now = this.clock.now();
    const status = memberStatus({ permanent: false, payments: periods(existing), now });
    if (!status.active || status.reason.kind === 'permanent')
      throw conflict('no_current_period', 'The member has no paid period running now; record a payment on the new plan instead.');
    const { currency, timeZone } = await this.settings.get('general');
    let change: AdminPlanChange;
    try {
      change = adminPlanChange({
        now,
        periods: existing.map((p) => ({ paymentId: p.id, amountMinor: p.amountMinor, from: new Date(p.from), to: new Date(p.to) })),
        newPlan: { costMinor: plan.costMinor, duration: plan.duration },
        timeZone,
      });
    } catch (error) {
      if (error instanceof RangeError)
        throw conflict('plan_change_out_of_range', `The credit cannot be turned into time on ${plan.name}: ${error.message}.`);
      throw error;
    }
    if (change.payments.length === 0)
      throw conflict('no_credit', 'The unused time is worth nothing on the new plan; record a payment on the new plan instead.');
    const money = (minor: number) => `${minor} ${currency} minor units`;
    const byId = new Map(existing.map((p) => [p.id, p]));
    const inserted = change.payments.map((p) => ({
      id: newId(),
      row: {
        memberId,
        planId: plan.id,
        amountMinor: p.amountMinor,
        currency,
        from: p.from.toISOString(),
        to: p.to.toISOString(),
        gateway: 'manual',
        transactionId: null,
        sequenceNumber: 0,
        subscriptionId: null,
        payerEmail: null,
        notes:
          p.kind === 'credit'
            ? `Plan changed by admin: credit of ${money(p.amountMinor)} for unused time on the previous plan.`
            : `Plan changed by admin: unpaid time carried over from the previous plan${change.unappliedCreditMinor ? ` (credit of ${money(change.unappliedCreditMinor)} not applied: the new plan is free)` : ''}.`,
      },
    }));
    await this.repo.transaction(async (trx) => {
      for (const a of change.adjustments) {
        const old = byId.get(a.paymentId)!;
        const note = `Ended early by a plan change${a.creditMinor ? `; credit of ${money(a.creditMinor)} moved to the new plan` : ''}.`;
        await this.repo.update(
          a.paymentId,
          { ...old, to: a.newTo.toISOString(), amountMinor: a.newAmountMinor, notes: old.notes ? `${old.notes}\n${note}` : note },
          trx,
        );
      }
      await this.repo.insert(inserted, now.toISOString(), actor.label ?? actor.id, trx);
    });
    await this.audit.record(
      actor,
      'payment.plan_change',
      { type: 'member', id: memberId },
      {
        planId: plan.id,
        creditMinor: change.creditMinor,
        unappliedCreditMinor: change.unappliedCreditMinor,
        endedPaymentIds: change.adjustments.map((a) => a.paymentId),
        paymentIds: inserted.map((p) => p.id),
        until: inserted.at(-1)!.row.to,
      },
    );
    this.memberChanged(memberId);
    return (await this.repo.find(inserted[0]!.id))!;
  }

  /** The plan a member is on: the covering payment's, else the latest payment's, else none. */
  async planOf(memberId: string): Promise<string | null> {
    const existing = await this.repo.forMember(memberId);
    const view = this.statusOf({ permanent: false }, existing);
    return view.planId ?? existing[0]?.planId ?? null;
  }

  private async currentPlanId(existing: readonly PaymentRecord[]): Promise<string> {
    const view = this.statusOf({ permanent: false }, existing);
    const planId = view.planId ?? existing[0]?.planId ?? (await this.plans.findDefault())?.id;
    if (!planId) throw conflict('no_default_plan', 'The member has no plan yet and no plan is marked as the default.');
    return planId;
  }

  /** Status of one member from their payments. */
  statusOf(
    member: { permanent: boolean },
    payments: readonly PaymentRecord[],
    renewal?: { subscription: SubscriptionState; renewalGraceMs: number },
  ): StatusView {
    return toView(memberStatus({ permanent: member.permanent, payments: periods(payments), now: this.clock.now(), ...renewal }), payments);
  }

  /** Statuses of a page of members, with one payments query. */
  async statuses(members: readonly { id: string; permanent: boolean }[]): Promise<Map<string, StatusView>> {
    const all = await this.repo.forMembers(members.map((m) => m.id));
    const { states, renewalGraceMs } = await this.renewalContext(members.map((m) => m.id));
    return new Map(
      members.map((m) => [
        m.id,
        this.statusOf(
          m,
          all.filter((p) => p.memberId === m.id),
          { subscription: states.get(m.id) ?? 'none', renewalGraceMs },
        ),
      ]),
    );
  }

  /** Read before an import transaction opens (SQLite has one connection: no reads beside a transaction). */
  async importContext(): Promise<ImportContext> {
    const general = await this.settings.get('general');
    return { currency: general.currency, timeZone: general.timeZone };
  }

  /**
   * Imported members who are not permanent get a default-plan payment, so they are active until
   * the date the admin chose, or one default-plan period. Zero amount: nobody paid Usher for it.
   */
  async recordImported(
    memberIds: readonly string[],
    until: string | null,
    ctx: ImportContext,
    actor: Actor,
    trx: Transaction<Database>,
  ): Promise<void> {
    if (memberIds.length === 0) return;
    const plan = await this.plans.findDefault(trx);
    if (!plan) throw conflict('no_default_plan', 'Mark one plan as the default before importing members.');
    const now = this.clock.now();
    const to = until ?? periodEnd(now, plan.duration, ctx.timeZone).toISOString();
    const rows = memberIds.map((memberId) => ({
      id: newId(),
      row: {
        memberId,
        planId: plan.id,
        amountMinor: 0,
        currency: ctx.currency,
        from: now.toISOString(),
        to,
        gateway: 'manual',
        transactionId: null,
        sequenceNumber: 0,
        subscriptionId: null,
        payerEmail: null,
        notes: 'Recorded on import.',
      },
    }));
    await this.repo.insert(rows, now.toISOString(), actor.label ?? actor.id, trx);
  }

  /**
   * Validates the first payment of a member being created (the admin's invite) and returns the row
   * to insert in the caller's transaction: same rules as `add`, nothing recorded yet.
   */
  prepareFirst(memberId: string, input: PaymentInput): Promise<PaymentRow> {
    return this.resolve(memberId, input, [], null);
  }

  async insertPrepared(id: string, row: PaymentRow, actor: Actor, trx: Transaction<Database>): Promise<void> {
    await this.repo.insert([{ id, row }], this.clock.now().toISOString(), actor.label ?? actor.id, trx);
  }

  private async liveMember(memberId: string) {
    const member = await this.members.findMember(memberId);
    if (!member || member.deleted_at) throw notFound('member_not_found', 'No member has that id.');
    return member;
  }

  private async resolve(
    memberId: string,
    input: PaymentInput,
    existing: readonly PaymentRecord[],
    current: PaymentRecord | null,
  ): Promise<PaymentRow> {
    const plan = await this.plans.find(input.planId);
    if (!plan) throw badRequest('unknown_plan', 'No plan has that id.');
    if (plan.masterOnly && (await this.members.findMember(memberId))?.master_member_id)
      throw badRequest('sub_plan_master_only', `The plan ${plan.name} is for masters only; a linked member cannot have it.`);
    const { currency, timeZone } = await this.settings.get('general');
    const now = this.clock.now();
    // A member kept on by the renewal grace has used the time since `to`: a late renewal continues from `to`.
    const renewal = input.from ? null : await this.renewalContext([memberId]);
    const from = input.from
      ? new Date(input.from)
      : nextPeriodStart({
          permanent: false,
          payments: periods(existing),
          now,
          subscription: renewal!.states.get(memberId)!,
          renewalGraceMs: renewal!.renewalGraceMs,
        });
    const to = input.to ? new Date(input.to) : periodEnd(from, plan.duration, timeZone);
    if (to.getTime() <= from.getTime()) throw badRequest('period_invalid', 'A payment period must end after it starts.');
    const gateway = current?.gateway ?? 'manual';
    const transactionId = input.transactionId?.trim() || null;
    const sequenceNumber = input.sequenceNumber ?? 0;
    if (transactionId) {
      const clash = await this.repo.findByTransaction(gateway, transactionId, sequenceNumber);
      if (clash && clash !== current?.id) {
        throw conflict(
          'duplicate_transaction',
          `A ${gateway} payment with transaction id ${transactionId} and sequence number ${sequenceNumber} is already recorded.`,
        );
      }
    }
    return {
      memberId,
      planId: plan.id,
      amountMinor: input.amountMinor ?? plan.costMinor,
      // An edited payment keeps the currency it was paid in; a new one is in the site currency.
      currency: current?.currency ?? currency,
      from: from.toISOString(),
      to: to.toISOString(),
      gateway,
      transactionId,
      sequenceNumber,
      subscriptionId: input.subscriptionId?.trim() || null,
      payerEmail: input.payerEmail?.trim().toLowerCase() || null,
      notes: input.notes?.trim() || null,
    };
  }
}

function toView(status: MemberStatus, payments: readonly PaymentRecord[]): StatusView {
  const base = { until: null, expiredAt: null, startsAt: null, paymentId: null, planId: null, planName: null };
  const withPlan = (paymentId: string) => {
    const p = payments.find((x) => x.id === paymentId);
    return { paymentId, planId: p?.planId ?? null, planName: p?.planName ?? null };
  };
  if (status.active) {
    const r = status.reason;
    if (r.kind === 'permanent') return { ...base, state: 'permanent', reason: 'permanent' };
    return { ...base, state: 'active', reason: r.kind, until: r.until.toISOString(), ...withPlan(r.paymentId) };
  }
  const r = status.reason;
  if (r.kind === 'no_payments') return { ...base, state: 'expired', reason: 'no_payments' };
  if (r.kind === 'expired')
    return { ...base, state: 'expired', reason: 'expired', expiredAt: r.at.toISOString(), ...withPlan(r.paymentId) };
  return {
    ...base,
    state: 'expired',
    reason: 'starts_in_future',
    startsAt: r.startsAt.toISOString(),
    expiredAt: r.expiredAt?.toISOString() ?? null,
    ...withPlan(r.paymentId),
  };
}
