import { Alert, Anchor, Badge, Button, Card, Group, List, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ApiError, errorMessage, unwrap, type Schemas } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { ACCOUNT_KEY } from './ProfileCard';

export const SUBSCRIPTION_KEY = ['portal', 'subscription'] as const;

type Subscription = Schemas['PortalSubscription'];

const STATE_BADGE: Record<Subscription['status']['state'], { color: string; label: string }> = {
  active: { color: 'green', label: 'Active' },
  permanent: { color: 'blue', label: 'Permanent' },
  expired: { color: 'red', label: 'Not active' },
};

const SERVER_STATE: Record<Subscription['servers'][number]['state'], { color: string; label: string }> = {
  active: { color: 'green', label: 'Access' },
  pending: { color: 'yellow', label: 'Invite waiting' },
  disabled: { color: 'red', label: 'Disabled' },
  removed: { color: 'gray', label: 'No longer shared' },
};

const KIND_LABEL = { plex: 'Plex', jellyfin: 'Jellyfin', emby: 'Emby' } as const;

/** A title for each refusal; the server's message says what to do. */
const REINVITE_TITLES: Record<string, string> = {
  reinvite_disabled: 'Re-inviting is turned off',
  member_not_active: 'Your subscription is not active',
  plex_account_change_required: 'Change your Plex account first',
  server_sync_off: 'Re-inviting is not available yet',
  nothing_to_reinvite: 'Nothing to re-invite',
  reinvite_rate_limited: 'Please wait a little',
  no_subscription: 'No subscription',
};

function PlanContents({ plan }: { plan: NonNullable<Subscription['plan']> }) {
  const libraries = plan.libraries.length > 0 ? plan.libraries : plan.libraryGroups;
  return (
    <Stack gap={4}>
      <Text fw={600}>{plan.name}</Text>
      {plan.description && (
        <Text size="sm" c="dimmed">
          {plan.description}
        </Text>
      )}
      <List size="sm" spacing={2}>
        <List.Item>Libraries: {libraries.length > 0 ? libraries.join(', ') : 'none yet'}</List.Item>
        <List.Item>
          {plan.maxStreams === null
            ? 'Unlimited simultaneous streams'
            : `Up to ${plan.maxStreams} simultaneous stream${plan.maxStreams === 1 ? '' : 's'}`}
        </List.Item>
        <List.Item>{plan.allowDownloads ? 'Downloads allowed' : 'No downloads'}</List.Item>
        <List.Item>{plan.allowTranscoding ? 'Video transcoding allowed' : 'Original quality only (no video transcoding)'}</List.Item>
      </List>
    </Stack>
  );
}

function ReinviteSection({ data }: { data: Subscription }) {
  const queryClient = useQueryClient();
  const reinvite = useMutation({
    mutationFn: () => unwrap(api.POST('/api/portal/subscription/reinvite')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: SUBSCRIPTION_KEY }),
  });
  // The admin turned the button off: say nothing about it.
  if (data.reinvite.code === 'reinvite_disabled') return null;
  const error = reinvite.error;
  return (
    <Stack gap="xs">
      <Group>
        <Button variant="light" onClick={() => reinvite.mutate()} loading={reinvite.isPending} disabled={!data.reinvite.available}>
          Re-invite me
        </Button>
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          Lost access to your server? Ask for a new invite, or for your libraries back.
        </Text>
      </Group>
      {!data.reinvite.available && data.reinvite.reason && !reinvite.data && !error && (
        <Text size="sm" c="dimmed" data-testid="reinvite-unavailable">
          {data.reinvite.reason}
        </Text>
      )}
      {reinvite.data && (
        <Alert color="green" icon={<IconCircleCheck size={18} />} title="Re-invite on its way" role="status">
          {reinvite.data.message}
        </Alert>
      )}
      {error && (
        <Alert
          color={error instanceof ApiError && error.status === 429 ? 'yellow' : 'red'}
          icon={<IconAlertTriangle size={18} />}
          title={(error instanceof ApiError && REINVITE_TITLES[error.code]) || 'Re-invite failed'}
          role="alert"
        >
          {errorMessage(error)}
        </Alert>
      )}
    </Stack>
  );
}

