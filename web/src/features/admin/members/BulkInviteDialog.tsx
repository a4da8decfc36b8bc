import { Anchor, Badge, Button, Code, FileInput, Group, Modal, Progress, ScrollArea, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDownload, IconFileTypeCsv } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../../api/client';
import { downloadFile } from '../../../components/data-table/csv';
import { FormError } from '../../../components/FormError';
import { notifyError } from '../../../components/notify';
import { MEDIA_KEY } from '../media/queries';

type RowCheck = Schemas['BulkInviteRowCheck'];
type DryRun = { total: number; valid: number; invalid: number; rows: RowCheck[] };

const COLUMNS = 'email, username, plan, server, start, end, months, amount, transaction_id, payer_email, notes, send_notification';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Every member as CSV from the server (the table's own export only has the rows it loaded). */
export async function exportAllMembers(save: (name: string, content: string) => void = downloadFile): Promise<void> {
  try {
    const csv = await unwrap(api.GET('/api/admin/members/export.csv', { parseAs: 'text' }));
    save('members.csv', csv as string);
  } catch (error) {
    notifyError(error, 'The export failed');
  }
}

function RowTable({ rows }: { rows: RowCheck[] }) {
  return (
    <ScrollArea.Autosize mah={320}>
      <Table striped stickyHeader aria-label="Row results">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Line</Table.Th>
            <Table.Th>Member</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.row}>
              <Table.Td>{r.row}</Table.Td>
              <Table.Td>{r.email ?? r.username ?? '—'}</Table.Td>
              <Table.Td>
                <Badge color={r.ok ? 'green' : 'red'} variant="light">
                  {r.ok ? 'OK' : r.code}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{r.ok ? [r.planName, r.serverName].filter(Boolean).join(' · ') : r.message}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}

/** The job's progress, polled until it ends, with the per-row report to download. */
function JobProgress({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ['bulk-invite', id],
    queryFn: async () => {
      const view = await unwrap(
        api.GET('/api/admin/members/bulk-invite/{jobId}', { params: { path: { jobId: id }, query: { results: 'false' } } }),
      );
      if (view.status === 'done') await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      return view;
    },
    refetchInterval: (query) =>
      query.state.data && (query.state.data.status === 'done' || query.state.data.status === 'failed') ? false : 1000,
  });
  const view = job.data;
  const finished = view?.status === 'done' || view?.status === 'failed';
  return (
    <Stack gap="xs">
      <Progress value={Math.round((view?.progress ?? 0) * 100)} animated={!finished} aria-label="Bulk invite progress" />
      <Text size="sm" role="status">
        {!view
          ? 'Starting…'
          : view.status === 'pending'
            ? 'Waiting for the job to start…'
            : view.status === 'failed'
              ? `The job stopped: ${view.error ?? 'unknown error'}. ${plural(view.invited, 'member')} invited before it stopped.`
              : `${view.status === 'done' ? 'Done' : 'Working'}: ${view.rowsDone} of ${view.rowsTotal} rows — ${plural(view.invited, 'member')} invited, ${plural(view.skipped, 'row')} skipped.`}
      </Text>
      <FormError error={job.error} />
      <Group>
        <Anchor href={`/api/admin/members/bulk-invite/${encodeURIComponent(id)}/report.csv`} download size="sm">
          <Group gap={4}>
            <IconDownload size={16} />
            Download report
          </Group>
        </Anchor>
        <Anchor component={Link} to="/admin/jobs" size="sm">
          See it on the Jobs page
        </Anchor>
      </Group>
    </Stack>
  );
}

/** Bulk invite from CSV: a dry run first, then a background job with progress and a report. */
export function BulkInviteDialog({ onClose }: { onClose: () => void }) {
  const [csv, setCsv] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<DryRun | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const edit = (text: string) => {
    setCsv(text);
    setChecked(null);
  };

  const dryRun = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/members/bulk-invite/dry-run', { body: { csv } })),
    onSuccess: (result) => setChecked(result),
  });
  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/members/bulk-invite', { body: { csv } })),
    onSuccess: (result) => setJobId(result.id),
  });

  return (
    <Modal opened onClose={onClose} title="Bulk invite (CSV)" centered size="xl">
      <Stack>
        {jobId ? (
          <JobProgress id={jobId} />
        ) : (
          <>
            <Text size="sm">
              A header row, then one member per row. Columns: <Code>{COLUMNS}</Code>. Each row needs an email or a username; the plan is a
              name or id (blank: the default plan); dates are YYYY-MM-DD in the site time zone; give an end date or a number of months
              (blank: one plan period from now); the amount is in the site currency (blank: the plan&apos;s cost).
            </Text>
            <FileInput
              label="CSV file"
              placeholder="Choose a .csv file"
              accept=".csv,text/csv"
              leftSection={<IconFileTypeCsv size={16} />}
              value={file}
              clearable
              onChange={(f) => {
                setFile(f);
                if (f) void f.text().then(edit);
                else edit('');
              }}
            />
            <Textarea
              label="Or paste the CSV"
              autosize
              minRows={4}
              maxRows={10}
              value={csv}
              onChange={(e) => edit(e.currentTarget.value)}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
            <FormError error={dryRun.error ?? start.error} />
            {checked && (
              <>
                <Text size="sm" role="status">
                  {plural(checked.valid, 'row')} ready to invite, {plural(checked.invalid, 'row')} with problems (skipped by the job).
                </Text>
                <RowTable rows={checked.rows} />
              </>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {jobId ? 'Close' : 'Cancel'}
          </Button>
          {!jobId && (
            <Button
              variant={checked ? 'default' : 'filled'}
              onClick={() => dryRun.mutate()}
              loading={dryRun.isPending}
              disabled={csv.trim() === ''}
            >
              Dry run
            </Button>
          )}
          {!jobId && checked && checked.valid > 0 && (
            <Button onClick={() => start.mutate()} loading={start.isPending}>
              Invite {plural(checked.valid, 'member')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
