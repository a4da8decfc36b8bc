import { AppShell, Button, Container, Group } from '@mantine/core';
import { Link, Outlet } from 'react-router';
import { homeFor, useSession } from '../../app/session';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import { MAIN_CONTENT_ID, SkipLink } from '../../components/SkipLink';

export function PublicLayout() {
  const session = useSession();
  const login = session.data?.authenticated ? session.data.login : undefined;
  return (
    <>
      <SkipLink />
      <AppShell header={{ height: 60 }} padding={0}>
        <AppShell.Header>
          <Container size="lg" h="100%">
            <Group h="100%" justify="space-between" wrap="nowrap">
              <Brand />
              <Group gap="xs" wrap="nowrap">
                {login ? (
                  <Button component={Link} to={homeFor(login)}>
                    {login.isAdmin ? 'Admin panel' : 'My portal'}
                  </Button>
                ) : (
                  <Button component={Link} to="/login" variant="default">
                    Log in
                  </Button>
                )}
                <ColorSchemeToggle />
              </Group>
            </Group>
          </Container>
        </AppShell.Header>
        <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1}>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </>
  );
}
