import { Badge, Code, Group, Modal, ScrollArea, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconEye, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { DataTable, type DataTableColumn } from '../../../components/data-table';
import { notifyError, notifySuccess } from '../../../components/notify';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime } from '../../../lib/format';

type GatewayEventSummary = Schemas['GatewayEventSummary'];
type Status = GatewayEventSummary['status'];
type Gateway = 'stripe' | 'paypal' | 'plisio';

const EVENTS_KEY = ['admin', 'payments', 'events'] as const;
const STATUS_COLOR: Record<Status, string> = { applied: 'green', ignored: 'gray', unmatched: 'yellow', failed: 'red' };
const GATEWAY_LABEL: Record<string, string> = { stripe: 'Stripe', paypal: 'PayPal', plisio: 'Plisio' };

const columns: DataTableColumn<GatewayEventSummary>[] = [
  {
    key: 'status',
    header: 'Status',
    value: (e) => e.status,
    render: (e) => (
      <Badge color={STATUS_COLOR[e.status]} variant="light">
        {e.status}
      </Badge>
    ),
  },
  {
    key: 'event',
    header: 'Event',
    value: (e) => e.gatewayType,
    render: (e) => (
      <Stack gap={2}>
        <Text size="sm">{e.gatewayType}</Text>
        <Text size="xs" c="dimmed">
          {GATEWAY_LABEL[e.gateway] ?? e.gateway} · {e.eventId}
        </Text>
        {e.error && (
          <Text size="xs" c="red">
            {e.error}
          </Text>
        )}
      </Stack>
    ),
  },
  { key: 'receivedAt', header: 'Received', value: (e) => e.receivedAt, render: (e) => formatDateTime(e.receivedAt), visibleFrom: 'sm' },
];

/** What each gateway told Usher, what became of it, and a way to apply what matched nobody once fixed. */
export function WebhookEventsPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'payments.write');
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [gateway, setGateway] = useState<Gateway | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: EVENTS_KEY });

  async function replay(id: string) {
    try {
      const event = await unwrap(api.POST('/api/admin/payments/events/{id}/replay', { params: { path: { id } }, body: {} }));
      if (event.status === 'applied') notifySuccess('The event was applied.');
      else notifyError(new Error(`The event is still ${event.status}${event.error ? `: ${event.error}` : ''}.`));
      await refresh();
    } catch (error) {
      notifyError(error);
    }
  }

  return (
    <>
      <PageHeader
        title="Webhook events"
        description="Every event the payment gateways sent, checked and applied once. Unmatched events name no member Usher knows: fix the cause, then replay them."
      />
      <DataTable
        queryKey={[...EVENTS_KEY, status, gateway]}
        fetchPage={(query) =>
          unwrap(
            api.GET('/api/admin/payments/events', {
              params: {
                query: {
                  page: query.page,
                  pageSize: query.pageSize,
                  ...(status === 'all' ? {} : { status }),
                  ...(gateway ? { gateway } : {}),
                },
              },
            }),
          )
        }
        columns={columns}
        rowKey={(e) => e.id}
        rowLabel={(e) => e.gatewayType}
        rowActions={(e) => [
          { label: 'View payload', icon: <IconEye size={16} />, onClick: () => setViewing(e.id) },
          {
            label: 'Replay',
            icon: <IconRefresh size={16} />,
            disabled: !writable || (e.status !== 'failed' && e.status !== 'unmatched'),
            onClick: () => void replay(e.id),
          },
        ]}
        toolbar={
          <Group gap="sm" wrap="wrap">
            <SegmentedControl
              aria-label="Status"
              value={status}
              onChange={(v) => setStatus(v as Status | 'all')}
              data={[
                { value: 'all', label: 'All' },
                { value: 'unmatched', label: 'Unmatched' },
                { value: 'failed', label: 'Failed' },
                { value: 'applied', label: 'Applied' },
              ]}
            />
            <Select
              aria-label="Gateway"
              placeholder="Every gateway"
              clearable
              value={gateway}
              onChange={(v) => setGateway(v as Gateway | null)}
              data={Object.entries(GATEWAY_LABEL).map(([value, label]) => ({ value, label }))}
              w={160}
            />
          </Group>
        }
        emptyMessage="No webhook events yet. Paste each gateway's webhook URL into its dashboard (see Settings)."
      />
      <PayloadModal id={viewing} onClose={() => setViewing(null)} />
    </>
  );
}

function PayloadModal({ id, onClose }: { id: string | null; onClose: () => void }) {
  const event = useQuery({
    queryKey: [...EVENTS_KEY, 'detail', id],
    queryFn: () => unwrap(api.GET('/api/admin/payments/events/{id}', { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
  return (
    <Modal opened={id !== null} onClose={onClose} title={event.data ? event.data.gatewayType : 'Event'} size="xl">
      {event.data && (
        <Stack gap="xs">
          <Text size="sm">
            {GATEWAY_LABEL[event.data.gateway] ?? event.data.gateway} event {event.data.eventId}, received{' '}
            {formatDateTime(event.data.receivedAt)}
            {event.data.appliedAt ? `, applied ${formatDateTime(event.data.appliedAt)}` : ''}.
          </Text>
          <ScrollArea.Autosize mah={480}>
            <Code block>{pretty(event.data.payload)}</Code>
          </ScrollArea.Autosize>
        </Stack>
      )}
    </Modal>
  );
}

/** JSON indented for reading; anything else (a form-encoded body) as it came. */
function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}
