import { Button, Card, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { formatDateTime } from '../../../lib/format';
import { formatMinor, minorToMajor, parseMajor } from '../../../lib/money';
import { fetchPlans, PLANS_KEY } from '../plans/queries';
import { MEDIA_KEY } from '../media/queries';

type Payment = Schemas['Payment'];

/** datetime-local wants local wall time without zone; the API wants ISO instants. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

function PaymentDialog({ memberId, payment, onClose }: { memberId: string; payment: Payment | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const plans = useQuery({ queryKey: [...PLANS_KEY, 'all'], queryFn: fetchPlans });
  const [planId, setPlanId] = useState<string | null>(payment?.planId ?? null);
  const plan = plans.data?.find((p) => p.id === planId);
  const currency = payment?.currency ?? plan?.currency ?? plans.data?.[0]?.currency ?? 'USD';
  const [amount, setAmount] = useState(payment ? minorToMajor(payment.amountMinor, payment.currency) : '');
  const [from, setFrom] = useState(payment ? toLocalInput(payment.from) : '');
  const [to, setTo] = useState(payment ? toLocalInput(payment.to) : '');
  const [transactionId, setTransactionId] = useState(payment?.transactionId ?? '');
  const [sequenceNumber, setSequenceNumber] = useState<number>(payment?.sequenceNumber ?? 0);
  const [subscriptionId, setSubscriptionId] = useState(payment?.subscriptionId ?? '');
  const [payerEmail, setPayerEmail] = useState(payment?.payerEmail ?? '');
  const [notes, setNotes] = useState(payment?.notes ?? '');
  const amountMinor = amount.trim() === '' ? undefined : parseMajor(amount, currency);

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        planId: planId!,
        ...(amountMinor !== undefined && amountMinor !== null ? { amountMinor } : {}),
        ...(fromLocalInput(from) ? { from: fromLocalInput(from) } : {}),
        ...(fromLocalInput(to) ? { to: fromLocalInput(to) } : {}),
        transactionId: transactionId.trim() || null,
        sequenceNumber,
        subscriptionId: subscriptionId.trim() || null,
        payerEmail: payerEmail.trim() || null,
        notes: notes.trim() || null,
      };
      if (payment) return unwrap(api.PATCH('/api/admin/payments/{id}', { params: { path: { id: payment.id } }, body }));
      return unwrap(api.POST('/api/admin/members/{id}/payments', { params: { path: { id: memberId } }, body }));
    },
    onSuccess: async () => {
      notifySuccess(payment ? 'Payment saved.' : 'Payment recorded.');
      await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      onClose();
    },
  });

  return (
    <Modal opened onClose={onClose} title={payment ? 'Edit payment' : 'Add payment'} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Select label="Plan" required data={(plans.data ?? []).map((p) => ({ value: p.id, label: p.active ? p.name : `${p.name} (inactive)` }))} value={planId} onChange={setPlanId} />
          <TextInput
            label={`Amount (${currency})`}
            description={plan ? `Blank: the plan's cost, ${formatMinor(plan.costMinor, plan.currency)}` : undefined}
            inputMode="decimal"
            value={amount}
            error={amountMinor === null ? `A plain amount with at most the decimals ${currency} has` : undefined}
            onChange={(e) => setAmount(e.currentTarget.value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="datetime-local" label="From" description="Blank: when the current paid period ends, or now" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="datetime-local" label="To (exclusive)" description="Blank: one plan period after From" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Transaction ID" maxLength={200} value={transactionId} onChange={(e) => setTransactionId(e.currentTarget.value)} />
            <NumberInput label="Sequence number" min={0} allowDecimal={false} value={sequenceNumber} onChange={(v) => setSequenceNumber(typeof v === 'number' ? v : 0)} />
            <TextInput label="Subscription ID" maxLength={200} value={subscriptionId} onChange={(e) => setSubscriptionId(e.currentTarget.value)} />
            <TextInput label="Payer email" type="email" value={payerEmail} onChange={(e) => setPayerEmail(e.currentTarget.value)} />
          </SimpleGrid>
          <Textarea label="Notes" maxLength={2000} autosize minRows={2} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!planId || amountMinor === null}>
              {payment ? 'Save' : 'Add payment'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The member's payments: the source of truth for whether they are active. */
export function PaymentsCard({ memberId }: { memberId: string }) {
  const queryClient = useQueryClient();
  const login = useSession().data?.login;
  const writable = can(login, 'payments.write');
  const [dialog, setDialog] = useState<{ payment: Payment | null } | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const payments = useQuery({
    queryKey: [...MEDIA_KEY, 'members', 'payments', memberId],
    queryFn: async () => (await unwrap(api.GET('/api/admin/members/{id}/payments', { params: { path: { id: memberId } } }))).items,
    enabled: can(login, 'payments.read'),
  });
  if (!can(login, 'payments.read')) return null;
  const items = payments.data ?? [];

  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          Payments
        </Title>
        <Button size="xs" leftSection={<IconPlus size={14} />} disabled={!writable} onClick={() => setDialog({ payment: null })}>
          Add payment
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        A member is active while a payment&apos;s period covers now; periods include their start and end just before their end.
      </Text>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {payments.isPending ? 'Loading…' : 'No payments.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760} type="native">
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Amount</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>Gateway</Table.Th>
                <Table.Th>Transaction</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td fw={500}>{p.planName}</Table.Td>
                  <Table.Td>{formatMinor(p.amountMinor, p.currency)}</Table.Td>
                  <Table.Td>{formatDateTime(p.from)}</Table.Td>
                  <Table.Td>{formatDateTime(p.to)}</Table.Td>
                  <Table.Td>{p.gateway}</Table.Td>
                  <Table.Td>{p.transactionId ? `${p.transactionId}${p.sequenceNumber ? ` #${p.sequenceNumber}` : ''}` : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button size="compact-xs" variant="subtle" leftSection={<IconEdit size={14} />} disabled={!writable} onClick={() => setDialog({ payment: p })} aria-label={`Edit payment from ${formatDateTime(p.from)}`}>
                        Edit
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        leftSection={<IconTrash size={14} />}
                        disabled={!writable}
                        aria-label={`Delete payment from ${formatDateTime(p.from)}`}
                        onClick={() =>
                          confirm({
                            title: 'Delete payment',
                            message: `Delete the ${p.planName} payment from ${formatDateTime(p.from)} to ${formatDateTime(p.to)}? The member may become expired.`,
                            confirmLabel: 'Delete',
                            action: async () => {
                              await unwrap(api.DELETE('/api/admin/payments/{id}', { params: { path: { id: p.id } } }));
                              await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
                            },
                            success: 'Payment deleted.',
                          })
                        }
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {dialog && <PaymentDialog memberId={memberId} payment={dialog.payment} onClose={() => setDialog(null)} />}
      {confirmDialog}
    </Card>
  );
}
