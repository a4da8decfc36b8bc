import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconClock, IconX } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { formatDateTime } from '../../lib/format';
import { formatMinor } from '../../lib/money';

type Checkout = Schemas['CheckoutStatus'];

const POLL_MS = 2000;
/** Gateways confirm within seconds; past this the customer is told the email will follow. */
const PATIENCE_MS = 120_000;

const isFinal = (status: Checkout['status']) => status !== 'open';

/**
 * Where the gateway sends the customer back. It shows the checkout as the gateway has settled it
 * so far and never grants anything: the gateway's confirmation does, through the webhook.
 */
export function CheckoutReturnPage() {
  const [params] = useSearchParams();
  const id = params.get('checkout') ?? '';
  const leftPaymentPage = params.get('cancelled') === '1';
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());

  const cancel = useMutation({ mutationFn: () => unwrap(api.POST('/api/portal/checkouts/{id}/cancel', { params: { path: { id } } })) });
  const { mutate: cancelCheckout } = cancel;
  // Once per visit (the cancel is idempotent; a second request would only add noise).
  useEffect(() => {
    if (leftPaymentPage && id) cancelCheckout();
  }, [id, leftPaymentPage, cancelCheckout]);

  const checkout = useQuery({
    queryKey: ['portal', 'checkout', id],
    queryFn: () => unwrap(api.GET('/api/portal/checkouts/{id}', { params: { path: { id } } })),
    // After leaving the gateway's page, the cancel goes first so the first answer already says so.
    enabled: id !== '' && (!leftPaymentPage || cancel.isSuccess || cancel.isError),
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : POLL_MS),
  });
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), POLL_MS);
    return () => clearInterval(timer);
  }, []);

  const current = checkout.data;
  return (
    <Stack gap="lg" maw={640}>
      <Title order={2}>Your payment</Title>
      {!id && <Alert color="red">This link has no checkout in it. Start again from Subscribe.</Alert>}
      {checkout.isError && <QueryError error={checkout.error} onRetry={() => void checkout.refetch()} />}
      {id && !current && !checkout.isError && <Loader aria-label="Loading your payment" />}
      {current && <CheckoutState checkout={current} waitedTooLong={now - startedAt > PATIENCE_MS} />}
    </Stack>
  );
}

function CheckoutState({ checkout, waitedTooLong }: { checkout: Checkout; waitedTooLong: boolean }) {
  const summary = `${checkout.plan.name} · ${formatMinor(checkout.amountMinor, checkout.currency)} · ${checkout.gatewayLabel}`;
  return (
    <Card withBorder padding="lg" radius="md">
      <Stack gap="md" aria-live="polite">
        <Text c="dimmed" size="sm">
          {summary}
        </Text>
        {checkout.status === 'paid' && (
          <Alert color="green" icon={<IconCircleCheck size={18} />} title="Payment received">
            {checkout.access.state === 'active' && checkout.access.until
              ? `Your subscription is active until ${formatDateTime(checkout.access.until)}. We are setting up your access and will email you the details.`
              : 'We are setting up your access and will email you the details.'}
          </Alert>
        )}
        {checkout.status === 'cancelled' && (
          <Alert color="gray" icon={<IconX size={18} />} title="Payment cancelled">
            The payment was cancelled and nothing was charged. You can choose a plan again whenever you like.
          </Alert>
        )}
        {(checkout.status === 'failed' || checkout.status === 'expired') && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title={checkout.status === 'expired' ? 'The payment page expired' : 'The payment did not go through'}>
            {checkout.failureReason ?? 'Nothing was charged. Try again, or choose another payment method.'}
          </Alert>
        )}
        {checkout.status === 'open' &&
          (waitedTooLong ? (
            <Alert color="yellow" icon={<IconClock size={18} />} title="Still waiting for the confirmation">
              We are still waiting for {checkout.gatewayLabel}’s confirmation. You can leave this page: we will email you as soon as it arrives.
            </Alert>
          ) : (
            <Group gap="sm">
              <Loader size="sm" aria-hidden />
              <Text>Waiting for {checkout.gatewayLabel} to confirm your payment…</Text>
            </Group>
          ))}
        <Group>
          {checkout.status === 'paid' ? (
            <Button component={Link} to="/portal/account">
              Go to my account
            </Button>
          ) : checkout.status !== 'open' ? (
            <Button component={Link} to="/portal/subscribe">
              Choose a plan again
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Card>
  );
}
