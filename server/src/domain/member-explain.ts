/**
 * "Explain" on the member page (issue 8 point 7): the member's status and why, and the dated steps
 * still ahead, computed with the very rules the reconciler applies (member-status, access-phase),
 * so what the admin reads is what will happen. Pure: the service loads the inputs.
 */
import { accessPhase, nextActions, type AccessPhase, type ExpiryPolicy, type ScheduledAction } from './access-phase.js';
import { DAY_MS } from './calendar.js';
import { memberStatus, type PaymentPeriod, type SubscriptionState } from './member-status.js';

export interface ExplainPayment extends PaymentPeriod {
  planName: string;
}

export interface ExplainInput {
  now: Date;
  permanent: boolean;
  payments: readonly ExplainPayment[];
  /** Set for a linked (sub) member: its own payments do not count, the master's do (reference §2.14). */
  master?: { id: string; label: string; permanent: boolean; payments: readonly ExplainPayment[] } | null;
  subscription?: SubscriptionState;
  renewalGraceMs: number;
  policy: ExpiryPolicy;
  /** Settings → Payment reminders: days before the end; empty when reminders are off. */
  reminderDaysBefore: readonly number[];
}

export type ExplainReason =
  | { code: 'permanent' }
  | { code: 'payment'; paymentId: string; planName: string; from: Date; to: Date; until: Date }
  | { code: 'renewal_grace'; paymentId: string; expiredAt: Date; until: Date }
  | { code: 'no_payments' }
  | { code: 'expired'; paymentId: string; at: Date }
  | { code: 'starts_in_future'; paymentId: string; startsAt: Date; expiredAt: Date | null };

export interface ExplainAction {
  action: ScheduledAction['action'];
  at: Date;
  message: string;
}

export interface Explanation {
  state: 'active' | 'expired' | 'permanent';
  phase: AccessPhase['phase'];
  reason: ExplainReason;
  /** The master whose status this (sub) member follows. */
  followsMaster: { id: string; label: string } | null;
  /** One or two sentences for the admin. */
  summary: string;
  nextActions: ExplainAction[];
}

/** Minutes precision, UTC: what the admin compares with the operations list. */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function reasonOf(input: {
  permanent: boolean;
  payments: readonly ExplainPayment[];
  now: Date;
  subscription?: SubscriptionState;
  renewalGraceMs: number;
}): ExplainReason {
  const status = memberStatus(input);
  const r = status.reason;
  switch (r.kind) {
    case 'permanent':
      return { code: 'permanent' };
    case 'payment': {
      const p = input.payments.find((x) => x.id === r.paymentId)!;
      return { code: 'payment', paymentId: p.id, planName: p.planName, from: p.from, to: p.to, until: r.until };
    }
    case 'renewal_grace':
      return { code: 'renewal_grace', paymentId: r.paymentId, expiredAt: r.expiredAt, until: r.until };
    case 'no_payments':
      return { code: 'no_payments' };
    case 'expired':
      return { code: 'expired', paymentId: r.paymentId, at: r.at };
    case 'starts_in_future':
      return { code: 'starts_in_future', paymentId: r.paymentId, startsAt: r.startsAt, expiredAt: r.expiredAt };
  }
}

function reasonSentence(reason: ExplainReason): string {
  switch (reason.code) {
    case 'permanent':
      return 'Permanent: always active, whatever the payments say.';
    case 'payment':
      return `Active: the ${reason.planName} payment of ${formatUtc(reason.from)} to ${formatUtc(reason.to)} covers now${reason.until.getTime() > reason.to.getTime() ? `, and payments that follow it run until ${formatUtc(reason.until)}` : ''}.`;
    case 'renewal_grace':
      return `The paid time ended at ${formatUtc(reason.expiredAt)}, but the gateway subscription is still live, so the member stays active until ${formatUtc(reason.until)} while the renewal arrives.`;
    case 'no_payments':
      return 'Expired: no payment has been recorded for this member.';
    case 'expired':
      return `Expired: no payment covers now; the last one ended at ${formatUtc(reason.at)}.`;
    case 'starts_in_future':
      return `Not active yet: no payment covers now; the next one starts at ${formatUtc(reason.startsAt)}.`;
  }
}

function phaseSentence(phase: AccessPhase): string {
  switch (phase.phase) {
    case 'active':
      return '';
    case 'grace':
      return ` Only the grace library groups stay shared, until ${formatUtc(phase.until)}.`;
    case 'expired':
      return phase.deleteAt
        ? ` The libraries are removed; the account is deleted at ${formatUtc(phase.deleteAt)}.`
        : ' The libraries are removed; the account is kept, as there is no expiry to count from or a payment is ahead.';
    case 'delete':
      return ' The account is past its deletion date and is removed at the next pass.';
  }
}

const ACTION_MESSAGES: Record<ScheduledAction['action'], string> = {
  reminder: 'Payment reminder sent',
  unshare: 'Libraries removed (Plex: the share; Jellyfin/Emby: the account keeps no libraries)',
  grace_start: 'Access narrowed to the grace library groups',
  grace_end: 'Grace library groups removed',
  delete: 'Remote account deleted',
};

export function explainMember(input: ExplainInput): Explanation {
  const source = input.master
    ? { permanent: input.master.permanent, payments: input.master.payments }
    : { permanent: input.permanent, payments: input.payments };
  const statusInput = {
    ...source,
    now: input.now,
    renewalGraceMs: input.renewalGraceMs,
    ...(input.subscription ? { subscription: input.subscription } : {}),
  };
  const reason = reasonOf(statusInput);
  const phase = accessPhase(statusInput, input.policy);
  const status = memberStatus(statusInput);
  const state = reason.code === 'permanent' ? 'permanent' : status.active ? 'active' : 'expired';

  const actions: ExplainAction[] = nextActions(statusInput, { ...input.policy, reminderDaysBefore: 0 }).map((a) => ({
    ...a,
    message: ACTION_MESSAGES[a.action],
  }));
  // Reminders go to whoever pays: a sub's master is reminded, not the sub.
  if (!input.master && phase.phase === 'active' && phase.expiresAt) {
    for (const days of new Set(input.reminderDaysBefore)) {
      if (days <= 0) continue;
      const at = new Date(phase.expiresAt.getTime() - days * DAY_MS);
      if (at.getTime() >= input.now.getTime())
        actions.push({
          action: 'reminder',
          at,
          message: `${ACTION_MESSAGES.reminder} (${days} day${days === 1 ? '' : 's'} before the end)`,
        });
    }
  }
  actions.sort((a, b) => a.at.getTime() - b.at.getTime());

  const followsMaster = input.master ? { id: input.master.id, label: input.master.label } : null;
  const prefix = followsMaster ? `Linked to ${followsMaster.label}: follows the master's status. ` : '';
  return {
    state,
    phase: phase.phase,
    reason,
    followsMaster,
    summary: `${prefix}${reasonSentence(reason)}${phaseSentence(phase)}`,
    nextActions: actions,
  };
}
