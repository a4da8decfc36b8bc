import { Badge, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconChecks, IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { DataTable, type DataTableColumn } from '../../components/data-table';
import { notifyError, notifySuccess } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';

type AdminAlert = Schemas['Alert'];
// A prefix of the unread-count key too, so every refresh here also updates the menu badge.
export const ALERTS_KEY = ['admin', 'alerts'] as const;

const SEVERITY_COLOR = { info: 'blue', warning: 'yellow', error: 'red' } as const;

const columns: DataTableColumn<AdminAlert>[] = [
  {
    key: 'severity',
    header: 'Severity',
    value: (a) => a.severity,
    render: (a) => (
      <Badge color={SEVERITY_COLOR[a.severity]} variant="light">
        {a.severity}
      </Badge>
    ),
  },
  {
    key: 'title',
    header: 'Alert',
    value: (a) => a.title,
    render: (a) => (
      <Stack gap={2}>
        <Text size="sm" fw={a.readAt ? 400 : 700}>
          {a.title}
        </Text>
        <Text size="xs" c="dimmed" lineClamp={2}>
          {a.message}
        </Text>
      </Stack>
    ),
  },
  { key: 'at', header: 'When', value: (a) => a.at, render: (a) => formatDateTime(a.at), visibleFrom: 'sm' },
  { key: 'read', header: 'Status', value: (a) => (a.readAt ? 'read' : 'unread'), render: (a) => (a.readAt ? <Text size="sm" c="dimmed">Read</Text> : <Badge color="red">Unread</Badge>) },
];
// On screen the message sits under the title; the CSV keeps it in its own column.
const exportColumns: DataTableColumn<AdminAlert>[] = [...columns.slice(0, 2), { key: 'message', header: 'Message', value: (a) => a.message }, ...columns.slice(2)];

export function AlertsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'alerts.write');
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ALERTS_KEY });

  async function markRead(body: { ids: string[] } | { all: true }) {
    try {
      const { marked } = await unwrap(api.POST('/api/admin/alerts/read', { body }));
      notifySuccess(marked === 1 ? 'Alert marked read.' : `${marked} alerts marked read.`);
      await refresh();
    } catch (error) {
      notifyError(error);
    }
  }

  return (
    <>
      <PageHeader title="Alerts" description="Problems Usher found that need the operator: invalid tokens, unreachable servers, failed operations." />
      <DataTable
        queryKey={[...ALERTS_KEY, 'list', filter]}
        fetchPage={(query) =>
          unwrap(api.GET('/api/admin/alerts', { params: { query: { page: query.page, pageSize: query.pageSize, unread: filter === 'unread' ? 'true' : 'false' } } }))
        }
        columns={columns}
        exportColumns={exportColumns}
        rowKey={(a) => a.id}
        rowLabel={(a) => a.title}
        rowActions={(a) => [{ label: 'Mark read', icon: <IconCheck size={16} />, disabled: a.readAt !== null || !writable, onClick: () => void markRead({ ids: [a.id] }) }]}
        headerActions={[{ label: 'Mark all read', icon: <IconChecks size={16} />, disabled: !writable, onClick: () => void markRead({ all: true }) }]}
        bulkActions={(rows) => [
          { label: 'Mark selected read', icon: <IconChecks size={16} />, disabled: !writable || rows.every((a) => a.readAt !== null), onClick: () => void markRead({ ids: rows.map((a) => a.id) }) },
        ]}
        toolbar={
          <SegmentedControl
            value={filter}
            onChange={(v) => setFilter(v as 'all' | 'unread')}
            data={[
              { value: 'all', label: 'All' },
              { value: 'unread', label: 'Unread' },
            ]}
          />
        }
        exportName="alerts"
        emptyMessage={filter === 'unread' ? 'No unread alerts. All is well.' : 'No alerts yet. All is well.'}
      />
    </>
  );
}
