import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Schemas } from '../../api/client';
import { OperatorHtml } from './OperatorHtml';
import { publicText } from './strings';

type Stats = NonNullable<Schemas['PublicHome']['libraryStats']>;

export function LibraryStats({ stats }: { stats: Stats }) {
  if (stats.groups.length === 0) return null;
  const number = new Intl.NumberFormat();
  return (
    <Stack component="section" aria-labelledby="stats-title" gap="lg">
      <Title order={2} id="stats-title" ta="center">
        {publicText.stats.title}
      </Title>
      <OperatorHtml html={stats.html} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg">
        {stats.groups.map((group) => (
          <Card key={group.groupId} withBorder radius="md" padding="lg">
            <Title order={3} fz="md" mb="sm">
              {group.groupName}
            </Title>
            <Group gap="lg">
              {Object.entries(group.counts).map(([kind, count]) => (
                <div key={kind}>
                  <Text fz={24} fw={700}>
                    {number.format(count ?? 0)}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {publicText.stats.kinds[kind] ?? kind}
                  </Text>
                </div>
              ))}
            </Group>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
