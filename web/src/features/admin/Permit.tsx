import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { can, useSession } from '../../app/session';

/** Staff roles see only their panels; the API refuses the rest anyway, this just says so plainly. */
export function Permit({ permission, children }: { permission: string; children: ReactNode }) {
  const login = useSession().data?.login;
  if (!can(login, permission)) {
    return (
      <Alert color="yellow" title="No access">
        Your role does not include this page. Ask an administrator if you need it.
      </Alert>
    );
  }
  return children;
}
