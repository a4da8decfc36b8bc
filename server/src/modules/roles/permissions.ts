/**
 * Named permissions per admin area. Every /api/admin route declares exactly one; custom roles hold a
 * subset; the built-in Administrator holds "*". Later issues add their areas here.
 */
export const PERMISSIONS = {
  'logins.read': 'See site logins',
  'logins.write': 'Add, edit and delete site logins, set passwords and 2FA',
  'roles.read': 'See roles',
  'roles.write': 'Create, edit and delete custom roles',
  'apikeys.read': 'See API keys',
  'apikeys.write': 'Create and revoke API keys',
  'settings.read': 'See settings',
  'settings.write': 'Change settings',
  'audit.read': 'Read the audit log',
  'alerts.read': 'See admin alerts',
  'alerts.write': 'Mark admin alerts read',
  'jobs.read': 'See jobs and their runs',
  'jobs.write': 'Run jobs now',
  'members.read': 'See members',
  'members.write': 'Change members',
  'payments.read': 'See payments',
  'payments.write': 'Record and change payments',
  'operations.read': 'See remote access operations (pending, failed, done)',
  'operations.write': 'Retry and cancel remote access operations',
  'plans.read': 'See plans',
  'plans.write': 'Change plans',
  'servers.read': 'See servers and libraries',
  'servers.write': 'Change servers and libraries',
  'activity.read': 'See what is playing, stream history and viewers’ IP addresses',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** Whether a role's permission list (possibly containing "*") grants `needed`. */
export function grants(held: readonly string[], needed: Permission): boolean {
  return held.includes('*') || held.includes(needed);
}
