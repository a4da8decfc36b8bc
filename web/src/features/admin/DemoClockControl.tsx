import { Alert, Button, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { IconClockPlay } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, CSRF_COOKIE, errorMessage, readCookie } from '../../api/client';
import { usePublicSite } from '../../app/session';
import { formatDateTime } from '../../lib/format';

/** GET/POST /api/admin/demo/clock: demo mode only, so they are not in the typed API document. */
interface DemoClock {
  now: string;
  offsetMs: number;
  syncSharedLibraries: boolean;
  pass: { changes: number; applied: number; failed: number } | null;
}

const KEY = ['admin', 'demo', 'clock'];

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<DemoClock | null> {
  const headers: Record<string, string> = {};
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    const token = readCookie(CSRF_COOKIE);
    if (token) headers['X-CSRF-Token'] = token;
  }
  const res = await fetch(`/api/admin/demo${path}`, {
    method,
    credentials: 'same-origin',
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // Not an administrator (403), or the demo went away (404): there is no control to show.
  if (method === 'GET' && (res.status === 404 || res.status === 403)) return null;
  const json = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | DemoClock | undefined;
  if (!res.ok) {
    const error = (json as { error?: { code: string; message: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `The server answered with HTTP ${res.status}.`);
  }
  return json as DemoClock;
}

const days = (ms: number) => Math.round(ms / 86_400_000);

/**
 * The demo's "advance the clock" (issue 8 point 10): moves the site's time ahead and runs a pass at
 * once, so a visitor sees an expiring member expire and their share disappear from the fake server.
 */
export function DemoClockControl() {
  const client = useQueryClient();
  // Only the demo has the clock routes: asking elsewhere would be a 404 in the browser console.
  const demo = usePublicSite().data?.demo === true;
  const clock = useQuery({ queryKey: KEY, queryFn: () => call('GET', '/clock'), retry: false, enabled: demo });
  const [step, setStep] = useState<number>(3);
  const move = useMutation({
    mutationFn: (input: { advance: number } | { reset: true }) =>
      'advance' in input ? call('POST', '/clock/advance', { days: input.advance }) : call('POST', '/clock', { at: null }),
    onSuccess: (data) => {
      client.setQueryData(KEY, data);
      // Statuses, operations and the rest of the dashboard were computed at the old time.
      void client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'admin' && q.queryKey[1] !== 'demo' });
    },
  });
  const data = clock.data;
  if (!data) return null;
  const pass = move.data?.pass ?? null;

  return (
    <Card withBorder padding="lg" radius="md" data-testid="demo-clock">
      <Stack gap="xs">
        <Group gap="xs">
          <IconClockPlay size={20} stroke={1.5} />
          <Title order={3} size="h5">
            Demo clock
          </Title>
        </Group>
        <Text size="sm">
          Demo time: <b data-testid="demo-clock-now">{formatDateTime(data.now)}</b>
          {data.offsetMs !== 0 && ` (${days(data.offsetMs)} days ${data.offsetMs > 0 ? 'ahead of' : 'behind'} real time)`}
        </Text>
        <Text size="sm" c="dimmed">
          Move time forward to watch members expire: the access pass runs at once, and an expired member’s libraries disappear from the fake
          server.
        </Text>
        {!data.syncSharedLibraries && (
          <Alert color="yellow" variant="light">
            Syncing shared libraries to the servers is off, so the pass only computes the changes. Turn it on in Settings → Media servers to
            see them on the fake servers.
          </Alert>
        )}
        <Group align="flex-end">
          <NumberInput label="Days" min={1} max={365} value={step} onChange={(v) => setStep(typeof v === 'number' ? v : 1)} w={100} />
          <Button loading={move.isPending} onClick={() => move.mutate({ advance: step })}>
            Advance the clock
          </Button>
          {data.offsetMs !== 0 && (
            <Button variant="default" loading={move.isPending} onClick={() => move.mutate({ reset: true })}>
              Back to real time
            </Button>
          )}
        </Group>
        {pass && (
          <Text size="sm" data-testid="demo-clock-pass">
            The pass found {pass.changes} change{pass.changes === 1 ? '' : 's'} and applied {pass.applied}
            {pass.failed ? `; ${pass.failed} failed (see Operations)` : ''}.
          </Text>
        )}
        {move.isError && <Alert color="red">{errorMessage(move.error)}</Alert>}
      </Stack>
    </Card>
  );
}
