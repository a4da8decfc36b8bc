import { Badge, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconArrowDown, IconArrowUp, IconEdit, IconPlayerPause, IconPlayerPlay, IconPlus, IconStar, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, pageLocally, type DataTableAction, type DataTableColumn } from '../../../components/data-table';
import { CheckoutDiagnostics } from './CheckoutDiagnostics';
import { PageHeader } from '../../../components/PageHeader';
import { formatMinor } from '../../../lib/money';
import { PlanDialog } from './PlanDialog';
import { durationLabel, fetchPlans, PLANS_KEY, type Plan } from './queries';

const columns: DataTableColumn<Plan>[] = [
  {
    key: 'name',
    header: 'Plan',
    value: (p) => p.name,
    render: (p) => (
      <Stack gap={0}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={500}>
            {p.name}
          </Text>
          {p.isDefault && (
            <Badge size="xs" variant="light">
              Default
            </Badge>
          )}
          {p.isTrial && (
            <Badge size="xs" variant="light" color="grape">
              Trial
            </Badge>
          )}
          {!p.active && (
            <Badge size="xs" variant="outline" color="gray">
              Inactive
            </Badge>
          )}
        </Group>
        {p.description && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {p.description}
          </Text>
        )}
      </Stack>
    ),
  },
  { key: 'cost', header: 'Cost', value: (p) => p.costMinor, render: (p) => <Text size="sm">{formatMinor(p.costMinor, p.currency)}</Text> },
  { key: 'duration', header: 'Period', value: (p) => durationLabel(p.duration) },
  { key: 'streams', header: 'Streams', value: (p) => p.maxStreams ?? 'No limit', visibleFrom: 'sm' },
  { key: 'downloads', header: 'Downloads', value: (p) => (p.allowDownloads ? 'Yes' : 'No'), visibleFrom: 'md' },
  { key: 'members', header: 'Members', value: (p) => p.members },
];

/** Payments & Plans → Plans: what members buy. An inactive plan is not offered; its members keep it. */
export function PlansPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'plans.write');
  const [dialog, setDialog] = useState<{ plan: Plan | null } | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => queryClient.invalidateQueries({ queryKey: PLANS_KEY });

  async function move(plan: Plan, by: -1 | 1) {
    const ids = (await fetchPlans()).map((p) => p.id);
    const at = ids.indexOf(plan.id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= ids.length) return;
    [ids[at], ids[to]] = [ids[to]!, ids[at]!];
    await unwrap(api.PUT('/api/admin/plans/order', { body: { ids } }));
    await refresh();
  }

  const patch = async (plan: Plan, body: { active?: boolean; isDefault?: boolean }) => {
    await unwrap(api.PATCH('/api/admin/plans/{id}', { params: { path: { id: plan.id } }, body }));
    await refresh();
  };

  const rowActions = (p: Plan): DataTableAction[] => [
    { label: 'Edit', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ plan: p }) },
    { label: 'Move up', icon: <IconArrowUp size={16} />, disabled: !writable, onClick: () => void move(p, -1) },
    { label: 'Move down', icon: <IconArrowDown size={16} />, disabled: !writable, onClick: () => void move(p, 1) },
    ...(p.isDefault ? [] : [{ label: 'Make default', icon: <IconStar size={16} />, disabled: !writable, onClick: () => void patch(p, { isDefault: true }) }]),
    p.active
      ? {
          label: 'Deactivate',
          icon: <IconPlayerPause size={16} />,
          disabled: !writable,
          onClick: () =>
            confirm({
              title: `Deactivate ${p.name}`,
              message: `${p.name} will no longer be offered. Its ${p.members} member${p.members === 1 ? '' : 's'} keep it and can renew it.`,
              confirmLabel: 'Deactivate',
              color: 'orange',
              action: () => patch(p, { active: false }),
              success: `${p.name} is no longer offered.`,
            }),
        }
      : { label: 'Activate', icon: <IconPlayerPlay size={16} />, disabled: !writable, onClick: () => void patch(p, { active: true }) },
    {
      label: 'Delete',
      icon: <IconTrash size={16} />,
      color: 'red',
      disabled: !writable,
      onClick: () =>
        confirm({
          title: `Delete ${p.name}`,
          message: p.members > 0 ? `${p.members} member${p.members === 1 ? ' has' : 's have'} paid for ${p.name}, so it cannot be deleted; deactivate it instead.` : `Delete ${p.name}? Nobody has paid for it.`,
          confirmLabel: 'Delete',
          action: async () => {
            await unwrap(api.DELETE('/api/admin/plans/{id}', { params: { path: { id: p.id } } }));
            await refresh();
          },
          success: `${p.name} is deleted.`,
        }),
    },
  ];

  return (
    <>
      <PageHeader title="Plans" description="What members buy: libraries, limits, period and price. Active plans are offered at checkout, in this order." />
      <DataTable
        queryKey={[...PLANS_KEY, 'table']}
        fetchPage={async (query) => pageLocally(await fetchPlans(), query, { search: (p) => `${p.name} ${p.description}` })}
        columns={columns}
        rowKey={(p) => p.id}
        rowLabel={(p) => p.name}
        rowActions={rowActions}
        headerActions={[{ label: 'Add plan', icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ plan: null }) }]}
        searchPlaceholder="Search plans"
        emptyMessage="No plans."
      />
      <CheckoutDiagnostics />
      {dialog && <PlanDialog plan={dialog.plan} onClose={() => setDialog(null)} onDone={refresh} />}
      {confirmDialog}
    </>
  );
}
