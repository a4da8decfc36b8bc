import { Alert, Badge, Code, Group, Progress, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlayerPlay } from '@tabler/icons-react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { DataTable, pageLocally, type DataTableColumn } from '../../../components/data-table';
import { useUrlFilter } from '../../../components/data-table/url-state';
import { notifyError, notifySuccess } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime, formatDuration, formatRelative } from '../../../lib/format';

type Job = Schemas['Job'];
type JobRun = Schemas['JobRun'];
export const JOBS_KEY = ['admin', 'jobs'] as const;
const POLL_MS = 2000;

const STATUS_COLOR = { running: 'blue', succeeded: 'green', failed: 'red' } as const;

export function RunStatus({ run }: { run: Pick<JobRun, 'status'> | null }) {
  if (!run) return <Text size="sm" c="dimmed">Never run</Text>;
  return (
    <Badge color={STATUS_COLOR[run.status]} variant="light">
      {run.status}
    </Badge>
  );
}

function RunProgress({ run }: { run: JobRun }) {
  if (run.status !== 'running') return <Text size="sm">{run.status === 'succeeded' ? '100%' : '—'}</Text>;
  const percent = Math.round((run.progress ?? 0) * 100);
  return (
    <Stack gap={4} miw={140}>
      <Progress value={percent} animated striped aria-label={`${run.job} progress`} />
      <Text size="xs" c="dimmed">
        {percent}%{run.message ? ` · ${run.message}` : ''}
      </Text>
    </Stack>
  );
}

function duration(run: JobRun): number | null {
  return run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : null;
}

const jobColumns: DataTableColumn<Job>[] = [
  {
    key: 'name',
    header: 'Job',
    sortable: true,
    value: (j) => j.name,
    render: (j) => (
      <Stack gap={0}>
        <Text size="sm" fw={500}>
          {j.name}
        </Text>
        <Text size="xs" c="dimmed">
          {j.description}
        </Text>
      </Stack>
    ),
  },
  { key: 'cron', header: 'Schedule (UTC)', value: (j) => j.cron, render: (j) => <Code>{j.cron}</Code>, visibleFrom: 'md' },
  {
    key: 'lastRun',
    header: 'Last run',
    sortable: true,
    value: (j) => j.lastRun?.startedAt,
    render: (j) => (
      <Group gap="xs" wrap="nowrap">
        <RunStatus run={j.running ? { status: 'running' } : j.lastRun} />
        {j.lastRun && (
          <Tooltip label={formatDateTime(j.lastRun.startedAt)}>
            <Text size="xs" c="dimmed">
              {formatRelative(j.lastRun.startedAt)}
            </Text>
          </Tooltip>
        )}
      </Group>
    ),
  },
  {
    key: 'idleRuns',
    header: 'Idle runs',
    value: (j) => j.idleRuns?.count ?? 0,
    // Scheduled runs that found nothing to do are counted here instead of filling the run history.
    render: (j) =>
      j.idleRuns ? (
        <Tooltip label={`Last: ${j.idleRuns.lastMessage ?? 'nothing to do'} (${formatRelative(j.idleRuns.lastAt)})`} multiline maw={320}>
          <Text size="sm" data-testid={`idle-${j.name}`}>
            {j.idleRuns.count} idle {j.idleRuns.count === 1 ? 'run' : 'runs'}
          </Text>
        </Tooltip>
      ) : (
        '—'
      ),
    visibleFrom: 'md',
  },
  { key: 'nextRunAt', header: 'Next run', sortable: true, value: (j) => j.nextRunAt, render: (j) => (j.nextRunAt ? formatRelative(j.nextRunAt) : '—'), visibleFrom: 'sm' },
];

