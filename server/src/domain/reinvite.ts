/**
 * "Re-invite me" on My Account (reference §4.4): who may ask Usher to share their server again,
 * and the plain words My Account uses for the member's status, server and pending changes. Pure,
 * so the rule the button shows is the rule the endpoint applies.
 */

/** One request per member per this long: each one reads the member's server and may queue a share. */
export const REINVITE_INTERVAL_MS = 15 * 60_000;

export type ReinviteRefusalCode =
  | 'reinvite_disabled'
  | 'member_not_active'
  | 'plex_account_change_required'
  | 'server_sync_off'
  | 'nothing_to_reinvite'
  | 'reinvite_rate_limited';

export interface ReinviteRefusal {
  code: ReinviteRefusalCode;
  status: 403 | 409 | 429;
  message: string;
  /** With reinvite_rate_limited: when the member may ask again. */
  retryAt?: Date;
}

export interface ReinviteInput {
  /** Settings → Miscellaneous → Re-invite button. */
  enabled: boolean;
  /** Active or permanent now (a linked member: its master's status). */
  active: boolean;
  requiresPlexAccountChange: boolean;
  /** Settings → Media server → Sync shared libraries: without it Usher writes nothing to servers. */
  syncSharedLibraries: boolean;
  /** The member has an account on an enabled server, or was shared on one before. */
  hasServer: boolean;
  lastRequestedAt: Date | null;
  now: Date;
}

/** null: the request may go ahead. Checked in this order, so the member sees the reason that matters most. */
export function reinviteRefusal(input: ReinviteInput): ReinviteRefusal | null {
  if (!input.enabled)
    return {
      code: 'reinvite_disabled',
      status: 403,
      message: 'Re-inviting yourself is turned off on this site. Contact the administrator.',
    };
  if (!input.active)
    return { code: 'member_not_active', status: 409, message: 'Your subscription is not active. Renew it to get your server access back.' };
  if (input.requiresPlexAccountChange) {
    return {
      code: 'plex_account_change_required',
      status: 409,
      message: 'You must change your Plex account before you can be re-invited. Contact the administrator.',
    };
  }
  if (!input.syncSharedLibraries) {
    return {
      code: 'server_sync_off',
      status: 409,
      message: 'Usher does not change the servers yet, so it cannot re-invite you. Contact the administrator.',
    };
  }
  if (!input.hasServer)
    return {
      code: 'nothing_to_reinvite',
      status: 409,
      message: 'You are not on any server yet, so there is nothing to re-invite you to. Contact the administrator.',
    };
  if (input.lastRequestedAt) {
    const retryAt = new Date(input.lastRequestedAt.getTime() + REINVITE_INTERVAL_MS);
    if (retryAt.getTime() > input.now.getTime()) {
      const minutes = Math.max(1, Math.ceil((retryAt.getTime() - input.now.getTime()) / 60_000));
      return {
        code: 'reinvite_rate_limited',
        status: 429,
        message: `You asked for a re-invite a moment ago. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        retryAt,
      };
    }
  }
  return null;
}

export interface StatusFacts {
  state: 'active' | 'expired' | 'permanent';
  reason: 'permanent' | 'payment' | 'renewal_grace' | 'no_payments' | 'expired' | 'starts_in_future';
  until: string | null;
  expiredAt: string | null;
  startsAt: string | null;
}

export function formatDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}

/** The one sentence at the top of the Subscription card. */
export function statusSentence(status: StatusFacts, timeZone: string): string {
  switch (status.reason) {
    case 'permanent':
      return 'Your access is permanent: it never expires.';
    case 'payment':
      return status.until ? `Your subscription is active until ${formatDay(status.until, timeZone)}.` : 'Your subscription is active.';
    case 'renewal_grace':
      return status.until
        ? `Your paid period has ended; your renewal is expected, so you keep access until ${formatDay(status.until, timeZone)}.`
        : 'Your paid period has ended; your renewal is expected.';
    case 'expired':
      return status.expiredAt ? `Your subscription expired on ${formatDay(status.expiredAt, timeZone)}.` : 'Your subscription has expired.';
    case 'starts_in_future':
      return status.startsAt
        ? `Your next paid period starts on ${formatDay(status.startsAt, timeZone)}.`
        : 'Your next paid period has not started yet.';
    case 'no_payments':
      return 'You have no subscription yet.';
  }
}

export type ServerKind = 'plex' | 'jellyfin' | 'emby';
export type AccountState = 'active' | 'pending' | 'disabled' | 'removed';

/** How the member gets onto this server, in the words of its kind. */
export function inviteInstructions(input: {
  kind: ServerKind;
  serverName: string;
  state: AccountState;
  username: string | null;
  email: string | null;
  address: string | null;
}): string {
  if (input.kind === 'plex') {
    const where = input.email ? `the email Plex sent to ${input.email}` : 'the email Plex sent you';
    if (input.state === 'pending')
      return `Your invite to ${input.serverName} is waiting: accept it from ${where}, or sign in at https://app.plex.tv and accept the pending invite there.`;
    if (input.state === 'removed')
      return `You are no longer shared on ${input.serverName}. Use "Re-invite me" to get a new invite, then accept it at https://app.plex.tv.`;
    return `Open the Plex app or https://app.plex.tv and choose ${input.serverName}.`;
  }
  const app = input.kind === 'jellyfin' ? 'Jellyfin' : 'Emby';
  const at = input.address ? ` at ${input.address}` : '';
  const who = input.username ? ` with the username ${input.username}` : '';
  if (input.state === 'disabled') return `Your ${app} account on ${input.serverName} is disabled. Use "Re-invite me" to enable it again.`;
  return `Sign in to ${app}${at}${who}. If you do not know your password, ask the administrator to reset it.`;
}

export type OperationKind = 'provision' | 'grant' | 'revoke' | 'delete';
export type OperationStatus = 'pending' | 'running' | 'failed';

/** A queued or failed change to the member's server access, as the member reads it. */
export function operationSentence(op: {
  kind: OperationKind;
  status: OperationStatus;
  serverKind: ServerKind;
  serverName: string;
  attempts: number;
}): string {
  const what: Record<OperationKind, string> = {
    provision: op.serverKind === 'plex' ? `sending your invite to ${op.serverName}` : `creating your account on ${op.serverName}`,
    grant: `updating your libraries on ${op.serverName}`,
    revoke: `removing your libraries on ${op.serverName}`,
    delete: `removing your account from ${op.serverName}`,
  };
  const action = what[op.kind];
  const sentence = action.charAt(0).toUpperCase() + action.slice(1);
  if (op.status === 'failed') return `${sentence} failed. The administrator has been told.`;
  if (op.attempts > 0) return `${sentence}: the server did not answer yet; Usher keeps trying.`;
  return `${sentence}: this usually takes less than a minute.`;
}
