import { Alert } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

export type ConnectionBody = paths['/api/admin/servers/test']['post']['requestBody']['content']['application/json'];
export type ServerIdentity = paths['/api/admin/servers/test']['post']['responses'][200]['content']['application/json'];

/**
 * "Test Connection" for a connection being typed: the result counts only for exactly the settings
 * that were tested, so editing the URL or key after a success asks for a new test.
 */
export function useConnectionTest(input: ConnectionBody | null) {
  const key = input ? JSON.stringify(input) : '';
  const [result, setResult] = useState<{ key: string; identity: ServerIdentity } | null>(null);
  const mutation = useMutation({
    mutationFn: (body: ConnectionBody) => unwrap(api.POST('/api/admin/servers/test', { body })),
    onSuccess: (identity, body) => setResult({ key: JSON.stringify(body), identity }),
    onError: () => setResult(null),
  });
  const identity = result && result.key === key ? result.identity : null;
  const stale = mutation.variables !== undefined && JSON.stringify(mutation.variables) !== key;
  return {
    run: () => input && mutation.mutate(input),
    identity,
    pending: mutation.isPending,
    // An old failure says nothing about what is typed now.
    error: stale ? null : mutation.error,
  };
}

export function IdentityAlert({ identity, kind }: { identity: ServerIdentity; kind: ConnectionBody['kind'] }) {
  return (
    <Alert color="green" icon={<IconCheck size={18} />} title="Connection works">
      Connected to {identity.name} (version {identity.version}
      {kind === 'emby' && identity.premium ? ', Emby Premiere' : ''}).
    </Alert>
  );
}
