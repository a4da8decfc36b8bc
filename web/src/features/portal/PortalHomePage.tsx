import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCreditCard, IconShieldLock } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useSession } from '../../app/session';

export function PortalHomePage() {
  const login = useSession().data?.login;
  if (!login) return null;
  const secured = login.twoFactor.totp || login.twoFactor.email;
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Welcome, {login.displayName ?? login.email}</Title>
        <Text c="dimmed">Your subscription and account at a glance.</Text>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Card withBorder padding="lg" radius="md">
          <Group justify="space-between" mb="xs">
            <Group gap="xs">
              <IconCreditCard size={20} stroke={1.5} />
              <Text fw={600}>Subscription</Text>
            </Group>
            <Badge color="gray" variant="light">
              None
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" mb="md">
            You have no subscription yet: choose a plan to get access.
          </Text>
          <Button component={Link} to="/portal/subscribe" variant="light" style={{ alignSelf: 'flex-start' }}>
            See subscription options
          </Button>
        </Card>
        <Card withBorder padding="lg" radius="md">
          <Group justify="space-between" mb="xs">
            <Group gap="xs">
              <IconShieldLock size={20} stroke={1.5} />
              <Text fw={600}>Account security</Text>
            </Group>
            <Badge color={secured ? 'green' : 'yellow'} variant="light">
              {secured ? 'Two-factor on' : 'Two-factor off'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" mb="md">
            {secured
              ? 'Your account asks for a second factor when you log in.'
              : 'Add an authenticator app or emailed codes so a stolen password is not enough to get in.'}
          </Text>
          <Button component={Link} to="/portal/account" variant="light" style={{ alignSelf: 'flex-start' }}>
            Open My Account
          </Button>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
