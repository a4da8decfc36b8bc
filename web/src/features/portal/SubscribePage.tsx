import { Alert, Badge, Button, Group, Radio, SegmentedControl, Select, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowRight, IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { FormError } from '../../components/FormError';
import { QueryError } from '../../components/QueryError';
import { formatMinor } from '../../lib/money';

type Options = Schemas['CheckoutOptions'];
type Plan = Options['plans'][number];
type Mode = 'one_off' | 'recurring';

const PROVIDER: Record<string, string> = { stripe: 'Stripe', paypal: 'PayPal', plisio: 'Plisio' };
const MODE_LABEL: Record<Mode, string> = { one_off: 'Pay once', recurring: 'Subscribe (renews automatically)' };

export function periodText(period: Plan['period']): string {
  const unit = period.unit === 'months' ? 'month' : 'day';
  return period.count === 1 ? `per ${unit}` : `per ${period.count} ${unit}s`;
}

function PlanFeatures({ plan }: { plan: Plan }) {
  const features = [
    plan.maxStreams === null ? 'Unlimited streams' : `${plan.maxStreams} stream${plan.maxStreams === 1 ? '' : 's'} at a time`,
    plan.includes4k ? '4K' : null,
    plan.allowDownloads ? 'Downloads' : 'No downloads',
    plan.libraryGroups.length > 0 ? `Libraries: ${plan.libraryGroups.join(', ')}` : null,
  ].filter((f): f is string => f !== null);
  return (
    <Stack gap={2}>
      {features.map((f) => (
        <Text key={f} size="sm" c="dimmed">
          {f}
        </Text>
      ))}
    </Stack>
  );
}

export function SubscribePage() {
  const options = useQuery({ queryKey: ['portal', 'checkout', 'options'], queryFn: () => unwrap(api.GET('/api/portal/checkout/options')) });
  return (
    <Stack gap="lg" maw={880}>
      <div>
        <Title order={2}>Subscribe</Title>
        <Text c="dimmed">Choose a plan to get access to the media servers.</Text>
      </div>
      {options.isPending && <Skeleton height={240} />}
      {options.isError && <QueryError error={options.error} onRetry={() => void options.refetch()} />}
      {options.data && options.data.plans.length === 0 && (
        <Alert icon={<IconInfoCircle size={18} />} title="Nothing to subscribe to right now" color="blue">
          No plan is on sale for your account at the moment. Your account is ready: plans appear here as soon as they are open.
        </Alert>
      )}
      {options.data && options.data.plans.length > 0 && <CheckoutForm options={options.data} />}
    </Stack>
  );
}

function CheckoutForm({ options }: { options: Options }) {
  const available = (['one_off', 'recurring'] as const).filter((m) => options.plans.some((p) => p.modes.some((x) => x.mode === m)));
  const [mode, setMode] = useState<Mode>(available[0] ?? 'one_off');
  const plans = options.plans.filter((p) => p.modes.some((m) => m.mode === mode));
  const [planId, setPlanId] = useState<string | null>(plans[0]?.id ?? null);
  const plan = plans.find((p) => p.id === planId) ?? null;
  const gatewaysForPlan = plan?.modes.find((m) => m.mode === mode)?.gateways ?? [];
  const gateways = options.gateways.filter((g) => gatewaysForPlan.includes(g.account));
  const [gatewayChoice, setGatewayChoice] = useState<string | null>(null);
  const gateway = gateways.find((g) => g.account === gatewayChoice) ?? gateways[0] ?? null;
  const [locationId, setLocationId] = useState<string | null>(null);
  const location = plan?.locations.find((l) => l.id === locationId) ?? null;

  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/portal/checkouts', {
          body: { planId: plan!.id, mode, gatewayAccount: gateway!.account, ...(location ? { locationId: location.id } : {}) },
        }),
      ),
    // The gateway's own page takes the payment; Usher only hears back from the gateway.
    onSuccess: ({ redirectUrl }) => window.location.assign(redirectUrl),
  });

  const chooseMode = (next: Mode) => {
    setMode(next);
    const still = options.plans.filter((p) => p.modes.some((m) => m.mode === next));
    if (!still.some((p) => p.id === planId)) setPlanId(still[0]?.id ?? null);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (plan && gateway) start.mutate();
      }}
    >
      <Stack gap="lg">
        {available.length > 1 && (
          <Stack gap={4}>
            <Text component="label" id="checkout-mode-label" fw={500} size="sm">
              How to pay
            </Text>
            <SegmentedControl
              aria-labelledby="checkout-mode-label"
              value={mode}
              onChange={(v) => chooseMode(v as Mode)}
              data={available.map((m) => ({ value: m, label: MODE_LABEL[m] }))}
              fullWidth
            />
          </Stack>
        )}

        <Radio.Group label="Plan" value={planId} onChange={setPlanId}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
            {plans.map((p) => (
              <Radio.Card key={p.id} value={p.id} p="md" radius="md" aria-label={`${p.name}, ${formatMinor(p.priceMinor, options.currency)} ${periodText(p.period)}`}>
                <Group wrap="nowrap" align="flex-start">
                  <Radio.Indicator />
                  <Stack gap={4} style={{ flex: 1 }}>
                    <Group justify="space-between" gap="xs">
                      <Text fw={600}>{p.name}</Text>
                      {p.current && (
                        <Badge color="green" variant="light">
                          Your plan
                        </Badge>
                      )}
                    </Group>
                    <Text fw={700} size="lg">
                      {formatMinor(p.priceMinor, options.currency)}{' '}
                      <Text span size="sm" c="dimmed" fw={400}>
                        {periodText(p.period)} · {mode === 'recurring' ? 'renews automatically' : 'one-off'}
                      </Text>
                    </Text>
                    {p.description && <Text size="sm">{p.description}</Text>}
                    <PlanFeatures plan={p} />
                  </Stack>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>

        {plan && plan.locations.length > 0 && (
          <Select
            label="Server location"
            description="Where your server is; pick the one closest to you."
            placeholder="Let us choose"
            data={plan.locations.map((l) => ({ value: l.id, label: l.name }))}
            value={location?.id ?? null}
            onChange={setLocationId}
            clearable
            w={{ base: '100%', sm: 320 }}
          />
        )}

        {gateways.length > 0 && (
          <Radio.Group label="Payment method" value={gateway?.account ?? null} onChange={setGatewayChoice}>
            <Group mt="xs">
              {gateways.map((g) => (
                <Radio key={g.account} value={g.account} label={g.label} />
              ))}
            </Group>
          </Radio.Group>
        )}

        <FormError error={start.error} />
        <Group>
          <Button type="submit" rightSection={<IconArrowRight size={16} />} loading={start.isPending || start.isSuccess} disabled={!plan || !gateway}>
            Continue to payment
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          You pay on {gateway ? PROVIDER[gateway.kind] ?? 'the payment provider' : 'the payment provider'}’s page and come back here. Access starts as soon as the payment
          is confirmed.
        </Text>
      </Stack>
    </form>
  );
}
