import { Button, Container, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconDevices, IconKey, IconMovie } from '@tabler/icons-react';
import { Link, Navigate } from 'react-router';
import { homeFor, usePublicSite, useSession } from '../../app/session';

const FEATURES = [
  { icon: IconMovie, title: 'Your favourite servers', text: 'One subscription gives you access to the libraries of the servers run by this site.' },
  { icon: IconDevices, title: 'Every device', text: 'Watch with the Plex, Jellyfin or Emby apps on your TV, phone or browser.' },
  { icon: IconKey, title: 'Your account, your way', text: 'Manage your subscription, password and two-factor authentication yourself.' },
];

export function HomePage() {
  const site = usePublicSite();
  const session = useSession();
  const login = session.data?.authenticated ? session.data.login : undefined;
  const siteName = site.data?.siteName ?? 'Usher';
  // An operator can keep the home page private; visitors then go straight to the login.
  if (site.data && !site.data.homePagePublic && !login && !session.isPending) return <Navigate to="/login" replace />;

  return (
    <Container size="lg" py={{ base: 40, sm: 80 }}>
      <Stack align="center" gap="lg" ta="center">
        <Title order={1} fz={{ base: 34, sm: 48 }}>
          Welcome to {siteName}
        </Title>
        <Text size="lg" c="dimmed" maw={620}>
          Streaming access to our media servers, with your own account to follow your subscription.
        </Text>
        <Group justify="center">
          {login ? (
            <Button size="md" component={Link} to={homeFor(login)}>
              Continue to {login.isAdmin ? 'the admin panel' : 'your portal'}
            </Button>
          ) : (
            <>
              <Button size="md" component={Link} to="/login">
                Log in
              </Button>
              {site.data?.registrationEnabled !== false && (
                <Button size="md" variant="default" component={Link} to="/register">
                  Register
                </Button>
              )}
            </>
          )}
        </Group>
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xl" mt={{ base: 48, sm: 80 }}>
        {FEATURES.map((feature) => (
          <Stack key={feature.title} gap="xs">
            <ThemeIcon size={44} radius="md" variant="light">
              <feature.icon size={24} stroke={1.5} />
            </ThemeIcon>
            <Text fw={600}>{feature.title}</Text>
            <Text size="sm" c="dimmed">
              {feature.text}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Container>
  );
}
