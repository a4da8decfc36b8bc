import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';

// Kept apart from the Operations page so the menu badge does not pull the page into the admin shell.
// A prefix of the counts key too, so every refresh on the page also updates the menu badge.
export const OPERATIONS_KEY = ['admin', 'operations'] as const;
export const OPERATION_COUNTS_KEY = [...OPERATIONS_KEY, 'counts'] as const;

export function useOperationCounts(enabled: boolean) {
  return useQuery({
    queryKey: OPERATION_COUNTS_KEY,
    queryFn: () => unwrap(api.GET('/api/admin/operations/counts')),
    enabled,
    refetchInterval: 30_000,
  });
}
