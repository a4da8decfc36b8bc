/**
 * What an expired member still gets, and when the next step falls (reference §2.5.7, §2.5.10):
 * right after expiry access is removed (Plex: the share; Jellyfin/Emby: the libraries, the account
 * stays), or, with advanced expiration handling, the grace library groups are shared for N days
 * instead; the remote account is deleted after "delete after N days" (0: at the first pass).
 * The reconciler turns the phase into desired state; the member page lists `nextActions`.
 */
import { DAY_MS } from './calendar.js';
import { memberStatus, type StatusInput } from './member-status.js';

export interface ExpiryPolicy {
  /** Settings → Subscriptions "advanced expiration handling". */
  graceEnabled: boolean;
  /** Days after expiry during which the grace library groups stay shared. */
  graceDays: number;
  graceLibraryGroupIds: readonly string[];
  /** Days after expiry until the remote account is deleted; 0 deletes at the first pass. */
  deleteAfterDays: number;
  /** Payment reminder this many days before the end; 0 or absent: no reminder. */
  reminderDaysBefore?: number;
}

export type AccessPhase =
  /**
   * `until`: when access goes if nobody pays (null: permanent). `expiresAt`: the end of the paid
   * time, from which the grace and the deletion count; earlier than `until` in the renewal grace.
   */
  | { phase: 'active'; until: Date | null; expiresAt: Date | null }
  /** `deleteAt` null: a payment ahead means the member is coming back, so nothing is deleted. */
  | { phase: 'grace'; expiredAt: Date; until: Date; libraryGroupIds: readonly string[]; deleteAt: Date | null }
  /** No libraries; the account is kept until `deleteAt` (null: never, as no expiry date is known). */
  | { phase: 'expired'; expiredAt: Date | null; deleteAt: Date | null }
  | { phase: 'delete'; expiredAt: Date; deleteAt: Date };

export type ScheduledAction = { action: 'reminder' | 'unshare' | 'grace_start' | 'grace_end' | 'delete'; at: Date };

const days = (n: number): number => Math.max(0, n) * DAY_MS;

/**
 * Grace never ends after deletion: when "delete after" is shorter than the grace (0 included),
 * the account is deleted at the end of the grace, since deleting it first would end the grace
 * the operator asked for.
 */
function deletionDelay(policy: ExpiryPolicy): number {
  return Math.max(graceLength(policy), days(policy.deleteAfterDays));
}

/** Grace without any group to share would be plain expiry, so it counts only with groups. */
function graceLength(policy: ExpiryPolicy): number {
  return policy.graceEnabled && policy.graceLibraryGroupIds.length > 0 ? days(policy.graceDays) : 0;
}

export function accessPhase(input: StatusInput, policy: ExpiryPolicy): AccessPhase {
  const status = memberStatus(input);
  if (status.active) {
    const r = status.reason;
    if (r.kind === 'permanent') return { phase: 'active', until: null, expiresAt: null };
    return { phase: 'active', until: r.until, expiresAt: r.kind === 'renewal_grace' ? r.expiredAt : r.until };
  }
  const r = status.reason;
  const expiredAt = r.kind === 'expired' ? r.at : r.kind === 'starts_in_future' ? r.expiredAt : null;
  // Never paid (or only paid ahead): nothing to count from, so nothing is deleted automatically.
  if (!expiredAt) return { phase: 'expired', expiredAt: null, deleteAt: null };

  const now = input.now.getTime();
  // A payment that starts in the future means the member is coming back: keep the account.
  const comingBack = r.kind === 'starts_in_future';
  const deleteAt = new Date(expiredAt.getTime() + deletionDelay(policy));
  const graceUntil = new Date(expiredAt.getTime() + graceLength(policy));
  if (now < graceUntil.getTime()) {
    return {
      phase: 'grace',
      expiredAt,
      until: graceUntil,
      libraryGroupIds: policy.graceLibraryGroupIds,
      deleteAt: comingBack ? null : deleteAt,
    };
  }
  if (comingBack) return { phase: 'expired', expiredAt, deleteAt: null };
  if (now >= deleteAt.getTime()) return { phase: 'delete', expiredAt, deleteAt };
  return { phase: 'expired', expiredAt, deleteAt };
}

/**
 * The dated steps still ahead for the member page ("Explain"), assuming nobody pays meanwhile.
 * Grace and deletion count from the end of the paid time even within the renewal grace, exactly
 * as `accessPhase` will once the renewal grace is over, so the dates shown are the dates applied.
 */
export function nextActions(input: StatusInput, policy: ExpiryPolicy): ScheduledAction[] {
  const phase = accessPhase(input, policy);
  const now = input.now.getTime();
  const out: ScheduledAction[] = [];
  const push = (action: ScheduledAction['action'], at: number): void => {
    if (at >= now) out.push({ action, at: new Date(at) });
  };
  switch (phase.phase) {
    case 'active': {
      if (!phase.until || !phase.expiresAt) return [];
      const loss = phase.until.getTime();
      const expiry = phase.expiresAt.getTime();
      const reminder = policy.reminderDaysBefore ?? 0;
      if (reminder > 0) push('reminder', expiry - days(reminder));
      const graceEnd = expiry + graceLength(policy);
      push(graceEnd > loss ? 'grace_start' : 'unshare', loss);
      if (graceEnd > loss) push('grace_end', graceEnd);
      push('delete', Math.max(loss, expiry + deletionDelay(policy)));
      break;
    }
    case 'grace':
      push('grace_end', phase.until.getTime());
      if (phase.deleteAt) push('delete', phase.deleteAt.getTime());
      break;
    case 'expired':
      if (phase.deleteAt) push('delete', phase.deleteAt.getTime());
      break;
    case 'delete':
      break;
  }
  return out;
}
