import { Badge, Card, Group, List, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { PLANS_KEY } from './queries';

type Diagnostics = Schemas['CheckoutDiagnostics'];
type Row = Diagnostics['plans'][number];

const MODE_LABEL = { one_off: 'One-off', recurring: 'Recurring' } as const;
const ACCOUNT_LABEL: Record<string, string> = { stripe: 'Stripe', paypal: 'PayPal', paypalSecondary: 'PayPal (secondary)', plisio: 'Plisio' };

function HowSold({ row }: { row: Row }) {
  if (row.modes.length === 0) return <Text size="sm">—</Text>;
  return (
    <Stack gap={2}>
      {row.modes.map((m) => (
        <Text key={m.mode} size="sm">
          {MODE_LABEL[m.mode]}: {m.gateways.map((g) => ACCOUNT_LABEL[g] ?? g).join(', ')}
        </Text>
      ))}
    </Stack>
  );
}

/**
 * "Why is this plan not on checkout?": the server's own offer rule run for a new customer, so what
 * the admin reads here is exactly what customers get.
 */
export function CheckoutDiagnostics() {
  const diagnostics = useQuery({
    // Under the plans key, so editing a plan refreshes it with the table.
    queryKey: [...PLANS_KEY, 'checkout-diagnostics'],
    queryFn: () => unwrap(api.GET('/api/admin/checkout/diagnostics')),
  });
  return (
    <Card withBorder padding="lg" radius="md" mt="xl" component="section" aria-labelledby="checkout-diagnostics-title">
      <Stack gap="md">
        <div>
          <Title order={3} size="h4" id="checkout-diagnostics-title">
            Checkout diagnostics
          </Title>
          <Text size="sm" c="dimmed">
            What a new customer sees on Subscribe: each plan, how it can be paid, and every reason it is not offered.
          </Text>
        </div>
        {diagnostics.isPending && <Skeleton height={120} />}
        {diagnostics.isError && <QueryError error={diagnostics.error} onRetry={() => void diagnostics.refetch()} />}
        {diagnostics.data && (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Offered</Table.Th>
                  <Table.Th>How it is sold</Table.Th>
                  <Table.Th>Why not (or not every way)</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {diagnostics.data.plans.map((row) => (
                  <Table.Tr key={row.planId}>
                    <Table.Th scope="row">{row.name}</Table.Th>
                    <Table.Td>
                      <Badge color={row.offered ? 'green' : 'red'} variant="light">
                        {row.offered ? 'Yes' : 'No'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <HowSold row={row} />
                    </Table.Td>
                    <Table.Td>
                      {row.reasons.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          Offered every way
                        </Text>
                      ) : (
                        <List size="sm" spacing={2}>
                          {row.reasons.map((r) => (
                            <List.Item key={r.code}>
                              <Group gap={6} wrap="nowrap" align="flex-start">
                                {r.scope !== 'plan' && (
                                  <Badge size="xs" variant="outline" color="gray">
                                    {MODE_LABEL[r.scope]}
                                  </Badge>
                                )}
                                <Text size="sm">{r.message}</Text>
                              </Group>
                            </List.Item>
                          ))}
                        </List>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
