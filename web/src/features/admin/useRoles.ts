import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../app/session';

export type Role = Schemas['Role'];
export const ROLES_KEY = ['admin', 'roles'] as const;

export function useRoles(enabled = true) {
  return useQuery({ queryKey: ROLES_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/roles'))).items, enabled });
}

export function roleOptions(roles: Role[] | undefined) {
  return (roles ?? []).map((role) => ({ value: role.id, label: role.name }));
}

/**
 * The roles the signed-in login may hand out: the server refuses any role holding a permission the
 * caller lacks ("*" only from a full administrator), so the pickers do not offer them.
 */
export function useGrantableRoles(roles: Role[] | undefined): Role[] {
  const held = useSession().data?.login?.role.permissions ?? [];
  if (held.includes('*')) return roles ?? [];
  return (roles ?? []).filter((role) => role.permissions.every((p) => p !== '*' && held.includes(p)));
}
