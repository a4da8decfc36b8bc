import { Anchor, Card, Group, SimpleGrid, Skeleton, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconActivity, IconBell, IconServer, IconUserCircle, IconUsers, type Icon } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { can, useSession } from '../../app/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { actionLabel } from '../../lib/audit-labels';
import { formatDateTime, formatRelative } from '../../lib/format';
import { AuditTarget } from './AuditPage';
import { DemoClockControl } from './DemoClockControl';
import { useUnreadAlerts } from './AdminLayout';
import { GettingStarted, useOnboarding } from './GettingStarted';
import { JOBS_KEY, RunStatus } from './jobs/JobsPage';

function StatCard({ label, value, icon: IconComponent, to, color }: { label: string; value: ReactNode; icon: Icon; to: string; color: string }) {
  return (
    <Card withBorder padding="lg" radius="md" component={Link} to={to} style={{ textDecoration: 'none' }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {label}
          </Text>
          <Text fz={30} fw={700} lh={1.2} mt={4} data-testid={`stat-${label}`}>
            {value}
          </Text>
        </div>
        <ThemeIcon size={40} radius="md" variant="light" color={color}>
          <IconComponent size={22} stroke={1.5} />
        </ThemeIcon>
      </Group>
    </Card>
  );
}

function Panel({ title, to, children }: { title: string; to: string; children: ReactNode }) {
  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        <Anchor component={Link} to={to} size="sm">
          See all
        </Anchor>
      </Group>
      {children}
    </Card>
  );
}

export function DashboardPage() {
  const login = useSession().data?.login;
  const allowed = (p: string) => can(login, p);
  const logins = useQuery({
    queryKey: ['admin', 'logins', 'count'],
    queryFn: () => unwrap(api.GET('/api/admin/logins', { params: { query: { pageSize: 1 } } })),
    enabled: allowed('logins.read'),
  });
  const unread = useUnreadAlerts(allowed('alerts.read'));
  const audit = useQuery({
    queryKey: ['admin', 'audit', 'latest'],
    queryFn: () => unwrap(api.GET('/api/admin/audit', { params: { query: { pageSize: 8, order: 'desc' } } })),
    enabled: allowed('audit.read'),
  });
  const members = useQuery({
    queryKey: ['admin', 'members', 'count'],
    queryFn: () => unwrap(api.GET('/api/admin/members', { params: { query: { pageSize: 1 } } })),
    enabled: allowed('members.read'),
  });
  const servers = useQuery({ queryKey: ['admin', 'servers', 'dashboard'], queryFn: () => unwrap(api.GET('/api/admin/servers')), enabled: allowed('servers.read') });
  const serverProblems = servers.data?.items.filter((s) => s.status !== 'ok').length ?? 0;
  const jobs = useQuery({ queryKey: [...JOBS_KEY, 'list'], queryFn: () => unwrap(api.GET('/api/admin/jobs')), enabled: allowed('jobs.read') });
  const failing = jobs.data?.items.filter((j) => j.lastRun?.status === 'failed').length ?? 0;
  const onboarding = useOnboarding(allowed('settings.read'));
  const greeting = onboarding.data && !onboarding.data.welcomeBack ? 'Welcome' : 'Welcome back';
  const dash = (v: number | undefined) => (v === undefined ? <Skeleton height={30} width={50} /> : v);

  return (
    <>
      <PageHeader title="Dashboard" description={`${greeting}, ${login?.displayName ?? login?.email ?? ''}. Here is how the site is doing.`} />
      <Stack gap="lg">
        {allowed('settings.read') && <GettingStarted canDismiss={allowed('settings.write')} />}
        {allowed('settings.write') && <DemoClockControl />}
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 3, lg: 5 }}>
          {allowed('members.read') && <StatCard label="Members" value={dash(members.data?.total)} icon={IconUserCircle} to="/admin/members" color="violet" />}
          {allowed('servers.read') && (
            <StatCard
              label={serverProblems ? 'Servers with problems' : 'Servers'}
              value={servers.data ? (serverProblems ? `${serverProblems} of ${servers.data.items.length}` : servers.data.items.length) : dash(undefined)}
              icon={IconServer}
              to="/admin/servers"
              color={serverProblems ? 'red' : 'blue'}
            />
          )}
          {allowed('logins.read') && <StatCard label="Logins" value={dash(logins.data?.total)} icon={IconUsers} to="/admin/logins" color="grape" />}
          {allowed('alerts.read') && <StatCard label="Alerts" value={dash(unread.data?.unread)} icon={IconBell} to="/admin/alerts" color={unread.data?.unread ? 'red' : 'green'} />}
          {allowed('jobs.read') && <StatCard label="Failing jobs" value={jobs.data ? failing : dash(undefined)} icon={IconActivity} to="/admin/jobs" color={failing ? 'red' : 'green'} />}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          {allowed('audit.read') && (
            <Panel title="Latest activity" to="/admin/audit">
              {audit.isError && <QueryError error={audit.error} />}
              {audit.isPending && <Skeleton height={160} />}
              {audit.data && audit.data.items.length === 0 && <Text c="dimmed">Nothing has happened yet.</Text>}
              {audit.data && audit.data.items.length > 0 && (
                <Table verticalSpacing={6} fz="sm">
                  <Table.Tbody>
                    {audit.data.items.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {actionLabel(e.action)}
                          </Text>
                          <Group gap={6} wrap="nowrap">
                            <Text size="xs" c="dimmed">
                              {e.actorLabel ?? (e.actorType === 'system' ? 'Usher' : 'A visitor')}
                            </Text>
                            {e.targetType && (
                              <>
                                <Text size="xs" c="dimmed">
                                  ·
                                </Text>
                                <AuditTarget entry={e} />
                              </>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td ta="right" title={formatDateTime(e.at)}>
                          <Text size="xs" c="dimmed">
                            {formatRelative(e.at)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>
          )}
          {allowed('jobs.read') && (
            <Panel title="Jobs" to="/admin/jobs">
              {jobs.isError && <QueryError error={jobs.error} />}
              {jobs.isPending && <Skeleton height={160} />}
              {jobs.data && (
                <Table verticalSpacing={6} fz="sm">
                  <Table.Tbody>
                    {jobs.data.items.map((j) => (
                      <Table.Tr key={j.name}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {j.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {j.lastRun ? `Last run ${formatRelative(j.lastRun.startedAt)}` : 'Not run yet'}
                            {j.nextRunAt ? ` · next ${formatRelative(j.nextRunAt)}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">
                          <RunStatus run={j.running ? { status: 'running' } : j.lastRun} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>
          )}
        </SimpleGrid>
      </Stack>
    </>
  );
}
