import { explainMember, type ExplainPayment, type ExplainReason } from '../../domain/member-explain.js';
import { coveringPayment } from '../../domain/member-status.js';
import type { Clock } from '../../platform/clock.js';
import type { OperationsService } from '../operations/operations.service.js';
import type { PaymentRecord, PaymentsRepository } from '../payments/payments.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { MembersService } from './members.service.js';

/** Operations listed on the member page; older ones stay on the Operations page. */
const OPERATIONS_SHOWN = 50;

const toPeriods = (payments: readonly PaymentRecord[]): ExplainPayment[] =>
  payments.map((p) => ({ id: p.id, from: new Date(p.from), to: new Date(p.to), planName: p.planName }));
const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

function flatReason(r: ExplainReason) {
  return {
    code: r.code,
    paymentId: 'paymentId' in r ? r.paymentId : null,
    planName: r.code === 'payment' ? r.planName : null,
    from: r.code === 'payment' ? iso(r.from) : null,
    to: r.code === 'payment' ? iso(r.to) : null,
    until: r.code === 'payment' || r.code === 'renewal_grace' ? iso(r.until) : null,
    expiredAt: r.code === 'expired' ? iso(r.at) : r.code === 'renewal_grace' || r.code === 'starts_in_future' ? iso(r.expiredAt) : null,
    startsAt: r.code === 'starts_in_future' ? iso(r.startsAt) : null,
  };
}

/** Loads what "Explain" needs and lets the pure domain function decide (domain/member-explain.ts). */
export class MemberExplainService {
  constructor(
    private readonly members: MembersService,
    private readonly payments: PaymentsRepository,
    private readonly settings: SettingsService,
    private readonly operations: OperationsService,
    private readonly clock: Clock,
  ) {}

  async explain(id: string) {
    const member = await this.members.detail(id);
    const now = this.clock.now();
    const [subs, reminders, own, ops] = await Promise.all([
      this.settings.get('subscriptions'),
      this.settings.get('reminders'),
      this.payments.forMember(id),
      this.operations.list({ memberId: id, offset: 0, limit: OPERATIONS_SHOWN }),
    ]);
    let master = null;
    if (member.masterMemberId) {
      const m = await this.members.detail(member.masterMemberId).catch(() => null);
      if (m)
        master = {
          id: m.id,
          label: m.displayName ?? m.username ?? m.email ?? m.id,
          permanent: m.permanent,
          payments: toPeriods(await this.payments.forMember(m.id)),
        };
    }
    const explanation = explainMember({
      now,
      permanent: member.permanent,
      payments: toPeriods(own),
      master,
      renewalGraceMs: subs.renewalGraceHours * 3_600_000,
      policy: {
        graceEnabled: subs.advancedExpirationEnabled,
        graceDays: subs.graceDays,
        graceLibraryGroupIds: subs.graceLibraryGroupIds,
        deleteAfterDays: subs.deleteAfterDays,
      },
      reminderDaysBefore: reminders.enabled ? reminders.daysPrior : [],
    });
    const covering = coveringPayment(toPeriods(own), now);
    return {
      state: explanation.state,
      phase: explanation.phase,
      reason: flatReason(explanation.reason),
      followsMaster: explanation.followsMaster,
      summary: explanation.summary,
      nextActions: explanation.nextActions.map((a) => ({ action: a.action, at: a.at.toISOString(), message: a.message })),
      payments: own
        .map((p) => ({
          id: p.id,
          planName: p.planName,
          amountMinor: p.amountMinor,
          currency: p.currency,
          from: p.from,
          to: p.to,
          gateway: p.gateway,
          transactionId: p.transactionId,
          coversNow: p.id === covering?.id,
        }))
        .sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0)),
      operations: ops.items.map((o) => ({
        id: o.id,
        kind: o.kind,
        serverId: o.serverId,
        serverName: o.serverName,
        status: o.status,
        attempts: o.attempts,
        lastError: o.lastError,
        createdAt: o.createdAt,
        appliedAt: o.appliedAt,
        nextAttemptAt: o.nextAttemptAt,
      })),
      operationsTotal: ops.total,
    };
  }
}