const runColumns: DataTableColumn<JobRun>[] = [
  { key: 'job', header: 'Job', value: (r) => r.job, render: (r) => <Text size="sm" fw={500}>{r.job}</Text> },
  { key: 'trigger', header: 'Trigger', value: (r) => r.trigger, visibleFrom: 'md' },
  { key: 'status', header: 'Status', value: (r) => r.status, render: (r) => <RunStatus run={r} /> },
  { key: 'progress', header: 'Progress', value: (r) => (r.progress === null ? '' : Math.round(r.progress * 100)), render: (r) => <RunProgress run={r} /> },
  { key: 'startedAt', header: 'Started', value: (r) => r.startedAt, render: (r) => formatDateTime(r.startedAt), visibleFrom: 'sm' },
  { key: 'duration', header: 'Took', value: duration, render: (r) => formatDuration(duration(r)), visibleFrom: 'sm' },
  {
    key: 'result',
    header: 'Result',
    value: (r) => r.error ?? r.message,
    render: (r) => (
      <Text size="sm" c={r.error ? 'red' : undefined} lineClamp={2} maw={320}>
        {r.error ?? (r.status === 'running' ? '' : r.message) ?? '—'}
      </Text>
    ),
    visibleFrom: 'lg',
  },
];

export function JobsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'jobs.write');
  const [jobParam, setJobFilter] = useUrlFilter('job');
  const jobFilter = jobParam || null;
  // The job list, shared by the schedules table (through its own fetch) and the runs filter.
  const jobs = useQuery({ queryKey: [...JOBS_KEY, 'list'], queryFn: () => unwrap(api.GET('/api/admin/jobs')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: JOBS_KEY });

  async function runNow(job: Job) {
    try {
      await unwrap(api.POST('/api/admin/jobs/{name}/run', { params: { path: { name: job.name } } }));
      notifySuccess(`${job.name} started.`);
      await refresh();
    } catch (error) {
      notifyError(error, `${job.name} did not start`);
    }
  }

  return (
    <>
      <PageHeader title="Jobs" description="Background work Usher does on a schedule. Run one now to see its progress live." />
      {jobs.data && !jobs.data.schedulerRunning && (
        <Alert color="yellow" mb="md" title="The scheduler is off on this instance">
          Jobs run only when started by hand here (another instance may run the schedule, or USHER_DISABLE_JOBS is set).
        </Alert>
      )}
      <Stack gap="xl">
        <DataTable
          urlKey="jobs"
          queryKey={[...JOBS_KEY, 'schedules']}
          fetchPage={async (query) => {
            const result = await unwrap(api.GET('/api/admin/jobs'));
            return pageLocally(result.items, query, {
              search: (j) => `${j.name} ${j.description}`,
              sortBy: { name: (j) => j.name, lastRun: (j) => j.lastRun?.startedAt, nextRunAt: (j) => j.nextRunAt },
            });
          }}
          columns={jobColumns}
          rowKey={(j) => j.name}
          rowLabel={(j) => j.name}
          rowActions={(j) => [{ label: 'Run now', icon: <IconPlayerPlay size={16} />, disabled: !writable || j.running, onClick: () => void runNow(j) }]}
          refetchInterval={(page) => (page?.items.some((j) => j.running) ? POLL_MS : false)}
          searchPlaceholder="Search jobs"
          initialSort={{ key: 'name', order: 'asc' }}
          exportName="jobs"
          emptyMessage="No jobs are registered."
        />
        <div>
          <Title order={3} size="h4" mb="sm">
            Runs
          </Title>
          <DataTable
            urlKey="runs"
            queryKey={[...JOBS_KEY, 'runs', jobFilter]}
            fetchPage={(query) =>
              unwrap(api.GET('/api/admin/jobs/runs', { params: { query: { page: query.page, pageSize: query.pageSize, ...(jobFilter ? { job: jobFilter } : {}) } } }))
            }
            columns={runColumns}
            rowKey={(r) => r.id}
            refetchInterval={(page) => (page?.items.some((r) => r.status === 'running') ? POLL_MS : false)}
            toolbar={
              <Select
                aria-label="Filter runs by job"
                placeholder="All jobs"
                data={(jobs.data?.items ?? []).map((j) => j.name)}
                value={jobFilter}
                onChange={setJobFilter}
                clearable
                w={220}
              />
            }
            exportName="job-runs"
            emptyMessage="No runs yet."
          />
        </div>
      </Stack>
    </>
  );
}
