import { SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ChangePasswordCard } from './account/ChangePasswordCard';
import { ProfileCard } from './account/ProfileCard';
import { SubscriptionCard } from './account/SubscriptionCard';
import { TwoFactorCard } from './account/TwoFactorCard';

export function AccountPage() {
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>My Account</Title>
        <Text c="dimmed">Your subscription, profile, password and login security.</Text>
      </div>
      <SubscriptionCard />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="lg">
          <ProfileCard />
          <ChangePasswordCard />
        </Stack>
        <TwoFactorCard />
      </SimpleGrid>
    </Stack>
  );
}
