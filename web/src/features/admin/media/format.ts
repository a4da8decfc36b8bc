export type ServerKind = 'plex' | 'jellyfin' | 'emby';

export const KIND_LABEL: Record<ServerKind, string> = { plex: 'Plex', jellyfin: 'Jellyfin', emby: 'Emby' };
export const KIND_COLOR: Record<ServerKind, string> = { plex: 'yellow', jellyfin: 'grape', emby: 'green' };

export interface Capacity {
  /** 0–100 for the bar; 0 when unlimited. */
  percent: number;
  label: string;
  color: string;
  unlimited: boolean;
  full: boolean;
}

/** How full a server is with the members Usher tracks; maxUsers 0 means no limit. */
export function capacity(members: number, maxUsers: number): Capacity {
  if (maxUsers <= 0) return { percent: 0, label: `${members} · unlimited`, color: 'blue', unlimited: true, full: false };
  const ratio = members / maxUsers;
  const percent = Math.min(100, Math.round(ratio * 100));
  const color = ratio >= 1 ? 'red' : ratio >= 0.9 ? 'orange' : 'teal';
  return { percent, label: `${members} / ${maxUsers}`, color, unlimited: false, full: ratio >= 1 };
}

export const SERVER_STATUS: Record<string, { label: string; color: string }> = {
  ok: { label: 'OK', color: 'green' },
  unknown: { label: 'Not synced', color: 'gray' },
  unreachable: { label: 'Unreachable', color: 'red' },
  unauthorized: { label: 'Credentials refused', color: 'red' },
  machine_id_changed: { label: 'Identity changed', color: 'orange' },
  removals_held: { label: 'Removals held', color: 'orange' },
  rate_limited: { label: 'Rate limited', color: 'orange' },
};

export function serverStatus(status: string): { label: string; color: string; problem: boolean } {
  const known = SERVER_STATUS[status];
  return { ...(known ?? { label: status.replace(/_/g, ' '), color: 'red' }), problem: status !== 'ok' && status !== 'unknown' };
}

export const SHARE_STATE: Record<string, { label: string; color: string }> = {
  active: { label: 'Accepted', color: 'green' },
  pending: { label: 'Invite pending', color: 'yellow' },
  disabled: { label: 'Disabled', color: 'gray' },
};

export function shareState(state: string): { label: string; color: string } {
  return SHARE_STATE[state] ?? { label: state, color: 'gray' };
}

export const TOKEN_STATUS: Record<string, { label: string; color: string }> = {
  valid: { label: 'Valid', color: 'green' },
  invalid: { label: 'Invalid', color: 'red' },
  unchecked: { label: 'Unchecked', color: 'gray' },
};

export function tokenStatus(status: string): { label: string; color: string } {
  return TOKEN_STATUS[status] ?? { label: status, color: 'gray' };
}

/** Plex Pass as the account shows it: what is used, and where it comes from. */
export function plexPassText(account: { hasPlexPass: boolean; detectedPlexPass: boolean; plexPassOverride: boolean | null }): { value: string; source: string } {
  const value = account.hasPlexPass ? 'Yes' : 'No';
  if (account.plexPassOverride === null) return { value, source: 'detected' };
  return { value, source: `set by hand; plex.tv says ${account.detectedPlexPass ? 'yes' : 'no'}` };
}

/** `YYYY-MM-DD` from a date input → the end of that day in the admin's time zone, as ISO; null when not a future date. */
export function expiryFromDate(date: string, now = new Date()): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999);
  if (Number.isNaN(end.getTime()) || end.getDate() !== Number(match[3]) || end <= now) return null;
  return end.toISOString();
}

/** The value a date input starts with: `days` from today, local time. */
export function dateInputValue(days: number, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
