// `npm run bench -- reconcile`: Usher in its own process against 50 fake servers (half Jellyfin,
// half Emby) × 200 members in another, all on plans with payments and "Sync shared libraries" on.
// Times a full pass with nothing to change (it must still read every server and write nothing),
// then 100 changes — 50 payments that end and 50 members whose plan gains a library group — and a
// pass timed until every operation is applied. Reads and writes are what the fakes counted (GET is
// a read, anything else a write).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { cleanEnv, freePort, login, once, peakRssMegabytes, repoRoot, waitReady, waitRun } from './lib.mjs';

const SERVERS = 50;
const USERS = 200;
/** Members per server whose payment ends, and whose plan changes, before the timed pass. */
const EXPIRING_PER_SERVER = 1;
const REPLANNED_PER_SERVER = 1;
const DAY_MS = 86_400_000;
/** How long a pass may take before the bench gives up on it. */
const PASS_TIMEOUT_MS = 300_000;
const ADMIN = { email: 'bench@example.com', password: 'Bench-Admin-Pass-1!' };

export async function reconcileBench() {
  const main = join(repoRoot, 'server', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('server/dist/main.js is missing: run `npm run build` first');
  const fakes = await startFakes();
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-bench-reconcile-'));
  const port = await freePort();
  const env = cleanEnv({
    USHER_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    USHER_ADMIN_EMAIL: ADMIN.email,
    USHER_ADMIN_PASSWORD: ADMIN.password,
  });
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of Usher there (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const usher = spawn(process.execPath, [...profile, main], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  let db;
  try {
    await waitReady(`${base}/api/ready`, usher, performance.now());
    const api = await login(base, ADMIN);
    db = new Database(join(dataDir, 'usher.db'), { fileMustExist: true, timeout: 10_000 });
    const progress = (message) => process.stdout.write(`${message} (peak RSS so far ${peakRssMegabytes(usher.pid)} MB)\n`);

    // Setup (not timed): servers, the import, library groups, a second plan, the switch on.
    await api('PUT', '/api/admin/settings/mediaServer', { values: { defaultTemplateUser: 'usher-template' } });
    // Expired Jellyfin/Emby members keep their account (with no libraries) for 30 days.
    await api('PUT', '/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    for (const [i, server] of fakes.servers.entries()) {
      await api('POST', '/api/admin/servers', {
        kind: server.kind,
        url: server.url,
        apiKey: server.apiKey,
        name: `Bench ${i + 1}`,
        enabled: true,
      });
    }
    progress(`Usher started, ${SERVERS} servers added`);
    await waitRun(api, (await api('POST', '/api/admin/servers/sync')).runId);
    const preview = await api('GET', '/api/admin/members/import/preview');
    const expiresAt = new Date(Date.now() + 365 * DAY_MS).toISOString();
    const { imported } = await api('POST', '/api/admin/members/import', {
      serverIds: preview.items.map((p) => p.serverId),
      mode: 'expiring',
      expiresAt,
    });
    progress(`imported ${imported} members on ${SERVERS} servers`);

    const fourK = (await api('POST', '/api/admin/library-groups', { name: '4K' })).id;
    const libraries = db.prepare('select id, title from libraries').all();
    for (const lib of libraries) {
      const groupId = lib.title === '4K Movies' ? fourK : lib.title === 'Music' ? null : 'group-standard';
      if (groupId) await api('PUT', `/api/admin/libraries/${lib.id}/group`, { groupId });
    }
    const premium = (
      await api('POST', '/api/admin/plans', {
        name: 'Premium',
        costMinor: 1500,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
      })
    ).id;

    // The first members of each server change: their payments are switched to Premium now, and
    // ended or re-planned before the timed pass. Bulk SQL is setup only; nothing timed uses it.
    const picks = db
      .prepare(
        `select server_id, member_id from (
           select a.server_id, a.member_id, row_number() over (partition by a.server_id order by a.username) as n
           from member_accounts a where a.state = 'active' and a.member_id is not null)
         where n <= ?`,
      )
      .all(EXPIRING_PER_SERVER + REPLANNED_PER_SERVER);
    const byServer = new Map();
    for (const p of picks) byServer.set(p.server_id, [...(byServer.get(p.server_id) ?? []), p.member_id]);
    const expiring = [...byServer.values()].map((ids) => ids.slice(0, EXPIRING_PER_SERVER)).flat();
    const replanned = [...byServer.values()].map((ids) => ids.slice(EXPIRING_PER_SERVER)).flat();
    const inList = (ids) => ids.map(() => '?').join(',');
    db.prepare(`update payments set plan_id = ? where member_id in (${inList(replanned)})`).run(premium, ...replanned);

    await api('PUT', '/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    const setup = await fullPass(api, db);
    progress(`setup pass: ${setup.operations} operations (the disabled accounts re-enabled), ${Math.round(setup.ms)} ms`);

    await resetCounts(fakes.servers);
    const noop = await fullPass(api, db);
    const noopCalls = await countCalls(fakes.servers);
    progress(`no-op pass: ${Math.round(noop.ms)} ms, ${noopCalls.reads} reads, ${noopCalls.writes} writes, ${noop.operations} operations`);

    await resetCounts(fakes.servers);
    const changedStarted = performance.now();
    db.prepare(`update payments set period_to = ? where member_id in (${inList(expiring)})`).run(
      new Date(Date.now() - 1000).toISOString(),
      ...expiring,
    );
    await api('PATCH', `/api/admin/plans/${premium}`, { libraryGroupIds: ['group-standard', fourK] });
    const changed = await fullPass(api, db, { startedAt: changedStarted, expected: expiring.length + replanned.length });
    const changedCalls = await countCalls(fakes.servers);
    progress(
      `changed pass: ${Math.round(changed.ms)} ms, ${changedCalls.reads} reads, ${changedCalls.writes} writes, ${changed.operations} operations`,
    );

    return {
      bench: 'reconcile',
      members: imported,
      servers: SERVERS,
      noop_pass_ms: Math.round(noop.ms),
      remote_reads: noopCalls.reads,
      noop_remote_writes: noopCalls.writes,
      changed: expiring.length + replanned.length,
      changed_pass_ms: Math.round(changed.ms),
      changed_remote_writes: changedCalls.writes,
      peak_rss_mb: peakRssMegabytes(usher.pid),
    };
  } finally {
    db?.close();
    usher.kill('SIGTERM');
    fakes.child.kill('SIGTERM');
    await Promise.all([once(usher), once(fakes.child)]);
    // BENCH_KEEP_DATA=1 keeps Usher's data directory (the SQLite file) for profiling afterwards.
    if (process.env.BENCH_KEEP_DATA) process.stdout.write(`data kept in ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs the hourly full pass now (it reads every server, then queues what differs) and waits until
 * the queue is empty again, and, with `expected`, until that many operations were applied since the
 * start (changes made just before may be queued by the member passes they trigger, not this one).
 */
async function fullPass(api, db, { startedAt = performance.now(), expected = 0 } = {}) {
  const before = operationCounts(db);
  const { runId } = await api('POST', '/api/admin/jobs/access.reconcile/run');
  await waitRun(api, runId);
  for (;;) {
    const now = operationCounts(db);
    const queued = now.pending + now.running;
    if (queued === 0 && now.done - before.done >= expected) {
      if (now.failed > before.failed) throw new Error(`${now.failed - before.failed} operations failed`);
      return { ms: performance.now() - startedAt, operations: now.total - before.total };
    }
    if (performance.now() - startedAt > PASS_TIMEOUT_MS)
      throw new Error(`the pass did not finish within ${PASS_TIMEOUT_MS} ms: ${JSON.stringify(now)}`);
    await sleep(20);
  }
}

function operationCounts(db) {
  const counts = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0, total: 0 };
  for (const row of db.prepare('select status, count(*) as n from operations group by status').all()) {
    counts[row.status] = row.n;
    counts.total += row.n;
  }
  return counts;
}

async function startFakes() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'reconcile-fakes.ts')], {
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

async function resetCounts(servers) {
  await Promise.all(servers.map((s) => fetch(`${s.url}/__control/requests/reset`, { method: 'POST' })));
}

/** Requests the fakes answered since the last reset (control calls are not counted): GETs are reads. */
async function countCalls(servers) {
  const total = { reads: 0, writes: 0 };
  for (const s of servers) {
    const { byRoute } = await (await fetch(`${s.url}/__control/requests`)).json();
    for (const [route, n] of Object.entries(byRoute)) total[route.startsWith('GET ') ? 'reads' : 'writes'] += n;
  }
  return total;
}
