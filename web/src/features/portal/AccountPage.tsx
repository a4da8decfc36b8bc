import { SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ChangePasswordCard } from './account/ChangePasswordCard';
import { ProfileCard } from './account/ProfileCard';
import { TwoFactorCard } from './account/TwoFactorCard';

export function AccountPage() {
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>My Account</Title>
        <Text c="dimmed">Your profile, password and login security.</Text>
      </div>
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
