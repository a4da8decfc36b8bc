import { AppShell, Burger, Button, Container, Group, NavLink } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCreditCard, IconHome, IconUserCircle } from '@tabler/icons-react';
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../../app/session';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import { UserMenu } from '../../components/UserMenu';
import '../../styles/app';
import { MAIN_CONTENT_ID, SkipLink } from '../../components/SkipLink';

const LINKS = [
  { to: '/portal', label: 'Home', icon: IconHome, end: true },
  { to: '/portal/subscribe', label: 'Subscribe', icon: IconCreditCard, end: false },
  { to: '/portal/account', label: 'My Account', icon: IconUserCircle, end: false },
];

export function PortalLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const login = useSession().data?.login;
  const isActive = (to: string, end: boolean) => (end ? pathname === to : pathname.startsWith(to));

  return (
    <>
      <SkipLink />
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened, desktop: true } }}
        padding="md"
      >
        <AppShell.Header>
          <Container size="lg" h="100%">
            <Group h="100%" justify="space-between" wrap="nowrap">
              <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
                <Brand to="/portal" />
              </Group>
              <Group gap={4} visibleFrom="sm">
                {LINKS.map((link) => (
                  <Button
                    key={link.to}
                    component={RouterNavLink}
                    to={link.to}
                    end={link.end}
                    variant={isActive(link.to, link.end) ? 'light' : 'subtle'}
                    color={isActive(link.to, link.end) ? undefined : 'gray'}
                  >
                    {link.label}
                  </Button>
                ))}
              </Group>
              <Group gap="xs" wrap="nowrap">
                {login?.isAdmin && (
                  <Button component={Link} to="/admin" variant="default" visibleFrom="xs">
                    Admin panel
                  </Button>
                )}
                <ColorSchemeToggle />
                <UserMenu />
              </Group>
            </Group>
          </Container>
        </AppShell.Header>
        <AppShell.Navbar p="md">
          {LINKS.map((link) => (
            <NavLink
              key={link.to}
              component={RouterNavLink}
              to={link.to}
              end={link.end}
              label={link.label}
              leftSection={<link.icon size={18} stroke={1.5} />}
              active={isActive(link.to, link.end)}
              onClick={close}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1}>
          <Container size="lg" py="md">
            <Outlet />
          </Container>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
