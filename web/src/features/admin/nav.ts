import {
  IconActivity,
  IconBell,
  IconCreditCard,
  IconGauge,
  IconPlayerPlay,
  IconHistory,
  IconServer,
  IconSettings,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';

export interface NavPage {
  label: string;
  to: string;
  permission?: string;
  /** The alerts item carries the unread count; operations the failed (or else pending) count. */
  badge?: NavBadge;
}

export type NavBadge = 'alerts' | 'operations';

export interface NavEntry {
  label: string;
  icon: Icon;
  /** A single page, or a group that opens to its pages. */
  to?: string;
  permission?: string;
  badge?: NavBadge;
  pages?: NavPage[];
}

/**
 * The admin menu, in the reference's groups. A group with no page the login may open is hidden, so
 * Payments & Plans appears only once its panels exist.
 */
export const ADMIN_NAV: NavEntry[] = [
  { label: 'Dashboard', icon: IconGauge, to: '/admin' },
  { label: 'Activity', icon: IconPlayerPlay, to: '/admin/activity', permission: 'activity.read' },
  {
    label: 'Users',
    icon: IconUsers,
    pages: [
      { label: 'Members', to: '/admin/members', permission: 'members.read' },
      { label: 'Logins', to: '/admin/logins', permission: 'logins.read' },
      { label: 'Roles', to: '/admin/roles', permission: 'roles.read' },
    ],
  },
  {
    label: 'Payments & Plans',
    icon: IconCreditCard,
    pages: [
      { label: 'Plans', to: '/admin/plans', permission: 'plans.read' },
      { label: 'Webhook events', to: '/admin/payments/events', permission: 'payments.read' },
    ],
  },
  {
    label: 'Servers & Libraries',
    icon: IconServer,
    pages: [
      { label: 'Servers', to: '/admin/servers', permission: 'servers.read' },
      { label: 'Server Locations', to: '/admin/server-locations', permission: 'servers.read' },
      { label: 'Libraries', to: '/admin/libraries', permission: 'servers.read' },
      { label: 'Library Groups', to: '/admin/library-groups', permission: 'servers.read' },
      { label: 'Shared Servers', to: '/admin/shared-servers', permission: 'members.read' },
      { label: 'Plex Accounts', to: '/admin/plex-accounts', permission: 'servers.read' },
      { label: 'Access changes', to: '/admin/access', permission: 'servers.read' },
      { label: 'Operations', to: '/admin/operations', permission: 'operations.read', badge: 'operations' },
    ],
  },
  {
    label: 'Settings',
    icon: IconSettings,
    pages: [
      { label: 'Site settings', to: '/admin/settings', permission: 'settings.read' },
      { label: 'API keys', to: '/admin/api-keys', permission: 'apikeys.read' },
    ],
  },
  { label: 'Jobs', icon: IconActivity, to: '/admin/jobs', permission: 'jobs.read' },
  { label: 'Alerts', icon: IconBell, to: '/admin/alerts', permission: 'alerts.read', badge: 'alerts' },
  { label: 'Audit log', icon: IconHistory, to: '/admin/audit', permission: 'audit.read' },
];

export function visibleNav(allowed: (permission: string) => boolean): NavEntry[] {
  const ok = (permission?: string) => !permission || allowed(permission);
  return ADMIN_NAV.flatMap((entry) => {
    if (!entry.pages) return ok(entry.permission) ? [entry] : [];
    const pages = entry.pages.filter((page) => ok(page.permission));
    return pages.length > 0 ? [{ ...entry, pages }] : [];
  });
}
