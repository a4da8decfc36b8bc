import { Alert, Anchor, Badge, Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import {
  IconCalendarPlus,
  IconEye,
  IconFileDownload,
  IconFileUpload,
  IconMailPlus,
  IconReplace,
  IconStar,
  IconTrash,
  IconUsersPlus,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, type DataTableColumn, type DataTableQuery } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime, humanize } from '../../../lib/format';
import { shareState } from '../media/format';
import { MEMBERS_KEY, refreshMedia, serverOptions, useImportPreview, useServers } from '../media/queries';
import { InviteMemberDialog } from './InviteMemberDialog';
import { memberActions, memberName, type MemberLike } from './member-actions';
import { DeleteMemberDialog } from './MemberLifecycle';
import { BulkInviteDialog, exportAllMembers } from './BulkInviteDialog';
import { BulkMembersDialog, type BulkAction } from './MemberDialogs';
import { StatusBadge } from './StatusBadge';

type Member = Schemas['MemberListItem'];
type MemberSort = NonNullable<NonNullable<paths['/api/admin/members']['get']['parameters']['query']>['sort']>;

export const SOURCE_LABEL: Record<string, string> = { import: 'Imported' };
export const sourceLabel = (source: string) => SOURCE_LABEL[source] ?? humanize(source);

function fetchMembers(query: DataTableQuery, serverId: string | null) {
  return unwrap(
    api.GET('/api/admin/members', {
      params: {
        query: {
          page: query.page,
          pageSize: query.pageSize,
          order: query.order,
          ...(query.sort ? { sort: query.sort as MemberSort } : {}),
          ...(query.q ? { q: query.q } : {}),
          ...(serverId ? { serverId } : {}),
        },
      },
    }),
  );
}

// Jellyfin and Emby accounts often have no email, so the username leads and the list sorts by it.
const columns: DataTableColumn<Member>[] = [
  {
    key: 'username',
    header: 'Username',
    sortable: true,
    value: (m) => m.username,
    render: (m) => (
      <Stack gap={0}>
        <Anchor component={Link} to={`/admin/members/${m.id}`} size="sm" fw={500}>
          {m.username ?? m.email ?? m.id}
        </Anchor>
        {m.displayName && m.displayName !== m.username && (
          <Text size="xs" c="dimmed">
            {m.displayName}
          </Text>
        )}
      </Stack>
    ),
  },
  { key: 'email', header: 'Email', sortable: true, value: (m) => m.email, visibleFrom: 'sm' },
  {
    key: 'servers',
    header: 'Servers',
    value: (m) => m.servers.map((s) => s.serverName).join('; '),
    render: (m) =>
      m.servers.length === 0 ? (
        <Text size="sm" c="dimmed">
          None
        </Text>
      ) : (
        <Group gap={4}>
          {m.servers.map((s) => (
            <Tooltip key={s.serverId} label={shareState(s.state).label}>
              <Badge
                variant={s.state === 'active' ? 'light' : 'outline'}
                color={s.state === 'active' ? 'blue' : shareState(s.state).color}
                tt="none"
              >
                {s.serverName}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      ),
  },
  {
    key: 'status',
    header: 'Status',
    value: (m) => (m.status.state === 'active' ? `active until ${m.status.until}` : m.status.state),
    render: (m) => <StatusBadge status={m.status} />,
    visibleFrom: 'xs',
  },
  { key: 'source', header: 'Source', value: (m) => sourceLabel(m.source), visibleFrom: 'md' },
  {
    key: 'createdAt',
    header: 'Imported',
    sortable: true,
    value: (m) => m.createdAt,
    render: (m) => formatDateTime(m.createdAt),
    visibleFrom: 'sm',
  },
];

export function MembersPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const login = useSession().data?.login;
  const writable = can(login, 'members.write');
  const [serverId, setServerId] = useState<string | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const [bulk, setBulk] = useState<{ action: BulkAction; members: Member[] } | null>(null);
  const [inviting, setInviting] = useState(false);
  const [deleting, setDeleting] = useState<MemberLike | null>(null);
  const [bulkInvite, setBulkInvite] = useState(false);
  const servers = useServers(can(login, 'servers.read'));
  const preview = useImportPreview();
  const waiting = (preview.data ?? []).reduce((n, s) => n + s.accounts.length, 0);

  return (
    <>
      <PageHeader
        title="Members"
        description="The media-server accounts Usher tracks: imported from your servers, or added by subscribing or an invite. Site logins are separate."
      />
      {waiting > 0 && (
        <Alert
          color="blue"
          icon={<IconUsersPlus size={18} />}
          mb="md"
          title={`${waiting} account${waiting === 1 ? '' : 's'} found on your servers are waiting`}
        >
          Nobody is imported until you confirm how.{' '}
          <Anchor component={Link} to="/admin/members/import">
            Review the import
          </Anchor>
        </Alert>
      )}
      <DataTable
        queryKey={[...MEMBERS_KEY, { serverId }]}
        fetchPage={(query) => fetchMembers(query, serverId)}
        columns={columns}
        rowKey={(m) => m.id}
        rowLabel={memberName}
        rowActions={(m) => [
          { label: 'Details', icon: <IconEye size={16} />, onClick: () => void navigate(`/admin/members/${m.id}`) },
          ...memberActions(m, { writable, confirm, after: () => refreshMedia(queryClient), onDelete: setDeleting }),
        ]}
        bulkActions={(rows) =>
          writable
            ? [
                { label: 'Extend', icon: <IconCalendarPlus size={16} />, onClick: () => setBulk({ action: 'extend', members: rows }) },
                { label: 'Change plan', icon: <IconReplace size={16} />, onClick: () => setBulk({ action: 'change_plan', members: rows }) },
                {
                  label: 'Make permanent',
                  icon: <IconStar size={16} />,
                  onClick: () => setBulk({ action: 'make_permanent', members: rows }),
                },
                {
                  label: 'Delete',
                  icon: <IconTrash size={16} />,
                  color: 'red',
                  onClick: () => setBulk({ action: 'delete', members: rows }),
                },
              ]
            : []
        }
        headerActions={[
          { label: 'Invite member', icon: <IconMailPlus size={16} />, disabled: !writable, onClick: () => setInviting(true) },
          {
            label: 'Import from servers',
            icon: <IconUsersPlus size={16} />,
            disabled: !writable,
            onClick: () => void navigate('/admin/members/import'),
          },
          { label: 'Bulk invite (CSV)', icon: <IconFileUpload size={16} />, disabled: !writable, onClick: () => setBulkInvite(true) },
          { label: 'Export all members with status (CSV)', icon: <IconFileDownload size={16} />, onClick: () => void exportAllMembers() },
        ]}
        searchPlaceholder="Search email, username or name"
        toolbar={
          <Select
            aria-label="Filter by server"
            placeholder="All servers"
            data={serverOptions(servers.data)}
            value={serverId}
            onChange={setServerId}
            clearable
            w={200}
          />
        }
        initialSort={{ key: 'username', order: 'asc' }}
        exportName="members"
        emptyMessage="No members yet. Add and sync a server, then import the accounts it found."
      />
      {confirmDialog}
      {inviting && <InviteMemberDialog onClose={() => setInviting(false)} />}
      {deleting && <DeleteMemberDialog member={deleting} onClose={() => setDeleting(null)} onDeleted={() => refreshMedia(queryClient)} />}
      {bulkInvite && <BulkInviteDialog onClose={() => setBulkInvite(false)} />}
      {bulk && <BulkMembersDialog action={bulk.action} members={bulk.members} onClose={() => setBulk(null)} />}
    </>
  );
}
