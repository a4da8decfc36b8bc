import { ActionIcon, Anchor, Button, Card, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconLinkOff } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { notifyError, notifySuccess } from '../../../components/notify';
import { MEDIA_KEY } from '../media/queries';
import { memberName } from './member-actions';

/** Reference §2.14: the master pays, linked (sub) members follow the master's status. */
export function LinkedMembersCard({ memberId, masterMemberId, writable }: { memberId: string; masterMemberId: string | null; writable: boolean }) {
  const queryClient = useQueryClient();
  const [subId, setSubId] = useState('');
  const subs = useQuery({
    queryKey: [...MEDIA_KEY, 'members', 'subs', memberId],
    queryFn: async () => (await unwrap(api.GET('/api/admin/members/{id}/subs', { params: { path: { id: memberId } } }))).items,
    enabled: !masterMemberId,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
  const link = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/members/{id}/subs', { params: { path: { id: memberId } }, body: { subId: subId.trim() } })),
    onSuccess: async () => {
      notifySuccess('Member linked.');
      setSubId('');
      await refresh();
    },
  });
  const unlink = async (id: string, masterId: string) => {
    try {
      await unwrap(api.DELETE('/api/admin/members/{id}/subs/{subId}', { params: { path: { id: masterId, subId: id } } }));
      notifySuccess('Member unlinked.');
      await refresh();
    } catch (error) {
      notifyError(error);
    }
  };

  return (
    <Card withBorder padding="lg" radius="md">
      <Title order={3} size="h4" mb="sm">
        Linked members
      </Title>
      {masterMemberId ? (
        <Group justify="space-between">
          <Text size="sm">
            Linked under{' '}
            <Anchor component={Link} to={`/admin/members/${masterMemberId}`}>
              its master
            </Anchor>
            : its status follows the master's, whatever its own payments say.
          </Text>
          <Button variant="default" size="xs" leftSection={<IconLinkOff size={14} />} disabled={!writable} onClick={() => void unlink(memberId, masterMemberId)}>
            Unlink
          </Button>
        </Group>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Members linked here follow this member's status. The number allowed is set by this member's plan (maximum linked accounts).
          </Text>
          {(subs.data ?? []).length === 0 ? (
            <Text size="sm" c="dimmed">
              None linked.
            </Text>
          ) : (
            (subs.data ?? []).map((s) => (
              <Group key={s.id} justify="space-between">
                <Anchor component={Link} to={`/admin/members/${s.id}`} size="sm">
                  {memberName(s)}
                </Anchor>
                <Tooltip label="Unlink">
                  <ActionIcon variant="subtle" color="gray" aria-label={`Unlink ${memberName(s)}`} disabled={!writable} onClick={() => void unlink(s.id, memberId)}>
                    <IconLinkOff size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            ))
          )}
          {writable && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                link.mutate();
              }}
            >
              <Group align="flex-end">
                <TextInput label="Link a member by ID" value={subId} onChange={(e) => setSubId(e.currentTarget.value)} style={{ flex: 1 }} />
                <Button type="submit" loading={link.isPending} disabled={!subId.trim()}>
                  Link
                </Button>
              </Group>
              <FormError error={link.error} />
            </form>
          )}
        </Stack>
      )}
    </Card>
  );
}
