import { Anchor, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { DataTable, type DataTableColumn, type DataTableQuery } from '../../components/data-table';
import { useUrlFilter } from '../../components/data-table/url-state';
import { PageHeader } from '../../components/PageHeader';
import { actionLabel, detailLines, targetView } from '../../lib/audit-labels';
import { formatDateTime } from '../../lib/format';

type Entry = Schemas['AuditEntry'];
export const AUDIT_KEY = ['admin', 'audit'] as const;

interface AuditFilters {
  action: string;
  actorId: string | null;
  from: string;
  to: string;
}

/** A calendar day in the viewer's zone, as the instant it starts (plus `days`). */
function dayStart(day: string, days = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + days);
  return date.toISOString();
}

export function fetchAudit(query: DataTableQuery, filters: AuditFilters) {
  const from = dayStart(filters.from);
  const to = dayStart(filters.to, 1);
  return unwrap(
    api.GET('/api/admin/audit', {
      params: {
        query: {
          page: query.page,
          pageSize: query.pageSize,
          order: query.order,
          ...(query.q ? { q: query.q } : {}),
          ...(filters.action ? { action: filters.action } : {}),
          ...(filters.actorId ? { actorId: filters.actorId } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
      },
    }),
  );
}

/** The target's name, linked to its page when it still exists. */
export function AuditTarget({ entry }: { entry: Entry }) {
  const target = targetView(entry);
  if (!target) return <>—</>;
  return target.href ? (
    <Anchor component={Link} to={target.href} size="sm">
      {target.label}
    </Anchor>
  ) : (
    <Text size="sm" c="dimmed">
      {target.label}
    </Text>
  );
}

const columns: DataTableColumn<Entry>[] = [
  { key: 'at', header: 'When', sortable: true, value: (e) => e.at, render: (e) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Text> },
  {
    key: 'actor',
    header: 'Who',
    value: (e) => e.actorLabel ?? e.actorType,
    render: (e) => <Text size="sm">{e.actorLabel ?? (e.actorType === 'system' ? 'Usher' : e.actorType === 'anonymous' ? 'A visitor' : '—')}</Text>,
  },
  { key: 'action', header: 'What', value: (e) => actionLabel(e.action), render: (e) => <Text size="sm" title={e.action}>{actionLabel(e.action)}</Text> },
  { key: 'target', header: 'Target', value: (e) => targetView(e)?.label ?? '', render: (e) => <AuditTarget entry={e} />, visibleFrom: 'sm' },
  { key: 'ip', header: 'IP', value: (e) => e.ip, visibleFrom: 'md' },
  {
    key: 'details',
    header: 'Details',
    value: (e) => detailLines(e.details).join('; '),
    visibleFrom: 'lg',
    render: (e) => {
      const lines = detailLines(e.details);
      if (lines.length === 0) return '—';
      return (
        <Stack gap={0}>
          {lines.map((line) => (
            <Text key={line} size="xs">
              {line}
            </Text>
          ))}
        </Stack>
      );
    },
  },
];

export function AuditPage() {
  const login = useSession().data?.login;
  // Filters live in the URL with the table's own search, sort and page (reload and back keep them).
  const [actionParam, setActionParam] = useUrlFilter('action');
  const [action, setAction] = useState(actionParam);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  useEffect(() => {
    if (debouncedAction !== actionParam) setActionParam(debouncedAction);
  }, [debouncedAction]);
  const [actorParam, setActorId] = useUrlFilter('actor');
  const actorId = actorParam || null;
  const [from, setFrom] = useUrlFilter('from');
  const [to, setTo] = useUrlFilter('to');
  const filters: AuditFilters = { action: actionParam, actorId, from, to };
  const actors = useQuery({
    queryKey: ['admin', 'logins', 'actors'],
    queryFn: () => unwrap(api.GET('/api/admin/logins', { params: { query: { pageSize: 100, sort: 'email', order: 'asc' } } })),
    enabled: can(login, 'logins.read'),
  });

  return (
    <>
      <PageHeader title="Audit log" description="Who did what and when: every admin, member and system action." />
      <DataTable
        queryKey={[...AUDIT_KEY, filters]}
        fetchPage={(query) => fetchAudit(query, filters)}
        columns={columns}
        rowKey={(e) => String(e.id)}
        searchPlaceholder="Search"
        toolbar={
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput aria-label="Action" placeholder="Action code, e.g. auth.login" value={action} onChange={(e) => setAction(e.currentTarget.value)} w={190} />
            {can(login, 'logins.read') && (
              <Select
                aria-label="Actor"
                placeholder="Any actor"
                data={(actors.data?.items ?? []).map((l) => ({ value: l.id, label: l.email }))}
                value={actorId}
                onChange={setActorId}
                searchable
                clearable
                w={210}
              />
            )}
            <TextInput type="date" aria-label="From date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={150} />
            <TextInput type="date" aria-label="To date" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={150} />
          </Group>
        }
        initialSort={{ key: 'at', order: 'desc' }}
        initialPageSize={50}
        exportName="audit-log"
        emptyMessage="No audit entries match these filters."
      />
    </>
  );
}
