import { Button, Group, Modal, MultiSelect, NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { minorToMajor, parseMajor } from '../../../lib/money';
import { serverOptions, useLibraryGroups, useServers } from '../media/queries';
import { fetchPlans, PLANS_KEY, type Plan, type PlanBody } from './queries';
import { useConfirmedClose } from '../../../lib/unsaved-changes';

type Form = Omit<PlanBody, 'costMinor'> & { cost: string };

const EMPTY: Form = {
  name: '',
  description: '',
  cost: '',
  duration: { unit: 'months', count: 1 },
  libraryGroupIds: ['group-standard'],
  serverIds: [],
  maxStreams: null,
  streamLimitPolicy: 'newest',
  allowDownloads: false,
  weeklyDownloadQuota: null,
  allowTranscoding: true,
  maxEmbyDevices: null,
  maxSubAccounts: 0,
  masterOnly: false,
  isDefault: false,
  isTrial: false,
  trialDays: null,
  active: true,
  stripePriceId: null,
  paypalPlanId: null,
};

function formOf(plan: Plan): Form {
  const { id: _id, currency, sortOrder: _s, members: _m, createdAt: _c, updatedAt: _u, costMinor, ...rest } = plan;
  return { ...rest, cost: minorToMajor(costMinor, currency) };
}

/** Blank number input = no limit (null). */
function Limit(props: { label: string; value: number | null | undefined; onChange: (v: number | null) => void; description?: string }) {
  return (
    <NumberInput
      label={props.label}
      description={props.description}
      placeholder="No limit"
      min={0}
      allowDecimal={false}
      value={props.value ?? ''}
      onChange={(v) => props.onChange(typeof v === 'number' ? v : null)}
    />
  );
}

export function PlanDialog({ plan, onClose, onDone }: { plan: Plan | null; onClose: () => void; onDone: () => Promise<unknown> }) {
  const login = useSession().data?.login;
  const serversReadable = can(login, 'servers.read');
  const groups = useLibraryGroups(serversReadable);
  const servers = useServers(serversReadable);
  const plans = useQuery({ queryKey: [...PLANS_KEY, 'all'], queryFn: fetchPlans });
  const currency = plan?.currency ?? plans.data?.[0]?.currency ?? 'USD';
  const [initial] = useState<Form>(() => (plan ? formOf(plan) : EMPTY));
  const [form, setForm] = useState<Form>(initial);
  const requestClose = useConfirmedClose(JSON.stringify(form) !== JSON.stringify(initial), onClose);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const costMinor = parseMajor(form.cost, currency);

  const save = useMutation({
    mutationFn: async () => {
      const { cost: _cost, ...rest } = form;
      const body = { ...rest, costMinor: costMinor ?? -1, stripePriceId: rest.stripePriceId || null, paypalPlanId: rest.paypalPlanId || null, trialDays: rest.isTrial ? rest.trialDays : null };
      if (plan) return unwrap(api.PATCH('/api/admin/plans/{id}', { params: { path: { id: plan.id } }, body }));
      return unwrap(api.POST('/api/admin/plans', { body }));
    },
    onSuccess: async () => {
      notifySuccess(`${form.name} saved.`);
      await onDone();
      onClose();
    },
  });

  return (
    <Modal opened onClose={requestClose} title={plan ? `Edit ${plan.name}` : 'Add plan'} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput label="Name" required data-autofocus maxLength={100} value={form.name} onChange={(e) => set('name', e.currentTarget.value)} />
          <Textarea label="Description" maxLength={2000} autosize minRows={2} value={form.description ?? ''} onChange={(e) => set('description', e.currentTarget.value)} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={`Cost (${currency})`}
              description="The site currency, from Settings → General"
              required
              inputMode="decimal"
              value={form.cost}
              error={form.cost !== '' && costMinor === null ? `A plain amount with at most the decimals ${currency} has` : undefined}
              onChange={(e) => set('cost', e.currentTarget.value)}
            />
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <NumberInput
                label="Period"
                required
                min={1}
                allowDecimal={false}
                value={form.duration.count}
                onChange={(v) => set('duration', { ...form.duration, count: typeof v === 'number' ? v : 1 })}
                w={100}
              />
              <SegmentedControl
                value={form.duration.unit}
                onChange={(v) => set('duration', { ...form.duration, unit: v === 'days' ? 'days' : 'months' })}
                data={[
                  { value: 'months', label: 'Months' },
                  { value: 'days', label: 'Days' },
                ]}
              />
            </Group>
          </SimpleGrid>
          <MultiSelect
            label="Library groups"
            description="Every library in these groups is shared; at least one"
            required
            data={(groups.data ?? []).filter((g) => g.builtin !== 'private').map((g) => ({ value: g.id, label: g.name }))}
            value={form.libraryGroupIds}
            onChange={(v) => set('libraryGroupIds', v)}
          />
          <MultiSelect
            label="Target servers"
            description="Tried first when placing a member; none = any server"
            data={serverOptions(servers.data)}
            value={form.serverIds ?? []}
            onChange={(v) => set('serverIds', v)}
            searchable
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Limit label="Max concurrent streams" value={form.maxStreams} onChange={(v) => set('maxStreams', v)} />
            <Limit label="Max Emby devices" value={form.maxEmbyDevices} onChange={(v) => set('maxEmbyDevices', v)} />
            <NumberInput label="Max sub accounts" min={0} max={50} allowDecimal={false} value={form.maxSubAccounts ?? 0} onChange={(v) => set('maxSubAccounts', typeof v === 'number' ? v : 0)} />
          </SimpleGrid>
          {form.maxStreams !== null && form.maxStreams !== undefined && form.maxStreams > 0 && (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="stream-limit-policy-label">
                Over the stream limit, stop
              </Text>
              <SegmentedControl
                aria-labelledby="stream-limit-policy-label"
                value={form.streamLimitPolicy ?? 'newest'}
                onChange={(v) => set('streamLimitPolicy', v === 'all' ? 'all' : 'newest')}
                data={[
                  { value: 'newest', label: 'Only the newest streams' },
                  { value: 'all', label: 'All of the member’s streams' },
                ]}
              />
            </Stack>
          )}
          <Switch label="Allow downloads" description="Needs Plex Pass on Plex servers and Emby Premiere on Emby servers" checked={form.allowDownloads ?? false} onChange={(e) => set('allowDownloads', e.currentTarget.checked)} />
          {form.allowDownloads && <Limit label="Default weekly download quota" value={form.weeklyDownloadQuota} onChange={(v) => set('weeklyDownloadQuota', v)} />}
          <Switch label="Allow video transcoding" checked={form.allowTranscoding ?? true} onChange={(e) => set('allowTranscoding', e.currentTarget.checked)} />
          <Switch label="Master accounts only" checked={form.masterOnly ?? false} onChange={(e) => set('masterOnly', e.currentTarget.checked)} />
          <Switch label="Trial plan" checked={form.isTrial ?? false} onChange={(e) => set('isTrial', e.currentTarget.checked)} />
          {form.isTrial && (
            <NumberInput label="Trial length (days)" required min={1} max={365} allowDecimal={false} value={form.trialDays ?? ''} onChange={(v) => set('trialDays', typeof v === 'number' ? v : null)} />
          )}
          <Switch label="Default plan" description="Imported members land on it; exactly one plan is the default" checked={form.isDefault ?? false} disabled={plan?.isDefault} onChange={(e) => set('isDefault', e.currentTarget.checked)} />
          <Switch label="Active (offered at checkout)" description="An inactive plan keeps its members, who can renew it" checked={form.active ?? true} onChange={(e) => set('active', e.currentTarget.checked)} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Stripe price ID" placeholder="price_…" value={form.stripePriceId ?? ''} onChange={(e) => set('stripePriceId', e.currentTarget.value || null)} />
            <TextInput label="PayPal plan ID" placeholder="P-…" value={form.paypalPlanId ?? ''} onChange={(e) => set('paypalPlanId', e.currentTarget.value || null)} />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            With a Stripe price or PayPal plan ID the plan is also sold as a recurring subscription.
          </Text>
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={requestClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!form.name.trim() || costMinor === null || form.libraryGroupIds.length === 0}>
              {plan ? 'Save' : 'Add plan'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
