import { ActionIcon, Badge, Card, CopyButton, Group, Skeleton, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';

export const GATEWAY_SECTIONS: ReadonlySet<string> = new Set(['stripe', 'paypal', 'paypalSecondary', 'plisio']);
export const GATEWAYS_KEY = ['admin', 'payments', 'gateways'] as const;

/** Where the admin finds the webhook setting in each gateway's dashboard. */
const WHERE: Record<string, string> = {
  stripe: 'Stripe Dashboard → Developers → Webhooks → Add endpoint. Paste this URL, then copy the endpoint’s signing secret (whsec_…) into “Webhook signing secret” above.',
  paypal: 'PayPal Developer Dashboard → your app → Webhooks → Add webhook. Paste this URL, select all events, then copy the webhook ID into “Webhook ID” above.',
  paypalSecondary: 'PayPal Developer Dashboard → the second account’s app → Webhooks → Add webhook. Paste this URL, then copy the webhook ID above.',
  plisio: 'Nothing to paste: Usher gives Plisio this URL with every invoice. Make sure it is reachable from the internet.',
};

/** The webhook URL to paste into the gateway, with a copy button, and whether the account is ready. */
export function GatewayPanel({ section }: { section: string }) {
  const gateways = useQuery({ queryKey: GATEWAYS_KEY, queryFn: () => unwrap(api.GET('/api/admin/payments/gateways')) });
  const account = gateways.data?.items.find((g) => g.account === section);
  return (
    <Card withBorder padding="lg" radius="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            Webhook
          </Title>
          {account && (
            <Badge color={account.enabled && account.configured ? 'green' : account.configured ? 'gray' : 'yellow'} variant="light">
              {account.enabled && account.configured ? 'Taking payments' : account.configured ? 'Switched off' : 'Not set up'}
            </Badge>
          )}
        </Group>
        {gateways.isPending && <Skeleton height={60} />}
        {gateways.isError && <QueryError error={gateways.error} onRetry={() => void gateways.refetch()} />}
        {account && (
          <>
            <Text size="sm" c="dimmed">
              {WHERE[section]}
            </Text>
            {account.webhookUrl ? (
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput label="Webhook URL" value={account.webhookUrl} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
                <CopyButton value={account.webhookUrl}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                      <ActionIcon variant="default" size="lg" onClick={copy} aria-label={copied ? 'Webhook URL copied' : 'Copy the webhook URL'}>
                        {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>
            ) : (
              <Text size="sm">Set the Site URL (Settings → General) first: the webhook URL is built from it.</Text>
            )}
            {account.capabilities && (
              <Text size="sm" c="dimmed">
                Takes {[account.capabilities.oneOff && 'one-off payments', account.capabilities.recurring && 'recurring subscriptions'].filter(Boolean).join(' and ')}
                {account.capabilities.refund ? '; refunds from Usher' : ''}.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
