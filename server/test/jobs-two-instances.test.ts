import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { describeEachDb, freshDatabase, trackDisposables, type FreshDatabase } from './support/db.js';

/*
 * Several Usher instances share one database only on PostgreSQL; that is the case this file is for.
 * It also runs on SQLite (two processes on one database file), which exercises the same tick claim
 * and keeps the file meaningful when PostgreSQL is not available.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const instanceScript = fileURLToPath(new URL('./support/job-instance.ts', import.meta.url));
/** Between one and two periods: the instance that ran a tick is busy at the next one and free at the one after. */
const HOLD_MS = 1500;

interface Instance {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  ready: Promise<string>;
  exited: Promise<number | null>;
}

function databaseUrlFor(db: FreshDatabase): string {
  if (!db.pg) return `file:${db.handle.sqlitePath}`;
  const separator = db.pg.url.includes('?') ? '&' : '?';
  return `${db.pg.url}${separator}options=${encodeURIComponent(`-c search_path=${db.pg.schema}`)}`;
}

function startInstance(databaseUrl: string, dataDir: string): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', instanceScript], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      USHER_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      TEST_TICK_HOLD_MS: String(HOLD_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  let markReady: (id: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts.filter((l) => l.startsWith('@@'))) {
      lines.push(line);
      const match = /^@@ready (\S+) scheduler=true$/.exec(line);
      if (match) markReady(match[1]!);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stderr, ready, exited };
}

function within<T>(promise: Promise<T>, ms: number, what: string, instances: Instance[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const output = instances.map((i) => i.stderr.join('')).join('\n---\n');
      reject(new Error(`timed out waiting for ${what}; instance stderr:\n${output}`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

describeEachDb('scheduled jobs across two Usher processes on one database', (dialect) => {
  const track = trackDisposables();
  const instances: Instance[] = [];
  const dataDirs: string[] = [];
  afterAll(() => {
    for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every tick exactly once, on one instance or the other', { timeout: 90_000 }, async () => {
    const db = track(await freshDatabase(dialect));
    const url = databaseUrlFor(db);
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'usher-instance-'));
      dataDirs.push(dataDir);
      instances.push(startInstance(url, dataDir));
    }
    const ids = await within(Promise.all(instances.map((i) => i.ready)), 45_000, 'both instances to start', instances);
    expect(new Set(ids).size).toBe(2);

    // Ticks from the first whole second after both were up to well before the stop: in that window
    // one of the two is always free, so no tick may be missing.
    const windowStart = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const windowEnd = Math.floor(Date.now() / 1000) * 1000 - 1000;
    for (const instance of instances) instance.child.kill('SIGTERM');
    const codes = await within(Promise.all(instances.map((i) => i.exited)), 30_000, 'both instances to stop', instances);
    expect(codes).toEqual([0, 0]);
    for (const instance of instances) expect(instance.lines.at(-1)).toBe('@@stopped');

    // What the processes say they executed, one line per execution.
    const executions = instances.flatMap((instance) =>
      instance.lines.filter((l) => l.startsWith('@@ran ')).map((l) => ({ tick: l.split(' ')[1]!, instance: l.split(' ')[2]! })),
    );
    const executedTicks = executions.map((e) => e.tick);
    expect(new Set(executedTicks).size).toBe(executedTicks.length);
    expect(new Set(executions.map((e) => e.instance))).toEqual(new Set(ids));

    // What the database recorded: one succeeded run per tick, matching the executions.
    const perTick = await db.handle.db
      .selectFrom('job_runs')
      .select(['tick', (eb) => eb.fn.countAll<number>().as('runs')])
      .where('job', '=', 'test.tick')
      .groupBy('tick')
      .execute();
    expect(perTick.filter((row) => Number(row.runs) !== 1)).toEqual([]);
    expect(perTick.map((row) => row.tick).sort()).toEqual([...executedTicks].sort());
    const claims = await db.handle.db.selectFrom('job_locks').select('tick').where('job', '=', 'test.tick').execute();
    expect(claims.map((c) => c.tick).sort()).toEqual([...executedTicks].sort());
    const statuses = await db.handle.db.selectFrom('job_runs').select('status').where('job', '=', 'test.tick').execute();
    expect(statuses.every((s) => s.status === 'succeeded')).toBe(true);

    const expected: string[] = [];
    for (let t = windowStart; t <= windowEnd; t += 1000) expected.push(new Date(t).toISOString());
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(expected.filter((tick) => !executedTicks.includes(tick))).toEqual([]);
  });
});
