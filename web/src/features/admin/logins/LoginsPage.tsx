import { Badge, Group, Select, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import {
  IconKey,
  IconLock,
  IconLockOpen,
  IconMail,
  IconShieldCheck,
  IconShieldOff,
  
  IconUserCog,
  IconUserPlus,
} from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { deleteAction, DataTable, type DataTableAction, type DataTableColumn, type DataTableQuery } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { roleOptions, useRoles } from '../useRoles';
import { AddLoginModal, SetPasswordModal, SetRoleModal } from './LoginDialogs';

type Login = Schemas['LoginListItem'];
type LoginSort = NonNullable<NonNullable<paths['/api/admin/logins']['get']['parameters']['query']>['sort']>;

export const LOGINS_KEY = ['admin', 'logins'] as const;

function fetchLogins(query: DataTableQuery, roleId: string | null) {
  return unwrap(
    api.GET('/api/admin/logins', {
      params: {
        query: {
          page: query.page,
          pageSize: query.pageSize,
          order: query.order,
          ...(query.sort ? { sort: query.sort as LoginSort } : {}),
          ...(query.q ? { q: query.q } : {}),
          ...(roleId ? { roleId } : {}),
        },
      },
    }),
  );
}

function twoFactorLabel(login: Login): string {
  const parts = [login.twoFactor.totp && 'App', login.twoFactor.email && 'Email'].filter(Boolean);
  return parts.length > 0 ? parts.join(' + ') : 'Off';
}

const columns: DataTableColumn<Login>[] = [
  {
    key: 'email',
    header: 'Email',
    sortable: true,
    value: (l) => l.email,
    render: (l) => (
      <Stack gap={0}>
        <Text size="sm" fw={500}>
          {l.email}
        </Text>
        {l.displayName && (
          <Text size="xs" c="dimmed">
            {l.displayName}
          </Text>
        )}
      </Stack>
    ),
  },
  {
    key: 'role',
    header: 'Role',
    sortable: true,
    value: (l) => l.roleName,
    render: (l) => (
      <Badge variant="light" color={l.roleId === 'role-administrator' ? 'violet' : l.roleId === 'role-user' ? 'gray' : 'blue'}>
        {l.roleName}
      </Badge>
    ),
  },
  {
    key: 'status',
    header: 'Status',
    value: (l) => (l.disabled ? 'disabled' : l.lockedUntil ? 'locked' : l.emailConfirmed ? 'active' : 'unconfirmed'),
    render: (l) =>
      l.disabled ? (
        <Badge color="red" variant="light">
          Disabled
        </Badge>
      ) : l.lockedUntil ? (
        <Badge color="orange" variant="light" title={`Failed attempts: new addresses must wait until ${formatDateTime(l.lockedUntil)}`}>
          Locked
        </Badge>
      ) : l.emailConfirmed ? (
        <Badge color="green" variant="light">
          Active
        </Badge>
      ) : (
        <Badge color="yellow" variant="light">
          Unconfirmed
        </Badge>
      ),
  },
  { key: 'twoFactor', header: '2FA', value: twoFactorLabel, visibleFrom: 'sm' },
  { key: 'createdAt', header: 'Created', sortable: true, value: (l) => l.createdAt, render: (l) => formatDateTime(l.createdAt), visibleFrom: 'md' },
  {
    key: 'lastLoginAt',
    header: 'Last login',
    sortable: true,
    value: (l) => l.lastLoginAt,
    render: (l) => <span title={formatDateTime(l.lastLoginAt)}>{l.lastLoginAt ? formatRelative(l.lastLoginAt) : 'Never'}</span>,
    visibleFrom: 'sm',
  },
];
// On screen the name sits under the email; in the CSV it gets a column of its own.
const exportColumns: DataTableColumn<Login>[] = [columns[0]!, { key: 'displayName', header: 'Name', value: (l) => l.displayName }, ...columns.slice(1)];

type Dialog = { kind: 'add' } | { kind: 'password'; login: Login } | { kind: 'role'; login: Login } | null;

export function LoginsPage() {
  const queryClient = useQueryClient();
  const roles = useRoles();
  const me = useSession().data?.login;
  const [roleId, setRoleId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => queryClient.invalidateQueries({ queryKey: LOGINS_KEY });

  const put = {
    twoFactor: (l: Login, enabled: boolean) =>
      unwrap(api.PUT('/api/admin/logins/{id}/two-factor', { params: { path: { id: l.id } }, body: { enabled } })).then(refresh),
    disabled: (l: Login, disabled: boolean) =>
      unwrap(api.PUT('/api/admin/logins/{id}/disabled', { params: { path: { id: l.id } }, body: { disabled } })).then(refresh),
    remove: (l: Login) => unwrap(api.DELETE('/api/admin/logins/{id}', { params: { path: { id: l.id } } })).then(refresh),
    unlock: (l: Login) => unwrap(api.POST('/api/admin/logins/{id}/unlock', { params: { path: { id: l.id } }, body: {} })).then(refresh),
  };

  const rowActions = (l: Login): DataTableAction[] => {
    const self = l.id === me?.id;
    const has2fa = l.twoFactor.totp || l.twoFactor.email;
    const unlock: DataTableAction[] = l.lockedUntil
      ? [
          {
            label: 'Unlock',
            icon: <IconShieldCheck size={16} />,
            onClick: () =>
              confirm({
                title: 'Unlock login',
                message: `Forget the failed attempts on ${l.email}, so it can log in again at once from anywhere. If someone is guessing its password, they may try again too.`,
                confirmLabel: 'Unlock',
                color: 'violet',
                action: () => put.unlock(l),
                success: `${l.email} is unlocked.`,
              }),
          },
        ]
      : [];
    return [
      ...unlock,
      { label: 'Set password', icon: <IconKey size={16} />, onClick: () => setDialog({ kind: 'password', login: l }) },
      { label: 'Set role', icon: <IconUserCog size={16} />, onClick: () => setDialog({ kind: 'role', login: l }) },
      has2fa
        ? {
            label: 'Disable two-factor',
            icon: <IconShieldOff size={16} />,
            onClick: () =>
              confirm({
                title: 'Disable two-factor authentication',
                message: `${l.email} will log in with the password alone. Their authenticator app and recovery codes stop working.`,
                confirmLabel: 'Disable two-factor',
                action: () => put.twoFactor(l, false),
                success: `Two-factor is off for ${l.email}.`,
              }),
          }
        : {
            label: 'Enable emailed two-factor',
            icon: <IconMail size={16} />,
            onClick: () =>
              confirm({
                title: 'Enable emailed two-factor',
                message: `From the next login, ${l.email} must also enter a code we email them. Make sure the address is really theirs.`,
                confirmLabel: 'Enable',
                color: 'violet',
                action: () => put.twoFactor(l, true),
                success: `Emailed codes are on for ${l.email}.`,
              }),
          },
      l.disabled
        ? {
            label: 'Enable login',
            icon: <IconLockOpen size={16} />,
            onClick: () =>
              confirm({
                title: 'Enable login',
                message: `${l.email} will be able to log in again.`,
                confirmLabel: 'Enable',
                color: 'violet',
                action: () => put.disabled(l, false),
                success: `${l.email} is enabled.`,
              }),
          }
        : {
            label: 'Disable login',
            icon: <IconLock size={16} />,
            disabled: self,
            onClick: () =>
              confirm({
                title: 'Disable login',
                message: `${l.email} is logged out everywhere and cannot log in until enabled again.`,
                confirmLabel: 'Disable',
                action: () => put.disabled(l, true),
                success: `${l.email} is disabled.`,
              }),
          },
      deleteAction({ confirm, disabled: self, title: 'Delete login', message: `Delete ${l.email}? This cannot be undone.`, action: () => put.remove(l), success: `${l.email} is deleted.` }),
    ];
  };

  return (
    <>
      <PageHeader title="Logins" description="Everyone who can log in to this site: customers, staff and administrators." />
      <DataTable
        queryKey={[...LOGINS_KEY, { roleId }]}
        fetchPage={(query) => fetchLogins(query, roleId)}
        columns={columns}
        exportColumns={exportColumns}
        rowKey={(l) => l.id}
        rowLabel={(l) => l.email}
        rowActions={rowActions}
        headerActions={[{ label: 'Add login', icon: <IconUserPlus size={16} />, onClick: () => setDialog({ kind: 'add' }) }]}
        searchPlaceholder="Search email or name"
        toolbar={
          <Group gap="xs">
            <Select
              aria-label="Filter by role"
              placeholder="All roles"
              data={roleOptions(roles.data)}
              value={roleId}
              onChange={setRoleId}
              clearable
              w={180}
            />
          </Group>
        }
        initialSort={{ key: 'email', order: 'asc' }}
        exportName="logins"
        emptyMessage="No logins yet."
      />
      {dialog?.kind === 'add' && <AddLoginModal roles={roles.data} onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'password' && <SetPasswordModal login={dialog.login} onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'role' && <SetRoleModal login={dialog.login} roles={roles.data} onClose={() => setDialog(null)} onDone={refresh} />}
      {confirmDialog}
    </>
  );
}
