#!/usr/bin/env node
// Benchmarks that print figures (not timed tests). Each ends with one JSON line, so scripts can
// read the last line of the output. Usage: npm run bench -- <name>
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, repoRoot, rssMegabytes, waitReady } from './lib.mjs';
import { reconcileBench } from './reconcile.mjs';
import { sync } from './sync.mjs';
import { web } from './web.mjs';

const IDLE_MS = 10_000;

const benches = {
  startup: {
    summary: 'time from spawning `npm start`\'s process to the first 200 from /api/ready, then RSS after 10 s idle',
    run: startup,
  },
  sync: {
    summary: 'Usher against 50 fake Jellyfin servers × 200 accounts: first full sync + import, remote calls, peak RSS, writes of a second pass',
    run: sync,
  },
  reconcile: {
    summary: 'Usher against 50 fake Jellyfin/Emby servers × 200 paying members: a no-op full pass, then 100 changes applied; remote reads and writes, peak RSS',
    run: reconcileBench,
  },
  web: {
    summary: 'builds the app, starts it with `npm start`; headless Chromium: JS/CSS bytes and time until the login form is usable (median of 5), JS for the admin dashboard',
    run: web,
  },
};

function usage() {
  const lines = Object.entries(benches).map(([name, b]) => `  ${name.padEnd(10)} ${b.summary}`);
  return `Usage: npm run bench -- <name>\n\nBenchmarks:\n${lines.join('\n')}`;
}

async function startup() {
  const main = join(repoRoot, 'server', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('server/dist/main.js is missing: run `npm run build` first');
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-bench-'));
  const port = await freePort();
  const env = { ...process.env, USHER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  // A fresh SQLite start, whatever the shell running the bench is configured for.
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'USHER_ADMIN_EMAIL', 'USHER_ADMIN_PASSWORD', 'SITE_URL', 'NODE_ENV', 'NODE_OPTIONS']) {
    delete env[name];
  }
  const startedAt = performance.now();
  const child = spawn(process.execPath, [main], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const readyMs = Math.round(await waitReady(`http://127.0.0.1:${port}/api/ready`, child, startedAt));
    process.stdout.write(`ready after ${readyMs} ms; idling ${IDLE_MS / 1000} s before reading RSS…\n`);
    await sleep(IDLE_MS);
    const idleRssMb = rssMegabytes(child.pid);
    return { bench: 'startup', ready_ms: readyMs, idle_rss_mb: idleRssMb };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run() {
  const name = process.argv[2];
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const bench = name ? benches[name] : undefined;
  if (!bench || !Object.hasOwn(benches, name)) {
    process.stderr.write(`${name ? `Unknown benchmark "${name}".` : 'No benchmark named.'}\n\n${usage()}\n`);
    return 2;
  }
  const result = await bench.run();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
