import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';

export type SessionView = Schemas['SessionView'];
export type SessionLogin = NonNullable<SessionView['login']>;

export const SESSION_KEY = ['session'] as const;
export const SETUP_KEY = ['setup'] as const;
export const SITE_KEY = ['public-site'] as const;

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: () => unwrap(api.GET('/api/auth/session')), staleTime: 60_000 });
}

export function useSetupStatus() {
  return useQuery({ queryKey: SETUP_KEY, queryFn: () => unwrap(api.GET('/api/setup')), staleTime: Infinity });
}

export function usePublicSite() {
  return useQuery({ queryKey: SITE_KEY, queryFn: () => unwrap(api.GET('/api/public/site')), staleTime: 5 * 60_000 });
}

export function useSiteName(): string {
  return usePublicSite().data?.siteName ?? 'Usher';
}

/** Where a freshly logged-in person lands: staff and administrators in the admin panel, customers in the portal. */
export function homeFor(login: SessionLogin | undefined): string {
  return login?.isAdmin ? '/admin' : '/portal';
}

/** Only same-site paths are followed after login, so a crafted ?next= cannot send anyone elsewhere. */
export function safeNext(next: string | null | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export function can(login: SessionLogin | undefined, permission: string): boolean {
  const held = login?.role.permissions ?? [];
  return held.includes('*') || held.includes(permission);
}

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/logout', { body: {} })),
    onSettled: async () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SITE_KEY[0] && q.queryKey[0] !== SETUP_KEY[0] });
      queryClient.setQueryData<SessionView>(SESSION_KEY, { authenticated: false, stage: 'none' });
      await navigate('/login');
    },
  });
}
