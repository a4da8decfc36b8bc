import { Anchor, Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowLeft, IconArrowMerge, IconEdit } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { formatDateTime } from '../../../lib/format';
import { DateCell, ShareStateBadge, YesNo } from '../media/badges';
import { libraryNames, MEMBERS_KEY, refreshMedia, sharedLibraryTitles, useAllLibraries, useServers } from '../media/queries';
import { memberActions, memberName } from './member-actions';
import { sourceLabel } from './MembersPage';
import { DevicesCard } from './DevicesCard';
import { LinkedMembersCard } from './LinkedMembersCard';
import { EditMemberDialog, MergeMemberDialog } from './MemberDialogs';
import { PaymentsCard } from './PaymentsCard';
import { WarningsCard } from './WarningsCard';
import { ChangeIdentityDialog, DeleteMemberDialog, ExplainCard } from './MemberLifecycle';
import { PlacementNote } from './PlacementNote';
import { StatusBadge } from './StatusBadge';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

export function LibrariesCell({ titles }: { titles: string[] | 'all' }) {
  if (titles === 'all') return <Badge variant="light">All libraries</Badge>;
  if (titles.length === 0) return <Text size="sm" c="dimmed">None</Text>;
  return (
    <Tooltip label={titles.join(', ')} multiline w={280}>
      <Text size="sm" tabIndex={0}>
        {titles.length} · {titles.slice(0, 2).join(', ')}
        {titles.length > 2 ? '…' : ''}
      </Text>
    </Tooltip>
  );
}