function SubscriptionDetails({ data }: { data: Subscription }) {
  const badge = STATE_BADGE[data.status.state];
  return (
    <>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Badge color={badge.color} variant="light">
          {badge.label}
        </Badge>
        <Text data-testid="subscription-sentence">{data.status.sentence}</Text>
      </Group>
      {data.requiresPlexAccountChange && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Plex account change required">
          The administrator asked you to move to a new Plex account before you can be invited again. Contact them to make the change.
        </Alert>
      )}
      {data.plan ? (
        <PlanContents plan={data.plan} />
      ) : (
        <Text size="sm" c="dimmed">
          No plan.
        </Text>
      )}
      <Stack gap="sm">
        <Text size="sm" fw={600}>
          {data.servers.length === 1 ? 'Your server' : 'Your servers'}
        </Text>
        {data.servers.length === 0 && (
          <Text size="sm" c="dimmed">
            You are not on a server yet. The administrator places you on one.
          </Text>
        )}
        {data.servers.map((server) => (
          <Stack key={`${server.kind}:${server.name}`} gap={4}>
            <Group gap="xs">
              <Text fw={500}>{server.name}</Text>
              <Badge variant="outline" size="sm">
                {KIND_LABEL[server.kind]}
              </Badge>
              <Badge color={SERVER_STATE[server.state].color} variant="light" size="sm">
                {SERVER_STATE[server.state].label}
              </Badge>
            </Group>
            {(server.username || server.address) && (
              <Text size="sm" c="dimmed">
                {server.username && <>Username: {server.username}</>}
                {server.username && server.address && ' · '}
                {server.address && (
                  <>
                    Address:{' '}
                    <Anchor href={server.address} target="_blank" rel="noreferrer">
                      {server.address}
                    </Anchor>
                  </>
                )}
              </Text>
            )}
            <Text size="sm">{server.instructions}</Text>
          </Stack>
        ))}
      </Stack>
      {data.operations.length > 0 && (
        <Stack gap={4}>
          {data.operations.map((op, i) => (
            <Alert key={i} color={op.status === 'failed' ? 'red' : 'blue'} icon={<IconInfoCircle size={18} />} p="xs">
              <Text size="sm">{op.sentence}</Text>
            </Alert>
          ))}
        </Stack>
      )}
      <ReinviteSection data={data} />
    </>
  );
}

/** My Account → Subscription: status and why, plan contents, server and how to get in, "Re-invite me". */
export function SubscriptionCard() {
  // The account says whether a member is tied to this login, so a login without one never asks (and gets a 404).
  const account = useQuery({ queryKey: ACCOUNT_KEY, queryFn: () => unwrap(api.GET('/api/portal/account')) });
  const subscription = useQuery({
    queryKey: SUBSCRIPTION_KEY,
    queryFn: () => unwrap(api.GET('/api/portal/subscription')),
    enabled: account.data?.hasSubscription === true,
  });
  const none =
    account.data?.hasSubscription === false || (subscription.error instanceof ApiError && subscription.error.code === 'no_subscription');

  return (
    <Card withBorder padding="lg" radius="md">
      <Stack>
        <Title order={3} size="h4">
          Subscription
        </Title>
        {(account.isPending || (account.data?.hasSubscription && subscription.isPending)) && <Skeleton height={120} />}
        {account.isError && <QueryError error={account.error} onRetry={() => void account.refetch()} />}
        {none && (
          <Text size="sm" data-testid="no-subscription">
            There is no subscription for your email yet.{' '}
            <Anchor component={Link} to="/portal/subscribe">
              See the plans
            </Anchor>
            , or ask the administrator to invite you with this email.
          </Text>
        )}
        {subscription.isError && !none && <QueryError error={subscription.error} onRetry={() => void subscription.refetch()} />}
        {subscription.data && <SubscriptionDetails data={subscription.data} />}
      </Stack>
    </Card>
  );
}
