import { Avatar, Menu, UnstyledButton } from '@mantine/core';
import { IconLayoutDashboard, IconLogout, IconUser, IconUserCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useLogout, useSession } from '../app/session';

function initials(name: string): string {
  const parts = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

export function UserMenu() {
  const login = useSession().data?.login;
  const logout = useLogout();
  if (!login) return null;
  const name = login.displayName ?? login.email;
  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label="Account menu">
          <Avatar color="violet" radius="xl" size={34}>
            {initials(name)}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{login.email}</Menu.Label>
        <Menu.Item component={Link} to="/portal/account" leftSection={<IconUserCircle size={16} />}>
          My Account
        </Menu.Item>
        {login.isAdmin && (
          <>
            <Menu.Item component={Link} to="/admin" leftSection={<IconLayoutDashboard size={16} />}>
              Admin panel
            </Menu.Item>
            <Menu.Item component={Link} to="/portal" leftSection={<IconUser size={16} />}>
              Customer portal
            </Menu.Item>
          </>
        )}
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={() => logout.mutate()}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
