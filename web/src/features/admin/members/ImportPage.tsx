import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  Radio,
  ScrollArea,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconArrowLeft, IconCheck, IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { KindBadge } from '../media/badges';
import { dateInputValue, expiryFromDate, shareState, type ServerKind } from '../media/format';
import { refreshMedia, useImportPreview } from '../media/queries';

type PreviewServer = NonNullable<ReturnType<typeof useImportPreview>['data']>[number];

const accountKey = (serverId: string, remoteId: string) => `${serverId}:${remoteId}`;

type ImportMode = 'permanent' | 'expiring';

/** Reference §2.11: each row is imported as Permanent, or with a payment on the default plan until the chosen day. */
function modeLabel(mode: ImportMode, until: string | null): string {
  return mode === 'permanent' ? 'Permanent' : `Default plan until ${until ? new Date(until).toLocaleDateString() : 'the chosen date'}`;
}

function ServerPreview({
  server,
  checked,
  onCheck,
  leftOut,
  onLeaveOut,
  modeOf,
  onMode,
  until,
}: {
  server: PreviewServer;
  checked: boolean;
  onCheck: (v: boolean) => void;
  leftOut: ReadonlySet<string>;
  onLeaveOut: (key: string, out: boolean) => void;
  modeOf: (key: string) => ImportMode;
  onMode: (key: string, mode: ImportMode) => void;
  until: string | null;
}) {
  return (
    <Card withBorder padding="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Checkbox
          checked={checked}
          onChange={(e) => onCheck(e.currentTarget.checked)}
          label={
            <Group gap="xs" component="span">
              <Text span fw={600}>
                {server.serverName}
              </Text>
              <KindBadge kind={server.kind as ServerKind} />
            </Group>
          }
          aria-label={`Import from ${server.serverName}`}
        />
        <Text size="sm" c="dimmed">
          {server.accounts.length} account{server.accounts.length === 1 ? '' : 's'}
        </Text>
      </Group>
      <ScrollArea.Autosize mah={260} type="auto">
        <Table striped verticalSpacing={4} fz="sm" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Import</Table.Th>
              <Table.Th>Username</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th w={230}>Import as</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {server.accounts.map((a) => (
              <Table.Tr key={a.remoteId} opacity={leftOut.has(accountKey(server.serverId, a.remoteId)) ? 0.55 : 1}>
                <Table.Td>
                  <Checkbox
                    size="xs"
                    disabled={!checked}
                    checked={checked && !leftOut.has(accountKey(server.serverId, a.remoteId))}
                    onChange={(e) => onLeaveOut(accountKey(server.serverId, a.remoteId), !e.currentTarget.checked)}
                    aria-label={`Import ${a.username ?? a.email ?? a.remoteId}`}
                  />
                </Table.Td>
                <Table.Td>{a.username ?? '—'}</Table.Td>
                <Table.Td>{a.email ?? '—'}</Table.Td>
                <Table.Td>{shareState(a.state).label}</Table.Td>
                <Table.Td>
                  <NativeSelect
                    size="xs"
                    disabled={!checked || leftOut.has(accountKey(server.serverId, a.remoteId))}
                    value={modeOf(accountKey(server.serverId, a.remoteId))}
                    onChange={(e) => onMode(accountKey(server.serverId, a.remoteId), e.currentTarget.value as ImportMode)}
                    data={[
                      { value: 'permanent', label: modeLabel('permanent', until) },
                      { value: 'expiring', label: modeLabel('expiring', until) },
                    ]}
                    aria-label={`Import ${a.username ?? a.email ?? a.remoteId} as`}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Card>
  );
}

function importSummary(modes: ImportMode[], until: string | null): string {
  const permanent = modes.filter((m) => m === 'permanent').length;
  const expiring = modes.length - permanent;
  const parts = [];
  if (permanent) parts.push(`${permanent} as permanent member${permanent === 1 ? '' : 's'} (they never expire)`);
  if (expiring) parts.push(`${expiring} on the default plan until ${until ? new Date(until).toLocaleDateString() : 'the chosen date'}`);
  return parts.join(' and ');
}

export function ImportPage() {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'members.write');
  const preview = useImportPreview();
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  // Single accounts left out; they are kept as deleted members, so no later sync imports them.
  const [leftOut, setLeftOut] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<ImportMode>('permanent');
  // Rows the admin set apart from the page-wide choice.
  const [rowModes, setRowModes] = useState<Map<string, ImportMode>>(new Map());
  const [date, setDate] = useState(() => dateInputValue(30));
  const [imported, setImported] = useState<number | null>(null);
  const [confirmDialog, confirm] = useConfirm();

  const withAccounts = (preview.data ?? []).filter((s) => s.accounts.length > 0);
  const notSynced = (preview.data ?? []).filter((s) => s.accounts.length === 0);
  const chosen = withAccounts.filter((s) => !excluded.has(s.serverId));
  const count = chosen.reduce((n, s) => n + s.accounts.filter((a) => !leftOut.has(accountKey(s.serverId, a.remoteId))).length, 0);
  const exclude = chosen.flatMap((s) => s.accounts.map((a) => accountKey(s.serverId, a.remoteId)).filter((k) => leftOut.has(k)));
  const modeOf = (key: string): ImportMode => rowModes.get(key) ?? mode;
  const included = chosen.flatMap((s) => s.accounts.map((a) => accountKey(s.serverId, a.remoteId)).filter((k) => !leftOut.has(k)));
  const rows = included.filter((k) => modeOf(k) !== mode).map((account) => ({ account, mode: modeOf(account) }));
  const anyExpiring = included.some((k) => modeOf(k) === 'expiring');
  const expiresAt = anyExpiring ? expiryFromDate(date) : null;
  const ready = writable && chosen.length > 0 && (!anyExpiring || expiresAt !== null);

  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/members/import', {
          body: {
            serverIds: chosen.map((s) => s.serverId),
            mode,
            ...(expiresAt ? { expiresAt } : {}),
            ...(exclude.length ? { exclude } : {}),
            ...(rows.length ? { rows } : {}),
          },
        }),
      ),
  });

  const ask = () =>
    confirm({
      title: 'Import members',
      message: `Import ${count} account${count === 1 ? '' : 's'} from ${chosen.map((s) => s.serverName).join(', ')}: ${importSummary(included.map(modeOf), expiresAt)}? From then on, each sync of these servers imports new accounts by itself.${exclude.length ? ` The ${exclude.length} account${exclude.length === 1 ? '' : 's'} you left out ${exclude.length === 1 ? 'is' : 'are'} never imported.` : ''}`,
      confirmLabel: 'Import',
      color: 'violet',
      action: async () => {
        const result = await run.mutateAsync();
        setImported(result.imported);
        setExcluded(new Set());
        await refreshMedia(queryClient);
      },
    });

  return (
    <>
      <Anchor component={Link} to="/admin/members" size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} /> All members
        </Group>
      </Anchor>
      <PageHeader
        title="Import members"
        description="The first sync of a server imports nobody: it lists the accounts it found here, and you choose how to import them."
      />
      <Stack gap="lg">
        {imported !== null && (
          <Alert color="green" icon={<IconCheck size={18} />} title={`Imported ${imported} member${imported === 1 ? '' : 's'}`}>
            From now on, each sync of these servers imports the accounts that appear on them by itself.{' '}
            <Anchor component={Link} to="/admin/members">
              See the members
            </Anchor>
          </Alert>
        )}
        <Alert color="teal" icon={<IconShieldCheck size={18} />} title="Never imported or touched">
          The Plex owner, Jellyfin and Emby administrators, the template user and Plex Home users are left out of this list.
        </Alert>
        {preview.isPending && <Skeleton height={200} />}
        {preview.isError && <QueryError error={preview.error} onRetry={() => void preview.refetch()} />}
        {preview.data && withAccounts.length === 0 && imported === null && (
          <Text c="dimmed">Nothing is waiting. Accounts appear here after the first sync of a newly added server.</Text>
        )}
        {notSynced.length > 0 && (
          <Text size="sm" c="dimmed">
            Not synced yet, or nobody shares them: {notSynced.map((s) => s.serverName).join(', ')}. Run a sync from the Servers page to list
            their accounts.
          </Text>
        )}
        {withAccounts.map((s) => (
          <ServerPreview
            key={s.serverId}
            server={s}
            leftOut={leftOut}
            modeOf={modeOf}
            until={expiresAt}
            onMode={(key, m) =>
              setRowModes((old) => {
                const next = new Map(old);
                if (m === mode) next.delete(key);
                else next.set(key, m);
                return next;
              })
            }
            onLeaveOut={(key, out) =>
              setLeftOut((old) => {
                const next = new Set(old);
                if (out) next.add(key);
                else next.delete(key);
                return next;
              })
            }
            checked={!excluded.has(s.serverId)}
            onCheck={(v) =>
              setExcluded((old) => {
                const next = new Set(old);
                if (v) next.delete(s.serverId);
                else next.add(s.serverId);
                return next;
              })
            }
          />
        ))}
        {withAccounts.length > 0 && (
          <Card withBorder padding="lg" radius="md">
            <Title order={3} size="h4" mb="md">
              Import as
            </Title>
            <Radio.Group
              value={mode}
              onChange={(v) => {
                setMode(v as ImportMode);
                setRowModes(new Map());
              }}
            >
              <Stack gap="sm">
                <Radio
                  value="permanent"
                  label="Permanent"
                  description="They never expire and no limit applies to them. Typical for friends and family."
                />
                <Radio
                  value="expiring"
                  label="Default plan until a date"
                  description="Each gets a payment on the default plan until the chosen day, so they stay active until then unless they pay for more."
                />
              </Stack>
            </Radio.Group>
            <Text size="sm" c="dimmed" mt="xs">
              This applies to every row; change a single row in its Import as column.
            </Text>
            {anyExpiring && (
              <TextInput
                type="date"
                label="Access ends on"
                mt="md"
                w={220}
                value={date}
                min={dateInputValue(1)}
                onChange={(e) => setDate(e.currentTarget.value)}
                error={expiresAt === null ? 'Choose a day after today.' : undefined}
              />
            )}
            <Group justify="space-between" mt="lg">
              <Badge variant="light" size="lg" tt="none">
                {count} account{count === 1 ? '' : 's'} from {chosen.length} server{chosen.length === 1 ? '' : 's'}
              </Badge>
              <Button onClick={ask} disabled={!ready} loading={run.isPending}>
                Import {count} account{count === 1 ? '' : 's'}
              </Button>
            </Group>
          </Card>
        )}
      </Stack>
      {confirmDialog}
    </>
  );
}
