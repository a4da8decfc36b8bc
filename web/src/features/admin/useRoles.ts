import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

export type Role = Schemas['Role'];
export const ROLES_KEY = ['admin', 'roles'] as const;

export function useRoles(enabled = true) {
  return useQuery({ queryKey: ROLES_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/roles'))).items, enabled });
}

export function roleOptions(roles: Role[] | undefined) {
  return (roles ?? []).map((role) => ({ value: role.id, label: role.name }));
}
