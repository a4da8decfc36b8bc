// `npm run bench -- sync`: Usher in its own process against 50 fake Jellyfin servers × 200 accounts
// in another. Times the first full sync plus the import the admin confirms, counts the remote calls
// the fakes received, reads Usher's peak RSS, then runs a second pass with no remote change and
// counts the rows it changed by comparing the database before and after.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cleanEnv, freePort, login, once, peakRssMegabytes, repoRoot, waitReady } from './lib.mjs';

const SERVERS = 50;
const USERS = 200;
/** The fewest reads one pass can make per server: identity, libraries, accounts. */
const MIN_CALLS_PER_SERVER = 3;
const ADMIN = { email: 'bench@example.com', password: 'Bench-Admin-Pass-1!' };
const TABLES = ['servers', 'libraries', 'library_groups', 'members', 'member_accounts', 'settings'];

export async function sync() {
  const main = join(repoRoot, 'server', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('server/dist/main.js is missing: run `npm run build` first');
  const fakes = await startFakes();
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-bench-sync-'));
  const port = await freePort();
  const env = cleanEnv({ USHER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', USHER_ADMIN_EMAIL: ADMIN.email, USHER_ADMIN_PASSWORD: ADMIN.password });
  const usher = spawn(process.execPath, [main], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${base}/api/ready`, usher, performance.now());
    const api = await login(base, ADMIN);
    await api('PUT', '/api/admin/settings/mediaServer', { values: { defaultTemplateUser: 'usher-template' } });
    for (const [i, server] of fakes.servers.entries()) {
      await api('POST', '/api/admin/servers', { kind: 'jellyfin', url: server.url, apiKey: server.apiKey, name: `Bench ${i + 1}`, enabled: true });
    }
    await resetCounts(fakes.servers);

    const started = performance.now();
    await runSync(api);
    const preview = await api('GET', '/api/admin/members/import/preview');
    const imported = await api('POST', '/api/admin/members/import', { serverIds: preview.items.map((p) => p.serverId), mode: 'permanent' });
    const wallMs = Math.round(performance.now() - started);
    const remoteCalls = await totalCalls(fakes.servers);
    const peakRss = peakRssMegabytes(usher.pid);

    const before = snapshot(join(dataDir, 'usher.db'));
    await runSync(api);
    const secondPassWrites = diffRows(before, snapshot(join(dataDir, 'usher.db')));

    return {
      bench: 'sync',
      members: imported.imported,
      wall_ms: wallMs,
      remote_calls: remoteCalls,
      min_remote_calls: SERVERS * MIN_CALLS_PER_SERVER,
      peak_rss_mb: peakRss,
      second_pass_writes: secondPassWrites,
    };
  } finally {
    usher.kill('SIGTERM');
    fakes.child.kill('SIGTERM');
    await Promise.all([once(usher), once(fakes.child)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startFakes() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'sync-fakes.ts')], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_SERVERS: String(SERVERS), BENCH_USERS: String(USERS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fakes exited with code ${code}`)));
  });
  return { child, servers: JSON.parse(line) };
}

async function runSync(api) {
  const { runId } = await api('POST', '/api/admin/servers/sync');
  for (;;) {
    const run = await api('GET', `/api/admin/jobs/runs/${runId}`);
    if (run.status === 'failed') throw new Error(`sync failed: ${run.error}`);
    if (run.status === 'succeeded') return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function resetCounts(servers) {
  await Promise.all(servers.map((s) => fetch(`${s.url}/__control/requests/reset`, { method: 'POST' })));
}

async function totalCalls(servers) {
  const counts = await Promise.all(servers.map(async (s) => (await (await fetch(`${s.url}/__control/requests`)).json()).total));
  return counts.reduce((a, b) => a + b, 0);
}

/** Every row of the tables sync writes, keyed per table, for a before/after comparison. */
function snapshot(path) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, new Map(db.prepare(`select * from ${t}`).all().map((row) => [JSON.stringify(row.id ?? row.section), JSON.stringify(row)]))]));
  } finally {
    db.close();
  }
}

/** Inserted, deleted and updated rows between two snapshots. */
function diffRows(before, after) {
  let changes = 0;
  for (const table of TABLES) {
    const a = before[table];
    const b = after[table];
    for (const [id, row] of a) if (b.get(id) !== row) changes++;
    for (const id of b.keys()) if (!a.has(id)) changes++;
  }
  return changes;
}
