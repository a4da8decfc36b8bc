import { Button, Checkbox, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { useFieldErrors } from '../../../lib/form-errors';
import { formatMinor, parseMajor } from '../../../lib/money';
import { refreshMedia, useLocations, useServers } from '../media/queries';
import { fetchPlans, PLANS_KEY } from '../plans/queries';

type InviteBody = paths['/api/admin/members/invite']['post']['requestBody']['content']['application/json'];
export type InviteResult = Schemas['InviteResult'];

const AUTOMATIC = 'automatic';
const fromLocalInput = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

/**
 * The admin's Invite (reference §6.6): records the member and their payment, so they are active at
 * once, and places them on the chosen server (or lets placement choose), where Usher shares or
 * creates the account and, if asked, emails them how to accept.
 */
export function InviteMemberDialog({ onClose, onInvited }: { onClose: () => void; onInvited?: (result: InviteResult) => void }) {
  const queryClient = useQueryClient();
  const plans = useQuery({ queryKey: [...PLANS_KEY, 'all'], queryFn: fetchPlans });
  const servers = useServers();
  const locations = useLocations();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [planId, setPlanId] = useState<string | null>(null);
  const [serverId, setServerId] = useState<string>(AUTOMATIC);
  const [locationId, setLocationId] = useState<string | null>(null);
  const [paypalEmail, setPaypalEmail] = useState('');
  const [transactionId, setTransactionId] = useState('');
  const [sequenceNumber, setSequenceNumber] = useState<number>(1);
  const [subscriptionId, setSubscriptionId] = useState('');
  const [amount, setAmount] = useState('');
  const [periodMode, setPeriodMode] = useState<'periods' | 'dates'>('periods');
  const [periods, setPeriods] = useState<number>(1);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [notify, setNotify] = useState(true);

  const plan = plans.data?.find((p) => p.id === planId);
  const currency = plan?.currency ?? plans.data?.[0]?.currency ?? 'USD';
  const amountMinor = amount.trim() === '' ? undefined : parseMajor(amount, currency);

  const invite = useMutation({
    mutationFn: () => {
      const period =
        periodMode === 'periods'
          ? { periods }
          : fromLocalInput(from) && fromLocalInput(to)
            ? { from: fromLocalInput(from)!, to: fromLocalInput(to)! }
            : undefined;
      const body: InviteBody = {
        email: email.trim() || null,
        username: username.trim() || null,
        planId: planId ?? '',
        serverId: serverId === AUTOMATIC ? null : serverId,
        locationId: serverId === AUTOMATIC ? locationId : null,
        paypalEmail: paypalEmail.trim() || null,
        transactionId: transactionId.trim() || null,
        sequenceNumber,
        subscriptionId: subscriptionId.trim() || null,
        ...(amountMinor !== undefined && amountMinor !== null ? { amountMinor } : {}),
        ...(period ? { period } : {}),
        sendNotification: notify,
      };
      return unwrap(api.POST('/api/admin/members/invite', { body }));
    },
    onSuccess: async (result) => {
      notifySuccess(`${result.member.email ?? result.member.username ?? 'The member'} was invited to ${result.serverName}.`);
      await refreshMedia(queryClient);
      onInvited?.(result);
      onClose();
    },
  });
  const errors = useFieldErrors(invite.error, {
    codeFields: {
      member_exists: 'email',
      unknown_plan: 'planId',
      unknown_server: 'serverId',
      unknown_location: 'locationId',
      duplicate_transaction: 'transactionId',
      period_invalid: 'to',
    },
    aliases: { 'period.periods': 'periods', 'period.from': 'from', 'period.to': 'to', period: 'to' },
  });
  const field = (name: string) => ({ error: errors.of(name) });
  const serverData = [
    { value: AUTOMATIC, label: 'Automatic (best server with room)' },
    ...(servers.data ?? []).map((s) => ({ value: s.id, label: s.enabled ? s.name : `${s.name} (disabled)`, disabled: !s.enabled })),
  ];

  return (
    <Modal opened onClose={onClose} title="Invite member" centered size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          invite.mutate();
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Records a manual payment so the member is active at once, then shares the plan&apos;s libraries on the server (a Plex invite, or
            a new Jellyfin/Emby account).
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Email"
              type="email"
              description="The Plex account email; for Jellyfin/Emby, where the login details go"
              value={email}
              {...field('email')}
              onChange={(e) => {
                setEmail(e.currentTarget.value);
                errors.clear('email');
              }}
            />
            <TextInput
              label="Username"
              description="Jellyfin/Emby account name, or the Plex username"
              value={username}
              {...field('username')}
              onChange={(e) => {
                setUsername(e.currentTarget.value);
                errors.clear('username');
              }}
            />
          </SimpleGrid>
          <Select
            label="Plan"
            required
            data={(plans.data ?? []).map((p) => ({ value: p.id, label: p.active ? p.name : `${p.name} (inactive)` }))}
            value={planId}
            {...field('planId')}
            onChange={(v) => {
              setPlanId(v);
              errors.clear('planId');
            }}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Server"
              allowDeselect={false}
              data={serverData}
              value={serverId}
              {...field('serverId')}
              onChange={(v) => {
                setServerId(v ?? AUTOMATIC);
                errors.clear('serverId');
              }}
            />
            <Select
              label="Location"
              description="Preferred for automatic placement"
              placeholder="Any location"
              clearable
              disabled={serverId !== AUTOMATIC}
              data={(locations.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
              value={locationId}
              {...field('locationId')}
              onChange={(v) => {
                setLocationId(v);
                errors.clear('locationId');
              }}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="invite-period-label">
              Period
            </Text>
            <SegmentedControl
              aria-labelledby="invite-period-label"
              value={periodMode}
              onChange={(v) => setPeriodMode(v as 'periods' | 'dates')}
              data={[
                { value: 'periods', label: 'Number of periods' },
                { value: 'dates', label: 'From / to' },
              ]}
            />
          </Stack>
          {periodMode === 'periods' ? (
            <NumberInput
              label="Periods"
              description={plan ? `Each ${plan.duration.count} ${plan.duration.unit}, starting now` : 'Plan periods, starting now'}
              min={1}
              max={120}
              allowDecimal={false}
              value={periods}
              {...field('periods')}
              onChange={(v) => {
                setPeriods(typeof v === 'number' ? v : 1);
                errors.clear('periods');
              }}
            />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                type="datetime-local"
                label="From"
                value={from}
                {...field('from')}
                onChange={(e) => setFrom(e.currentTarget.value)}
              />
              <TextInput
                type="datetime-local"
                label="To (exclusive)"
                value={to}
                {...field('to')}
                onChange={(e) => setTo(e.currentTarget.value)}
              />
            </SimpleGrid>
          )}
          <TextInput
            label={`Amount (${currency})`}
            description={plan ? `Blank: the plan's cost per period, ${formatMinor(plan.costMinor, plan.currency)}` : undefined}
            inputMode="decimal"
            value={amount}
            error={amountMinor === null ? `A plain amount with at most the decimals ${currency} has` : errors.of('amountMinor')}
            onChange={(e) => setAmount(e.currentTarget.value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="PayPal email"
              type="email"
              description="Matches this member's future PayPal payments"
              value={paypalEmail}
              {...field('paypalEmail')}
              onChange={(e) => {
                setPaypalEmail(e.currentTarget.value);
                errors.clear('paypalEmail');
              }}
            />
            <TextInput
              label="Transaction ID"
              description="e.g. 2022-08-10-Venmo-1, a PayPal id or pi_…"
              maxLength={200}
              value={transactionId}
              {...field('transactionId')}
              onChange={(e) => {
                setTransactionId(e.currentTarget.value);
                errors.clear('transactionId');
              }}
            />
            <NumberInput
              label="Sequence number"
              description="1, unless one payment covers several members"
              min={0}
              allowDecimal={false}
              value={sequenceNumber}
              {...field('sequenceNumber')}
              onChange={(v) => setSequenceNumber(typeof v === 'number' ? v : 1)}
            />
            <TextInput
              label="Subscription ID"
              description="An existing PayPal I-… or Stripe sub_…"
              maxLength={200}
              value={subscriptionId}
              {...field('subscriptionId')}
              onChange={(e) => setSubscriptionId(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Checkbox
            label="Send the invite email with how to accept"
            checked={notify}
            onChange={(e) => setNotify(e.currentTarget.checked)}
          />
          <FormError error={errors.formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={invite.isPending} disabled={amountMinor === null}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
