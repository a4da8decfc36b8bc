import { ActionIcon, Alert, AppShell, Badge, Burger, Group, Indicator, NavLink, ScrollArea, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconApi, IconBell, IconUser } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { api, unwrap } from '../../api/client';
import { can, useSession } from '../../app/session';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import { UserMenu } from '../../components/UserMenu';
import { visibleNav, type NavBadge } from './nav';
import { useOperationCounts } from './operations/OperationsPage';

export const UNREAD_ALERTS_KEY = ['admin', 'alerts', 'unread-count'] as const;

export function useUnreadAlerts(enabled: boolean) {
  return useQuery({
    queryKey: UNREAD_ALERTS_KEY,
    queryFn: () => unwrap(api.GET('/api/admin/alerts/unread-count')),
    enabled,
    refetchInterval: 30_000,
  });
}

export function AdminLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const login = useSession().data?.login;
  const canAlerts = can(login, 'alerts.read');
  const unread = useUnreadAlerts(canAlerts).data?.unread ?? 0;
  const operations = useOperationCounts(can(login, 'operations.read')).data;
  const nav = visibleNav((permission) => can(login, permission));
  const isActive = (to: string) => (to === '/admin' ? pathname === '/admin' : pathname.startsWith(to));

  const count = (n: number, color: string, label: string) => (
    <Badge size="sm" color={color} variant="filled" circle={n < 10} aria-label={label}>
      {n > 99 ? '99+' : n}
    </Badge>
  );
  const badge = (kind?: NavBadge) => {
    if (kind === 'alerts' && unread > 0) return count(unread, 'red', `${unread} unread alerts`);
    // Failed operations need the admin; pending ones only say work is on its way.
    if (kind === 'operations' && operations && operations.failed > 0) return count(operations.failed, 'red', `${operations.failed} failed operations`);
    if (kind === 'operations' && operations && operations.pending > 0) return count(operations.pending, 'blue', `${operations.pending} pending operations`);
    return undefined;
  };

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Brand to="/admin" suffix="Admin" />
          </Group>
          <Group gap="xs" wrap="nowrap">
            {canAlerts && (
              <Tooltip label={unread > 0 ? `${unread} unread alerts` : 'Alerts'}>
                <Indicator label={unread > 99 ? '99+' : unread} size={16} color="red" disabled={unread === 0} offset={4}>
                  <ActionIcon component={Link} to="/admin/alerts" variant="default" size="lg" aria-label="Alerts">
                    <IconBell size={18} stroke={1.5} />
                  </ActionIcon>
                </Indicator>
              </Tooltip>
            )}
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Admin menu">
        <AppShell.Section grow component={ScrollArea}>
          {nav.map((entry) =>
            entry.pages ? (
              <NavLink
                key={entry.label}
                label={entry.label}
                leftSection={<entry.icon size={18} stroke={1.5} />}
                defaultOpened
                childrenOffset={28}
              >
                {entry.pages.map((page) => (
                  <NavLink
                    key={page.to}
                    component={RouterNavLink}
                    to={page.to}
                    label={page.label}
                    active={isActive(page.to)}
                    rightSection={badge(page.badge)}
                    onClick={close}
                  />
                ))}
              </NavLink>
            ) : (
              <NavLink
                key={entry.label}
                component={RouterNavLink}
                to={entry.to!}
                end={entry.to === '/admin'}
                label={entry.label}
                leftSection={<entry.icon size={18} stroke={1.5} />}
                active={isActive(entry.to!)}
                rightSection={badge(entry.badge)}
                onClick={close}
              />
            ),
          )}
        </AppShell.Section>
        <AppShell.Section>
          <NavLink component={Link} to="/portal" label="Customer portal" leftSection={<IconUser size={18} stroke={1.5} />} onClick={close} />
          <NavLink component="a" href="/api/docs" target="_blank" label="API documentation" leftSection={<IconApi size={18} stroke={1.5} />} />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        {login?.twoFactorRequired && (
          <Alert color="orange" mb="md" title="Turn on two-factor authentication">
            This site requires staff to use a second factor. Set one up in <Link to="/portal/account">My Account</Link> to use
            the admin panel.
          </Alert>
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
