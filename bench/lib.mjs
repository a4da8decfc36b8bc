// Helpers shared by the benchmarks.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

/** A port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((Number(match[1]) / 1024) * 10) / 10;
}

export async function waitReady(url, child, startedAt) {
  while (performance.now() - startedAt < READY_TIMEOUT_MS) {
    if (child.exitCode !== null) throw new Error(`Usher exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - startedAt;
      await res.body?.cancel();
    } catch {
      // Not listening yet.
    }
    await sleep(10);
  }
  throw new Error(`Usher was not ready within ${READY_TIMEOUT_MS} ms`);
}


/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round((Number(match[1]) / 1024) * 10) / 10;
}

/** The environment of a fresh SQLite Usher, whatever the shell running the bench is configured for. */
export function cleanEnv(extra) {
  const env = { ...process.env, ...extra };
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'SITE_URL', 'NODE_ENV', 'NODE_OPTIONS'])
    delete env[name];
  return env;
}

/** Logs the admin in; returns `api(method, path, body)` that sends the session cookie and CSRF token. */
export async function login(base, admin) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = cookies.find((c) => c.startsWith('usher_csrf='))?.split('=')[1] ?? '';
  return async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path} failed: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Follows a job run started with `{ runId }` until it ends; throws when it failed. */
export async function waitRun(api, runId) {
  for (;;) {
    const run = await api('GET', `/api/admin/jobs/runs/${runId}`);
    if (run.status === 'failed') throw new Error(`job run failed: ${run.error}`);
    if (run.status === 'succeeded') return run;
    await sleep(20);
  }
}

/** Resolves when the child process has exited. */
export function once(child) {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}
