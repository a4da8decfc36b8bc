import { Anchor, Badge, Button, Card, Group, List, Progress, Stack, Text, ThemeIcon, Title, VisuallyHidden } from '@mantine/core';
import { IconCircle, IconCircleCheck, IconClock } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { notifyError } from '../../components/notify';

export const ONBOARDING_KEY = ['admin', 'onboarding'] as const;

export function useOnboarding(enabled: boolean) {
  return useQuery({ queryKey: ONBOARDING_KEY, queryFn: () => unwrap(api.GET('/api/admin/onboarding')), enabled });
}

type Item = Schemas['Onboarding']['items'][number];

function StatusIcon({ status }: { status: Item['status'] }) {
  if (status === 'done')
    return (
      <ThemeIcon color="green" variant="light" radius="xl" size={24}>
        <IconCircleCheck size={16} />
      </ThemeIcon>
    );
  if (status === 'unavailable')
    return (
      <ThemeIcon color="gray" variant="light" radius="xl" size={24}>
        <IconClock size={16} />
      </ThemeIcon>
    );
  return (
    <ThemeIcon color="blue" variant="light" radius="xl" size={24}>
      <IconCircle size={16} />
    </ThemeIcon>
  );
}

/** The first-run checklist; it ticks itself from what is set up and stays until done or dismissed. */
export function GettingStarted({ canDismiss }: { canDismiss: boolean }) {
  const onboarding = useOnboarding(true);
  const client = useQueryClient();
  const dismiss = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/admin/onboarding/dismissed', { body: { dismissed: true } })),
    onSuccess: (data) => client.setQueryData(ONBOARDING_KEY, data),
    onError: (error) => notifyError(error, 'Could not hide the checklist'),
  });
  const data = onboarding.data;
  if (!data || data.dismissed || data.complete) return null;
  const possible = data.items.filter((i) => i.status !== 'unavailable');
  const done = possible.filter((i) => i.status === 'done').length;

  return (
    <Card withBorder padding="lg" radius="md" aria-labelledby="getting-started-title" data-testid="getting-started">
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Title order={2} size="h4" id="getting-started-title">
            Getting started
          </Title>
          <Text size="sm" c="dimmed">
            {done} of {possible.length} steps done. Each step ticks itself once it is set up.
          </Text>
        </div>
        {canDismiss && (
          <Button variant="subtle" size="xs" onClick={() => dismiss.mutate()} loading={dismiss.isPending}>
            Hide this checklist
          </Button>
        )}
      </Group>
      <Progress value={(done / Math.max(1, possible.length)) * 100} size="sm" mb="md" aria-label="Setup progress" />
      <List spacing="sm" listStyleType="none" styles={{ itemWrapper: { width: '100%' } }}>
        {data.items.map((item) => (
          <List.Item key={item.id} icon={<StatusIcon status={item.status} />} data-testid={`checklist-${item.id}`} data-status={item.status}>
            <Stack gap={0}>
              <Group gap="xs">
                {item.status === 'todo' ? (
                  <Anchor component={Link} to={item.link} fw={500} size="sm">
                    {item.title}
                  </Anchor>
                ) : (
                  <Text fw={500} size="sm" td={item.status === 'done' ? 'line-through' : undefined} c={item.status === 'done' ? 'dimmed' : undefined}>
                    {item.title}
                  </Text>
                )}
                {item.status === 'unavailable' && (
                  <Badge size="xs" variant="light" color="gray">
                    Coming soon
                  </Badge>
                )}
                {item.status === 'done' && <VisuallyHidden>(done)</VisuallyHidden>}
              </Group>
              <Text size="xs" c="dimmed">
                {item.description}
              </Text>
            </Stack>
          </List.Item>
        ))}
      </List>
    </Card>
  );
}
