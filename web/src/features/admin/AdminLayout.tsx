import { ActionIcon, Alert, AppShell, Burger, Group, Indicator, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet } from 'react-router';
import { api, unwrap } from '../../api/client';
import { can, useSession } from '../../app/session';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import { UserMenu } from '../../components/UserMenu';
import '../../styles/app';
import { AdminNav } from './AdminNav';
import { visibleNav } from './nav';
import { useOperationCounts } from './operations/operation-counts';
import { MAIN_CONTENT_ID, SkipLink } from '../../components/SkipLink';

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
  const login = useSession().data?.login;
  const canAlerts = can(login, 'alerts.read');
  const unread = useUnreadAlerts(canAlerts).data?.unread ?? 0;
  const operations = useOperationCounts(can(login, 'operations.read')).data;
  const nav = visibleNav((permission) => can(login, permission));

  return (
    <>
      <SkipLink />
      <AppShell header={{ height: 60 }} navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Toggle navigation"
                aria-expanded={opened}
                aria-controls="admin-menu"
              />
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

        <AppShell.Navbar p="sm" aria-label="Admin menu" id="admin-menu">
          <AdminNav nav={nav} unreadAlerts={unread} operations={operations} onNavigate={close} />
        </AppShell.Navbar>

        <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1}>
          {login?.twoFactorRequired && (
            <Alert color="orange" mb="md" title="Turn on two-factor authentication">
              This site requires staff to use a second factor. Set one up in <Link to="/portal/account">My Account</Link> to use the admin
              panel.
            </Alert>
          )}
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </>
  );
}
