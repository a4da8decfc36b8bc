import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { formatDateTime } from '../../../lib/format';
import { RULE_LABEL } from '../activity/labels';
import { MEDIA_KEY } from '../media/queries';

function detailText(details: Record<string, unknown>): string {
  const parts = [details.title, details.device].filter((v): v is string => typeof v === 'string' && v !== '');
  return `${parts.join(' on ')}${details.stopped === true ? ' · stopped' : ' · not stopped'}`;
}

/** Enforcement warnings (stream limit, transcoding, 4K) with their counts by kind. */
export function WarningsCard({ memberId }: { memberId: string }) {
  const warnings = useQuery({
    queryKey: [...MEDIA_KEY, 'members', 'warnings', memberId],
    queryFn: () => unwrap(api.GET('/api/admin/members/{id}/warnings', { params: { path: { id: memberId } } })),
  });
  const counts = Object.entries(warnings.data?.counts ?? {});
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            Warnings
          </Title>
          <Group gap="xs">
            {counts.map(([kind, n]) => (
              <Badge key={kind} color="orange" variant="light">
                {RULE_LABEL[kind] ?? kind}: {n}
              </Badge>
            ))}
          </Group>
        </Group>
        {warnings.error && <QueryError error={warnings.error} />}
        {warnings.data && warnings.data.items.length === 0 && (
          <Text size="sm" c="dimmed">
            No warnings: this member has kept to their plan’s limits.
          </Text>
        )}
        {warnings.data && warnings.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={360}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Why</Table.Th>
                  <Table.Th>Stream</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {warnings.data.items.map((w) => (
                  <Table.Tr key={w.id}>
                    <Table.Td>{formatDateTime(w.at)}</Table.Td>
                    <Table.Td>{RULE_LABEL[w.kind] ?? w.kind}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{detailText(w.details)}</Text>
                      {w.serverName && (
                        <Text size="xs" c="dimmed">
                          {w.serverName}
                        </Text>
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
