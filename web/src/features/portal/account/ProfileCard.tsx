import { Button, Card, Group, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { SESSION_KEY } from '../../../app/session';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { QueryError } from '../../../components/QueryError';
import { formatDateTime } from '../../../lib/format';

export const ACCOUNT_KEY = ['portal', 'account'] as const;

export function ProfileCard() {
  const queryClient = useQueryClient();
  const account = useQuery({ queryKey: ACCOUNT_KEY, queryFn: () => unwrap(api.GET('/api/portal/account')) });
  const [name, setName] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (displayName: string) => unwrap(api.PATCH('/api/portal/account', { body: { displayName: displayName.trim() || null } })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(ACCOUNT_KEY, updated);
      setName(null);
      notifySuccess('Your name is saved.');
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });

  return (
    <Card withBorder padding="lg" radius="md">
      <Stack>
        <Title order={3} size="h4">
          Profile
        </Title>
        {account.isPending && <Skeleton height={90} />}
        {account.isError && <QueryError error={account.error} onRetry={() => void account.refetch()} />}
        {account.data && (
          <>
            <Group gap="xl">
              <div>
                <Text size="xs" c="dimmed">
                  Email
                </Text>
                <Text fw={500}>{account.data.email}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Member since
                </Text>
                <Text>{formatDateTime(account.data.createdAt)}</Text>
              </div>
            </Group>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                save.mutate(name ?? '');
              }}
            >
              <Group align="flex-end">
                <TextInput
                  label="Name"
                  placeholder="How we greet you"
                  value={name ?? account.data.displayName ?? ''}
                  onChange={(event) => setName(event.currentTarget.value)}
                  style={{ flex: 1 }}
                  maxLength={100}
                />
                <Button type="submit" variant="light" loading={save.isPending} disabled={name === null}>
                  Save
                </Button>
              </Group>
            </form>
            <FormError error={save.error} />
          </>
        )}
      </Stack>
    </Card>
  );
}
