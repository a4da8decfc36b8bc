import { Button, Checkbox, Group, List, Modal, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { notifySuccess, notifyWarning } from '../../../components/notify';
import { MEDIA_KEY } from '../media/queries';
import { fetchPlans, PLANS_KEY } from '../plans/queries';
import { memberName } from './member-actions';

type MemberDetail = Schemas['MemberDetail'];

/** Edit the member's own fields; status and plan come from payments, not from here. */
export function EditMemberDialog({ member, onClose }: { member: MemberDetail; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(member.email ?? '');
  const [paypalEmail, setPaypalEmail] = useState(member.paypalEmail ?? '');
  const [discordId, setDiscordId] = useState(member.discordId ?? '');
  const [notes, setNotes] = useState(member.notes ?? '');
  const [quota, setQuota] = useState<number | ''>(member.weeklyDownloadQuota ?? '');
  const [permanent, setPermanent] = useState(member.permanent);
  const [plexChange, setPlexChange] = useState(member.requiresPlexAccountChange);
  const discordInvalid = discordId.trim() !== '' && !/^\d{17,20}$/.test(discordId.trim());

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/admin/members/{id}', {
          params: { path: { id: member.id } },
          body: {
            email: email.trim() || null,
            paypalEmail: paypalEmail.trim() || null,
            discordId: discordId.trim() || null,
            notes: notes.trim() || null,
            weeklyDownloadQuota: quota === '' ? null : quota,
            permanent,
            requiresPlexAccountChange: plexChange,
          },
        }),
      ),
    onSuccess: async () => {
      notifySuccess('Member saved.');
      await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      onClose();
    },
  });

  return (
    <Modal opened onClose={onClose} title={`Edit ${memberName(member)}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Email" type="email" maxLength={320} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <TextInput label="PayPal email" type="email" maxLength={320} description="When they pay from another address" value={paypalEmail} onChange={(e) => setPaypalEmail(e.currentTarget.value)} />
            <TextInput label="Discord ID" description="17 to 20 digits" value={discordId} error={discordInvalid ? 'A Discord ID is 17 to 20 digits' : undefined} onChange={(e) => setDiscordId(e.currentTarget.value)} />
            <NumberInput label="Weekly download quota" description="Blank: the plan's quota applies" min={0} max={100000} allowDecimal={false} value={quota} onChange={(v) => setQuota(typeof v === 'number' ? v : '')} />
          </SimpleGrid>
          <Textarea label="Notes" description="Only admins see these" maxLength={4000} autosize minRows={3} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
          <Checkbox label="Permanent: never expires and is exempt from every limit" checked={permanent} onChange={(e) => setPermanent(e.currentTarget.checked)} />
          <Checkbox label="Requires a Plex account change (the member must move to another Plex account)" checked={plexChange} onChange={(e) => setPlexChange(e.currentTarget.checked)} />
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={discordInvalid}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Reference §6.7: an email or username change is a new member with the old one merged into it. */
export function MergeMemberDialog({ member, onClose, onMerged }: { member: MemberDetail; onClose: () => void; onMerged: (targetId: string) => Promise<unknown> }) {
  const queryClient = useQueryClient();
  const [targetId, setTargetId] = useState('');
  const merge = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/members/{id}/merge', { params: { path: { id: member.id } }, body: { targetId: targetId.trim() } })),
    onSuccess: async (target) => {
      notifySuccess(`${memberName(member)} is merged into ${memberName(target)}.`);
      await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      await onMerged(target.id);
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Merge ${memberName(member)} into another member`} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          merge.mutate();
        }}
      >
        <Stack>
          <Text size="sm">
            Payments, server accounts, linked members, the site login (when the other member has none) and notes move to the other member. Then {memberName(member)} is deleted. This cannot be undone.
          </Text>
          <TextInput label="ID of the member to merge into" description="Shown in the address of that member's page" required value={targetId} onChange={(e) => setTargetId(e.currentTarget.value)} />
          <FormError error={merge.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={merge.isPending} disabled={!targetId.trim() || targetId.trim() === member.id}>
              Merge
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export type BulkAction = 'extend' | 'make_permanent' | 'change_plan' | 'delete';
const BULK_TITLE: Record<BulkAction, string> = { extend: 'Extend', make_permanent: 'Make permanent', change_plan: 'Change plan', delete: 'Delete' };

/** Confirms a bulk action (asking for days or a plan when it needs one) and reports per-member failures. */
export function BulkMembersDialog({ action, members, onClose }: { action: BulkAction; members: { id: string; email: string | null; username: string | null }[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const plans = useQuery({ queryKey: [...PLANS_KEY, 'all'], queryFn: fetchPlans, enabled: action === 'change_plan' });
  const [days, setDays] = useState<number | ''>(30);
  const [planId, setPlanId] = useState<string | null>(null);
  const [failures, setFailures] = useState<{ name: string; message: string }[] | null>(null);
  const [keepOnServer, setKeepOnServer] = useState(false);
  const n = members.length;
  const who = `${n} member${n === 1 ? '' : 's'}`;
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/members/bulk', {
          body: { ids: members.map((m) => m.id), action, ...(action === 'extend' && days !== '' ? { days } : {}), ...(action === 'change_plan' && planId ? { planId } : {}), ...(action === 'delete' ? { keepOnServer } : {}) },
        }),
      ),
    onSuccess: async ({ results }) => {
      await queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
      const failed = results.filter((r) => !r.ok);
      if (failed.length === 0) {
        notifySuccess(`${BULK_TITLE[action]}: done for ${who}.`);
        onClose();
        return;
      }
      notifyWarning(`${results.length - failed.length} of ${n} done; ${failed.length} could not be.`, `${BULK_TITLE[action]}: partly done`);
      setFailures(failed.map((r) => ({ name: memberName(members.find((m) => m.id === r.id) ?? { email: null, username: r.id }), message: r.error?.message ?? 'Failed.' })));
    },
  });
  const message: Record<BulkAction, string> = {
    extend: `Each of the ${who} gets a free payment of this many days, starting when their paid time ends (or now, if they have expired).`,
    make_permanent: `The ${who} will never expire and are exempt from every limit.`,
    change_plan: `Each of the ${who} moves to this plan for the rest of their current paid period, at no charge. Members with no paid period running are left as they are.`,
    delete: `The ${who} leave every list at once and are never imported again. Their shares (Plex) and accounts (Jellyfin/Emby) are removed through the operations queue, unless you keep them on the servers.`,
  };
  const ready = action === 'extend' ? days !== '' && days >= 1 : action === 'change_plan' ? !!planId : true;
  return (
    <Modal opened onClose={onClose} title={`${BULK_TITLE[action]}: ${who}`} centered>
      <Stack>
        <Text size="sm">{message[action]}</Text>
        {action === 'extend' && <NumberInput label="Days" min={1} max={3650} allowDecimal={false} value={days} onChange={(v) => setDays(typeof v === 'number' ? v : '')} />}
        {action === 'delete' && (
          <Checkbox label="Keep on server" description="Leave their shares and accounts on the servers as they are; Usher only forgets the members." checked={keepOnServer} onChange={(e) => setKeepOnServer(e.currentTarget.checked)} />
        )}
        {action === 'change_plan' && <Select label="New plan" required data={(plans.data ?? []).map((p) => ({ value: p.id, label: p.active ? p.name : `${p.name} (inactive)` }))} value={planId} onChange={setPlanId} />}
        {failures && (
          <List size="sm" spacing={4}>
            {failures.map((f) => (
              <List.Item key={f.name}>
                <Text span fw={500} size="sm">
                  {f.name}
                </Text>
                : {f.message}
              </List.Item>
            ))}
          </List>
        )}
        <FormError error={run.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {failures ? 'Close' : 'Cancel'}
          </Button>
          {!failures && (
            <Button color={action === 'delete' ? 'red' : undefined} loading={run.isPending} disabled={!ready} onClick={() => run.mutate()}>
              {BULK_TITLE[action]}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
