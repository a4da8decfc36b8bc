import { Alert, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';

export function SubscribePage() {
  return (
    <Stack gap="lg" maw={720}>
      <div>
        <Title order={2}>Subscribe</Title>
        <Text c="dimmed">Choose a plan to get access to the media servers.</Text>
      </div>
      <Alert icon={<IconInfoCircle size={18} />} title="Subscriptions are not open yet" color="blue">
        This site has no plans on sale yet, so you cannot subscribe today. Your account is ready: as soon as plans are published
        they will appear here.
      </Alert>
    </Stack>
  );
}
