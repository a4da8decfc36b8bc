/**
 * Plain words for audit actions and links for their targets, so the audit log and the dashboard
 * read "Signed in · alice@example.com" instead of `auth.login login:01H…`.
 */
export const ACTION_LABELS: Record<string, string> = {
  'alerts.mark_read': 'Marked alerts read',
  'api_key.create': 'Created an API key',
  'api_key.revoke': 'Revoked an API key',
  'auth.2fa_disabled': 'Turned off two-factor sign-in',
  'auth.2fa_enabled': 'Turned on two-factor sign-in',
  'auth.2fa_failed': 'Wrong 2FA code',
  'auth.email_confirmed': 'Confirmed their email',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Failed sign-in',
  'auth.login_locked': 'Sign-in locked after failures',
  'auth.logout': 'Signed out',
  'auth.password_changed': 'Changed their password',
  'auth.password_ok_awaiting_2fa': 'Password accepted, waiting for 2FA',
  'auth.password_reset': 'Reset their password',
  'auth.password_reset_requested': 'Asked for a password reset',
  'auth.register': 'Registered',
  'jobs.run': 'Ran a job now',
  'library.set_group': 'Moved a library to a group',
  'library_group.add': 'Added a library group',
  'library_group.delete': 'Deleted a library group',
  'library_group.rename': 'Renamed a library group',
  'location.add': 'Added a server location',
  'location.delete': 'Deleted a server location',
  'location.rename': 'Renamed a server location',
  'login.create': 'Created a login',
  'login.delete': 'Deleted a login',
  'login.disable': 'Disabled a login',
  'login.enable': 'Enabled a login',
  'login.set_password': 'Set a login’s password',
  'login.set_role': 'Changed a login’s role',
  'login.update_profile': 'Updated a profile',
  'member.delete': 'Deleted a member',
  'member.login_linked': 'Login tied to a member by email',
  'member.reinvite': 'Asked to be re-invited',
  'member.set_permanent': 'Changed a member’s permanent flag',
  'members.import': 'Imported members',
  'plex_account.add': 'Added a Plex account',
  'plex_account.delete': 'Deleted a Plex account',
  'plex_account.update': 'Updated a Plex account',
  'role.create': 'Created a role',
  'role.delete': 'Deleted a role',
  'role.update': 'Changed a role',
  'server.add': 'Added a server',
  'server.delete': 'Deleted a server',
  'server.update': 'Changed a server',
  'settings.update': 'Changed settings',
  'setup.completed': 'Completed first-run setup',
  'setup.headless_admin': 'Created the first admin from the environment',
  'setup.refused': 'Setup refused',
  'system.secret_key_rotated': 'Rotated the secret key',
};

/** "server.update" → "Changed a server"; an unknown action is made readable rather than hidden. */
export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const TARGET_PAGES: Record<string, (id: string) => string> = {
  server: () => '/admin/servers',
  member: (id) => `/admin/members/${encodeURIComponent(id)}`,
  login: () => '/admin/logins',
  location: () => '/admin/server-locations',
  library_group: () => '/admin/library-groups',
  library: () => '/admin/libraries',
  role: () => '/admin/roles',
  api_key: () => '/admin/api-keys',
  plex_account: () => '/admin/plex-accounts',
  job: () => '/admin/jobs',
  settings: (id) => `/admin/settings/${encodeURIComponent(id)}`,
};

const TARGET_NOUNS: Record<string, string> = {
  server: 'Server',
  member: 'Member',
  login: 'Login',
  location: 'Location',
  library_group: 'Library group',
  library: 'Library',
  role: 'Role',
  api_key: 'API key',
  plex_account: 'Plex account',
  job: 'Job',
  settings: 'Settings',
};

export interface TargetView {
  /** What to show: the current name, else a readable kind ("Server (deleted)"). */
  label: string;
  /** Where it lives in the admin; null for targets without a page. */
  href: string | null;
}

export function targetView(entry: { targetType: string | null; targetId: string | null; targetName?: string | null }): TargetView | null {
  if (!entry.targetType) return null;
  const noun = TARGET_NOUNS[entry.targetType] ?? entry.targetType;
  const page = TARGET_PAGES[entry.targetType];
  // Jobs and settings sections are named by their id.
  const named = entry.targetName ?? (entry.targetType === 'job' || entry.targetType === 'settings' ? entry.targetId : null);
  if (!named) return { label: entry.targetId ? `${noun} (deleted)` : noun, href: null };
  return { label: entry.targetType === 'settings' ? `${noun}: ${named}` : named, href: page && entry.targetId ? page(entry.targetId) : null };
}

/** "maxUsers" → "Max users"; keys of details read as words. */
export function humanKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function humanValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? humanKey(v) : humanValue(v))).join(', ');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${humanKey(k)}: ${humanValue(v)}`).join('; ');
  return String(value);
}

/**
 * Details as readable lines: `{fields: ['maxUsers']}` → "Changed: Max users"; `{from, to}` pairs
 * → "Role: Viewer → Admin"; anything else "Key: value".
 */
export function detailLines(details: unknown): string[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [humanValue(details)];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (key === 'fields' && Array.isArray(value)) {
      lines.push(`Changed: ${value.map((f) => humanKey(String(f))).join(', ')}`);
    } else if (value && typeof value === 'object' && !Array.isArray(value) && 'from' in value && 'to' in value) {
      const change = value as { from: unknown; to: unknown };
      lines.push(`${humanKey(key)}: ${humanValue(change.from)} → ${humanValue(change.to)}`);
    } else {
      lines.push(`${humanKey(key)}: ${humanValue(value)}`);
    }
  }
  return lines;
}
