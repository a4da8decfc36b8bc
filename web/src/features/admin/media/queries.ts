import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';

export type Server = Schemas['Server'];
export type PlexAccount = Schemas['PlexAccount'];
export type Library = Schemas['Library'];
export type LibraryGroup = Schemas['LibraryGroup'];
export type ServerLocation = Schemas['ServerLocation'];
export type SharedServer = Schemas['SharedServer'];

/**
 * Servers, accounts, libraries and members change each other (a sync adds libraries and accounts, a
 * deleted Plex account takes its servers along), so every panel's data sits under one prefix and any
 * change refreshes all of it.
 */
export const MEDIA_KEY = ['admin', 'media'] as const;
export const SERVERS_KEY = [...MEDIA_KEY, 'servers'] as const;
export const LOCATIONS_KEY = [...MEDIA_KEY, 'locations'] as const;
export const PLEX_ACCOUNTS_KEY = [...MEDIA_KEY, 'plex-accounts'] as const;
export const LIBRARIES_KEY = [...MEDIA_KEY, 'libraries'] as const;
export const GROUPS_KEY = [...MEDIA_KEY, 'library-groups'] as const;
export const MEMBERS_KEY = [...MEDIA_KEY, 'members'] as const;
export const SHARED_KEY = [...MEDIA_KEY, 'shared-servers'] as const;
export const IMPORT_KEY = [...MEDIA_KEY, 'import-preview'] as const;

export function refreshMedia(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: MEDIA_KEY });
}

export function useServers(enabled = true) {
  return useQuery({ queryKey: SERVERS_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/servers'))).items, enabled });
}

export function useLocations(enabled = true) {
  return useQuery({ queryKey: LOCATIONS_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/server-locations'))).items, enabled });
}

export function usePlexAccounts(enabled = true) {
  return useQuery({ queryKey: PLEX_ACCOUNTS_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/plex-accounts'))).items, enabled });
}

/** The servers plex.tv says the account owns, each with its addresses and whether Usher has it already. */
export function usePlexAccountServers(accountId: string | null) {
  return useQuery({
    queryKey: [...PLEX_ACCOUNTS_KEY, accountId, 'servers'],
    queryFn: async () => (await unwrap(api.GET('/api/admin/plex-accounts/{id}/servers', { params: { path: { id: accountId! } } }))).items,
    enabled: accountId !== null,
  });
}

export function useLibraryGroups(enabled = true) {
  return useQuery({ queryKey: GROUPS_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/library-groups'))).items, enabled });
}

/** Every library including removed ones, for naming the remote library ids a share lists. */
export function useAllLibraries(enabled = true) {
  return useQuery({
    queryKey: [...LIBRARIES_KEY, 'all'],
    queryFn: async () => (await unwrap(api.GET('/api/admin/libraries', { params: { query: { includeRemoved: 'true' } } }))).items,
    enabled,
  });
}

export function useImportPreview(enabled = true) {
  return useQuery({ queryKey: IMPORT_KEY, queryFn: async () => (await unwrap(api.GET('/api/admin/members/import/preview'))).items, enabled });
}

export function serverOptions(servers: Server[] | undefined): { value: string; label: string }[] {
  return (servers ?? []).map((s) => ({ value: s.id, label: s.name }));
}

/** "serverId:remoteId" → library title. */
export function libraryNames(libraries: Library[] | undefined): Map<string, string> {
  return new Map((libraries ?? []).map((l) => [`${l.serverId}:${l.remoteId}`, l.title]));
}

export function sharedLibraryTitles(share: Pick<SharedServer, 'serverId' | 'libraries'>, names: Map<string, string>): string[] | 'all' {
  if (share.libraries === 'all') return 'all';
  return share.libraries.map((id) => names.get(`${share.serverId}:${id}`) ?? `Library ${id}`);
}
