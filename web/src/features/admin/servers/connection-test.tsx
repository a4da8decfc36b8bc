import { Alert, Button, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconCheck, IconPlugConnected } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { api, ApiError, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

export type ConnectionBody = paths['/api/admin/servers/test']['post']['requestBody']['content']['application/json'];
export type ServerIdentity = paths['/api/admin/servers/test']['post']['responses'][200]['content']['application/json'];

/** The server gives up after 10 s; the page waits a little longer so the server's own message wins. */
export const CONNECTION_TEST_CLIENT_TIMEOUT_MS = 12_000;

/**
 * "Test Connection" for a connection being typed: the result counts only for exactly the settings
 * that were tested, so editing the URL or key after a success asks for a new test. A test can be
 * cancelled, and gives up on its own when nothing answers.
 */
export function useConnectionTest(input: ConnectionBody | null) {
  const key = input ? JSON.stringify(input) : '';
  const [result, setResult] = useState<{ key: string; identity: ServerIdentity } | null>(null);
  const controller = useRef<AbortController | null>(null);
  const mutation = useMutation({
    mutationFn: async (body: ConnectionBody) => {
      const abort = new AbortController();
      controller.current = abort;
      const timer = setTimeout(() => abort.abort('timeout'), CONNECTION_TEST_CLIENT_TIMEOUT_MS);
      try {
        return await unwrap(api.POST('/api/admin/servers/test', { body, signal: abort.signal }));
      } catch (error) {
        if (abort.signal.aborted) {
          if (abort.signal.reason === 'timeout') throw new ApiError(0, 'test_timeout', 'The server did not answer within 10 seconds. Check the URL and port, and that the server is running.');
          throw new ApiError(0, 'test_cancelled', 'Test cancelled.');
        }
        throw error;
      } finally {
        clearTimeout(timer);
        if (controller.current === abort) controller.current = null;
      }
    },
    onSuccess: (identity, body) => setResult({ key: JSON.stringify(body), identity }),
    onError: () => setResult(null),
  });
  const identity = result && result.key === key ? result.identity : null;
  const stale = mutation.variables !== undefined && JSON.stringify(mutation.variables) !== key;
  const cancelled = mutation.error instanceof ApiError && mutation.error.code === 'test_cancelled';
  return {
    run: () => input && mutation.mutate(input),
    cancel: () => controller.current?.abort('cancelled'),
    identity,
    pending: mutation.isPending,
    // An old failure says nothing about what is typed now; a cancel is not a failure.
    error: stale || cancelled ? null : mutation.error,
  };
}

/** The button pair every add/replace dialog shows: test, and cancel while it runs. */
export function TestConnectionButton({ test, disabled }: { test: ReturnType<typeof useConnectionTest>; disabled: boolean }) {
  return (
    <Group gap="xs">
      <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.pending} disabled={disabled} onClick={() => test.run()}>
        Test Connection
      </Button>
      {test.pending && (
        <>
          <Button variant="subtle" color="gray" onClick={test.cancel}>
            Cancel test
          </Button>
          <Text size="xs" c="dimmed" role="status">
            Waiting for the server (up to 10 seconds)…
          </Text>
        </>
      )}
    </Group>
  );
}

export function IdentityAlert({ identity, kind }: { identity: ServerIdentity; kind: ConnectionBody['kind'] }) {
  return (
    <Alert color="green" icon={<IconCheck size={18} />} title="Connection works">
      Connected to {identity.name} (version {identity.version}
      {kind === 'emby' && identity.premium ? ', Emby Premiere' : ''}).
    </Alert>
  );
}