export function MemberDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const login = useSession().data?.login;
  const [confirmDialog, confirm] = useConfirm();
  const [dialog, setDialog] = useState<'edit' | 'merge' | 'delete' | null>(null);
  const [identityOf, setIdentityOf] = useState<string | null>(null);
  const serverKinds = new Map((useServers(can(login, 'servers.read')).data ?? []).map((s) => [s.id, s.kind]));
  const member = useQuery({ queryKey: [...MEMBERS_KEY, 'detail', id], queryFn: () => unwrap(api.GET('/api/admin/members/{id}', { params: { path: { id } } })) });
  const names = libraryNames(useAllLibraries(can(login, 'servers.read')).data);

  const back = (
    <Anchor component={Link} to="/admin/members" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} /> All members
      </Group>
    </Anchor>
  );
  if (member.isPending) return <Skeleton height={300} />;
  if (member.isError) {
    return (
      <Stack>
        {back}
        <QueryError error={member.error} onRetry={() => void member.refetch()} title="Could not load this member" />
      </Stack>
    );
  }
  const m = member.data;
  const writable = can(login, 'members.write');
  const actions = memberActions(m, {
    writable: can(login, 'members.write'),
    confirm,
    after: async (kind) => {
      await refreshMedia(queryClient);
      if (kind === 'delete') await navigate('/admin/members');
    },
    onDelete: () => setDialog('delete'),
  });
  const identityAccount = m.accounts.find((a) => a.id === identityOf);

  return (
    <>
      {back}
      <PageHeader title={memberName(m)} description={m.displayName && m.displayName !== m.email ? m.displayName : undefined}>
        <Group gap="xs" mt="xs">
          <Button variant="default" leftSection={<IconEdit size={16} />} disabled={!writable} onClick={() => setDialog('edit')}>
            Edit
          </Button>
          <Button variant="default" leftSection={<IconArrowMerge size={16} />} disabled={!writable} onClick={() => setDialog('merge')}>
            Merge into…
          </Button>
          {actions.map((a) => (
            <Button key={a.label} variant={a.color ? 'light' : 'default'} color={a.color} leftSection={a.icon} disabled={a.disabled} onClick={a.onClick}>
              {a.label}
            </Button>
          ))}
        </Group>
      </PageHeader>
      <Stack gap="lg">
        <Card withBorder padding="lg" radius="md">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="lg">
            <Fact label="Email">{m.email ?? '—'}</Fact>
            <Fact label="Username">{m.username ?? '—'}</Fact>
            <Fact label="Permanent">
              {m.permanent ? (
                <Badge color="violet" variant="light">
                  Permanent
                </Badge>
              ) : (
                'No'
              )}
            </Fact>
            <Fact label="Source">{sourceLabel(m.source)}</Fact>
            <Fact label="Imported">{formatDateTime(m.createdAt)}</Fact>
            <Fact label="Status">
              <StatusBadge status={m.status} detail />
            </Fact>
            <Fact label="PayPal email">{m.paypalEmail ?? '—'}</Fact>
            <Fact label="Discord ID">{m.discordId ?? '—'}</Fact>
            <Fact label="Weekly download quota">{m.weeklyDownloadQuota ?? "The plan's"}</Fact>
            {m.requiresPlexAccountChange && (
              <Fact label="Plex account">
                <Badge color="orange" variant="light">
                  Requires an account change
                </Badge>
              </Fact>
            )}
            <Fact label="ID">{m.id}</Fact>
          </SimpleGrid>
          {m.notes && (
            <Stack gap={2} mt="lg">
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                Notes
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {m.notes}
              </Text>
            </Stack>
          )}
        </Card>
        <ExplainCard memberId={m.id} />
        <PaymentsCard memberId={m.id} />
        <WarningsCard memberId={m.id} />
        <DevicesCard memberId={m.id} writable={writable} />
        <LinkedMembersCard memberId={m.id} masterMemberId={m.masterMemberId} writable={writable} />
        <Card withBorder padding="lg" radius="md">
          <Title order={3} size="h4" mb="sm">
            Accounts on the servers
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            As the last sync found them on each server.
          </Text>
          {m.accounts.length === 0 ? (
            <>
              <Text size="sm" c="dimmed">
                No account on any server right now.
              </Text>
              <PlacementNote memberId={m.id} />
            </>
          ) : (
            <Table.ScrollContainer minWidth={760} type="native">
              <Table striped verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Server</Table.Th>
                    <Table.Th>Remote account</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Libraries</Table.Th>
                    <Table.Th>Downloads</Table.Th>
                    <Table.Th>Invited</Table.Th>
                    <Table.Th>Accepted</Table.Th>
                    <Table.Th aria-label="Actions" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {m.accounts.map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Td fw={500}>{a.serverName}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{a.username ?? '—'}</Text>
                        {a.email && (
                          <Text size="xs" c="dimmed">
                            {a.email}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <ShareStateBadge state={a.state} />
                        {a.replacedAt && (
                          <Text size="xs" c="dimmed" mt={4}>
                            Replaced on {new Date(a.replacedAt).toLocaleDateString()}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <LibrariesCell titles={sharedLibraryTitles(a, names)} />
                      </Table.Td>
                      <Table.Td>
                        <YesNo value={a.allowDownloads} />
                      </Table.Td>
                      <Table.Td>
                        <DateCell iso={a.invitedAt} />
                      </Table.Td>
                      <Table.Td>
                        <DateCell iso={a.acceptedAt} />
                      </Table.Td>
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" disabled={!writable || !!a.replacedAt} onClick={() => setIdentityOf(a.id)}>
                          Change email or username…
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      </Stack>
      {confirmDialog}
      {dialog === 'edit' && <EditMemberDialog member={m} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && (
        <DeleteMemberDialog
          member={m}
          onClose={() => setDialog(null)}
          onDeleted={async () => {
            await navigate('/admin/members');
            await refreshMedia(queryClient);
          }}
        />
      )}
      {identityAccount && <ChangeIdentityDialog memberId={m.id} account={identityAccount} serverKind={serverKinds.get(identityAccount.serverId) ?? 'unknown'} onClose={() => setIdentityOf(null)} />}
      {dialog === 'merge' && (
        <MergeMemberDialog
          member={m}
          onClose={() => setDialog(null)}
          onMerged={async (targetId) => {
            setDialog(null);
            await navigate(`/admin/members/${targetId}`);
          }}
        />
      )}
    </>
  );
}
