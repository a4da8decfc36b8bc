import { Alert, Anchor, Badge, Card, Group, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { DataTable, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { RULE_LABEL, VERDICT } from './labels';

type Session = Schemas['NowPlayingSession'];
type HistoryItem = Schemas['StreamHistoryItem'];

const ACTIVITY_KEY = ['activity'] as const;
/** Now playing refreshes this often while the page is open. */
const REFRESH_MS = 5_000;

function MemberLink({ id, name, fallback }: { id: string | null; name: string | null; fallback: string | null }) {
  if (!id) return <Text size="sm">{fallback ?? 'Unknown account'}</Text>;
  return (
    <Anchor component={Link} to={`/admin/members/${id}`} size="sm">
      {name ?? fallback ?? 'Member'}
    </Anchor>
  );
}

function SessionRow({ s }: { s: Session }) {
  const verdict = VERDICT[s.verdict] ?? VERDICT.ok!;
  return (
    <Table.Tr>
      <Table.Td>
        <MemberLink id={s.memberId} name={s.memberName} fallback={s.username} />
        {s.planName && (
          <Text size="xs" c="dimmed">
            {s.planName}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{s.title}</Text>
        <Group gap={4}>
          <Badge size="xs" variant="light" color={s.videoTranscode ? 'orange' : 'green'}>
            {s.videoTranscode ? 'Transcode' : 'Direct'}
          </Badge>
          {s.source4k && (
            <Badge size="xs" variant="light">
              4K
            </Badge>
          )}
          {s.state !== 'playing' && (
            <Badge size="xs" variant="light" color="gray">
              {s.state}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm">{[s.device, s.player].filter(Boolean).join(' · ')}</Text>
        {s.ip && (
          <Text size="xs" c="dimmed">
            {s.ip}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Tooltip label={s.message ?? verdict.hint} multiline w={280}>
          <Badge color={verdict.color} variant="light" tabIndex={0}>
            {verdict.label}
          </Badge>
        </Tooltip>
        {s.rules.length > 0 && (
          <Text size="xs" c="dimmed">
            {s.rules.map((r) => RULE_LABEL[r] ?? r).join(', ')}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function NowPlaying() {
  const now = useQuery({
    queryKey: [...ACTIVITY_KEY, 'now-playing'],
    queryFn: () => unwrap(api.GET('/api/admin/activity/now-playing')),
    refetchInterval: REFRESH_MS,
  });
  if (now.error) return <QueryError error={now.error} onRetry={() => void now.refetch()} />;
  if (!now.data) return <Text c="dimmed">Reading the servers…</Text>;
  return (
    <Stack>
      {!now.data.monitor.holder && (
        <Alert color="yellow" title="Nothing is watching the servers">
          No Usher instance runs the session monitor right now, so limits are not enforced. It starts with Usher unless the instance has jobs
          disabled (USHER_DISABLE_JOBS).
        </Alert>
      )}
      {now.data.servers.length === 0 && <Text c="dimmed">No enabled server.</Text>}
      {now.data.servers.map((server) => (
        <Card withBorder key={server.id}>
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={3} size="h4">
                {server.name}
              </Title>
              <Group gap="xs">
                {!server.canStop && !server.error && server.kind === 'plex' && (
                  <Tooltip label="Plex stops streams only for an owner with Plex Pass; members over a limit are told and warned instead.">
                    <Badge color="orange" variant="light" tabIndex={0}>
                      Cannot stop streams
                    </Badge>
                  </Tooltip>
                )}
                <Badge variant="light">
                  {server.sessions.length} stream{server.sessions.length === 1 ? '' : 's'}
                </Badge>
              </Group>
            </Group>
            {server.error && <Text c="red" size="sm">{server.error}</Text>}
            {!server.error && server.sessions.length === 0 && (
              <Text size="sm" c="dimmed">
                Nothing playing.
              </Text>
            )}
            {server.sessions.length > 0 && (
              <Table.ScrollContainer minWidth={340}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Who</Table.Th>
                      <Table.Th>What</Table.Th>
                      <Table.Th visibleFrom="sm">Device</Table.Th>
                      <Table.Th>Decision</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {server.sessions.map((s) => (
                      <SessionRow key={s.sessionId} s={s} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

const historyColumns: DataTableColumn<HistoryItem>[] = [
  { key: 'startedAt', header: 'Started', value: (h) => h.startedAt, render: (h) => formatDateTime(h.startedAt) },
  { key: 'member', header: 'Who', value: (h) => h.memberName ?? h.username ?? '', render: (h) => <MemberLink id={h.memberId} name={h.memberName} fallback={h.username} /> },
  { key: 'title', header: 'What', value: (h) => h.title },
  { key: 'server', header: 'Server', value: (h) => h.serverName, visibleFrom: 'sm' },
  { key: 'device', header: 'Device', value: (h) => [h.device, h.player].filter(Boolean).join(' · '), visibleFrom: 'md' },
  { key: 'ip', header: 'IP address', value: (h) => h.ip ?? '', visibleFrom: 'md' },
  { key: 'quality', header: 'Quality', value: (h) => `${h.videoTranscode ? 'Transcode' : 'Direct'}${h.source4k ? ' · 4K' : ''}`, visibleFrom: 'sm' },
  {
    key: 'end',
    header: 'Ended',
    value: (h) => h.stoppedFor ?? h.endedAt ?? '',
    render: (h) =>
      h.stoppedFor ? (
        <Badge color="red" variant="light">
          Stopped: {RULE_LABEL[h.stoppedFor] ?? h.stoppedFor}
        </Badge>
      ) : h.endedAt ? (
        formatRelative(h.endedAt)
      ) : (
        <Badge variant="light">Playing</Badge>
      ),
  },
];

function StreamCaps() {
  const caps = useQuery({ queryKey: [...ACTIVITY_KEY, 'caps'], queryFn: () => unwrap(api.GET('/api/admin/activity/stream-caps')) });
  if (caps.error) return <QueryError error={caps.error} />;
  if (!caps.data) return null;
  if (caps.data.items.length === 0)
    return <Text c="dimmed">Every Jellyfin and Emby account has the stream cap its plan gives.</Text>;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Member</Table.Th>
            <Table.Th>Server</Table.Th>
            <Table.Th>On the server</Table.Th>
            <Table.Th>Plan gives</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {caps.data.items.map((c) => (
            <Table.Tr key={`${c.memberId}-${c.serverId}`}>
              <Table.Td>
                <MemberLink id={c.memberId} name={c.memberName} fallback={c.username} />
              </Table.Td>
              <Table.Td>{c.serverName}</Table.Td>
              <Table.Td>{c.sessionCap === 0 ? 'No cap' : c.sessionCap}</Table.Td>
              <Table.Td>{c.expectedCap === 0 ? 'No cap' : c.expectedCap}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function ActivityPage() {
  const login = useSession().data?.login;
  return (
    <>
      <PageHeader
        title="Activity"
        description="What plays on your servers, the enforcement decision for each stream, and the stream history. Limits are set per plan; see Settings → Enforcement."
      />
      <Tabs defaultValue="now" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="now">Now playing</Tabs.Tab>
          <Tabs.Tab value="history">Stream history</Tabs.Tab>
          {can(login, 'members.read') && <Tabs.Tab value="caps">Server-side caps</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="now">
          <NowPlaying />
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <DataTable
            queryKey={[...ACTIVITY_KEY, 'history']}
            fetchPage={(query) => unwrap(api.GET('/api/admin/activity/history', { params: { query: { page: query.page, pageSize: query.pageSize } } }))}
            columns={historyColumns}
            rowKey={(h) => h.id}
            rowLabel={(h) => `${h.title} by ${h.memberName ?? h.username ?? 'unknown'}`}
            exportName="stream-history"
            emptyMessage="No stream recorded yet. Servers record history while “Log streaming activity” is on."
          />
        </Tabs.Panel>
        <Tabs.Panel value="caps">
          <Text size="sm" c="dimmed" mb="sm">
            Jellyfin and Emby also cap concurrent streams themselves, so players that ignore a stop stay capped. These accounts’ caps differ from
            their plan; the next access pass puts them right while “Sync shared libraries to the servers” is on.
          </Text>
          <StreamCaps />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
