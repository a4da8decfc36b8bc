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
