import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, freshDatabase, trackDisposables } from './support/db.js';
import { createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { CronJobRunner } from '../src/jobs/cron-runner.js';
import { createLogger } from '../src/http/logger.js';
import { JobsRepository, type JobRun } from '../src/modules/jobs/jobs.repository.js';
import { DAY_MS, ManualClock } from '../src/platform/clock.js';

function gate() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const silent = createLogger('silent');

describeEachDb('jobs: run now and run history', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  const progressGate = gate();

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    const { jobs } = usher.container;
    jobs.register('test.progress', '0 0 1 1 *', 'Reports progress, then waits for the test.', async ({ reportProgress }) => {
      reportProgress(0.25, 'A quarter done');
      await progressGate.promise;
      reportProgress(0.75, 'Three quarters done');
      return 'All done.';
    });
    jobs.register('test.fail', '0 0 1 1 *', 'Fails half-way.', async ({ reportProgress }) => {
      reportProgress(0.5, 'Half-way');
      await Promise.resolve();
      throw new Error('The fake upstream refused the request (503).');
    });
    jobs.register('test.quick', '0 0 1 1 *', 'Does nothing.', () => Promise.resolve());
  });

  const getRun = async (id: string): Promise<JobRun> => (await admin.get(`/api/admin/jobs/runs/${id}`)).json();

  it('lists Usher’s jobs with their schedule and next run', async () => {
    const res = await admin.get('/api/admin/jobs');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.schedulerRunning).toBe(false);
    const byName = new Map(body.items.map((j: { name: string }) => [j.name, j]));
    expect(byName.get('email.deliver')).toMatchObject({ cron: '* * * * *', running: false, lastRun: null });
    expect(byName.get('auth.cleanup')).toMatchObject({ cron: '30 3 * * *', lastRun: null });
    expect(byName.get('jobs.prune')).toBeDefined();
    const next = new Date((byName.get('email.deliver') as { nextRunAt: string }).nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    expect(next.getUTCSeconds()).toBe(0);
    const daily = new Date((byName.get('auth.cleanup') as { nextRunAt: string }).nextRunAt);
    expect([daily.getUTCHours(), daily.getUTCMinutes()]).toEqual([3, 30]);
  });

  it('records a manual run with live progress, then its success', async () => {
    const startedAt = usher.clock.now().toISOString();
    const res = await admin.post('/api/admin/jobs/test.progress/run');
    expect(res.statusCode).toBe(202);
    const { runId } = res.json() as { runId: string };

    const live = await until(async () => {
      const run = await getRun(runId);
      return run.progress === 0.25 ? run : undefined;
    }, 'the first progress report');
    expect(live).toMatchObject({
      job: 'test.progress',
      trigger: 'manual',
      status: 'running',
      tick: null,
      message: 'A quarter done',
      startedAt,
      finishedAt: null,
      instanceId: usher.container.jobs.instanceId,
    });
    const listed = (await admin.get('/api/admin/jobs')).json().items.find((j: { name: string }) => j.name === 'test.progress');
    expect(listed).toMatchObject({ running: true, lastRun: { id: runId, status: 'running' } });

    const again = await admin.post('/api/admin/jobs/test.progress/run');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('job_running');

    usher.clock.advance(5000);
    progressGate.release();
    await usher.container.jobs.waitForRun(runId);
    expect(await getRun(runId)).toMatchObject({
      status: 'succeeded',
      progress: 1,
      message: 'All done.',
      error: null,
      finishedAt: new Date(new Date(startedAt).getTime() + 5000).toISOString(),
    });
    const audit = (await admin.get('/api/admin/audit?action=jobs.run')).json();
    expect(JSON.stringify(audit)).toContain(runId);
  });

  it('records a failed run with its error text and how far it got', async () => {
    const res = await admin.post('/api/admin/jobs/test.fail/run');
    expect(res.statusCode).toBe(202);
    const { runId } = res.json() as { runId: string };
    await usher.container.jobs.waitForRun(runId);
    expect(await getRun(runId)).toMatchObject({
      job: 'test.fail',
      status: 'failed',
      error: 'The fake upstream refused the request (503).',
      progress: 0.5,
      message: 'Half-way',
    });
    const listed = (await admin.get('/api/admin/jobs')).json().items.find((j: { name: string }) => j.name === 'test.fail');
    expect(listed.lastRun).toMatchObject({ id: runId, status: 'failed' });
  });

  it('pages the run history, newest first, per job or across jobs', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      usher.clock.advance(1000);
      const { runId } = (await admin.post('/api/admin/jobs/test.quick/run')).json() as { runId: string };
      await usher.container.jobs.waitForRun(runId);
      ids.push(runId);
    }
    const first = (await admin.get('/api/admin/jobs/runs?job=test.quick&page=1&pageSize=2')).json();
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.items.map((r: JobRun) => r.id)).toEqual([ids[2], ids[1]]);
    const second = (await admin.get('/api/admin/jobs/runs?job=test.quick&page=2&pageSize=2')).json();
    expect(second.items.map((r: JobRun) => r.id)).toEqual([ids[0]]);
    const all = (await admin.get('/api/admin/jobs/runs')).json();
    expect(all.total).toBe(5);
    expect(all.items[0].id).toBe(ids[2]);
    expect((await admin.get('/api/admin/jobs/runs?pageSize=101')).statusCode).toBe(400);
  });

  it('answers 404 with a clear message for an unknown job or run', async () => {
    const res = await admin.post('/api/admin/jobs/no.such.job/run');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('unknown_job');
    expect(res.json().error.message).toContain('"no.such.job"');
    expect(res.json().error.message).toContain('email.deliver');
    const run = await admin.get('/api/admin/jobs/runs/not-a-run');
    expect(run.statusCode).toBe(404);
    expect(run.json().error.code).toBe('unknown_run');
  });

  it('email.deliver sends the mail waiting in the outbox', async () => {
    await usher.container.notifications.enqueueEmail({
      to: 'jobs-reader@example.com',
      event: 'admin_alert',
      vars: { title: 'From the outbox', message: 'Delivered by the job', link: 'https://usher.example.com/admin/alerts' },
      idempotencyKey: 'jobs-test-outbox-1',
    });
    const { runId } = (await admin.post('/api/admin/jobs/email.deliver/run')).json() as { runId: string };
    await usher.container.jobs.waitForRun(runId);
    expect(await getRun(runId)).toMatchObject({ status: 'succeeded', message: 'Sent 1 email.' });
    const mail = await usher.smtp.waitFor((m) => m.to.includes('jobs-reader@example.com'));
    expect(mail.subject).toContain('From the outbox');
  });

  it('auth.cleanup deletes expired sessions and login attempts older than 30 days', async () => {
    await loginAs(usher, admin, 'short-lived@example.com', 'role-user');
    usher.clock.advance(400 * DAY_MS);
    // Through the service: the administrator's own session has just expired too.
    const { jobs } = usher.container;
    const { runId } = await jobs.runNow('auth.cleanup');
    await jobs.waitForRun(runId);
    const run = await jobs.getRun(runId);
    expect(run.status).toBe('succeeded');
    const [, sessions, attempts] = /^Deleted (\d+) expired sessions? and (\d+) old login attempts?\.$/.exec(run.message ?? '') ?? [];
    expect(Number(sessions)).toBeGreaterThanOrEqual(2);
    expect(Number(attempts)).toBeGreaterThanOrEqual(1);
    const again = await jobs.runNow('auth.cleanup');
    await jobs.waitForRun(again.runId);
    expect((await jobs.getRun(again.runId)).message).toBe('Deleted 0 expired sessions and 0 old login attempts.');
  });
});

describeEachDb('jobs: permissions', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('jobs.read sees jobs and runs but cannot run one; without it, nothing', async () => {
    const viewerRole = (await admin.post('/api/admin/roles', { name: 'Job viewer', permissions: ['jobs.read'] })).json().id as string;
    const runnerRole = (await admin.post('/api/admin/roles', { name: 'Job runner', permissions: ['jobs.read', 'jobs.write'] })).json().id as string;
    const otherRole = (await admin.post('/api/admin/roles', { name: 'Auditor', permissions: ['audit.read'] })).json().id as string;
    const viewer = await loginAs(usher, admin, 'viewer@example.com', viewerRole);
    const runner = await loginAs(usher, admin, 'runner@example.com', runnerRole);
    const other = await loginAs(usher, admin, 'auditor@example.com', otherRole);
    const anonymous = new TestClient(usher.app, '10.9.9.9');

    expect((await viewer.get('/api/admin/jobs')).statusCode).toBe(200);
    expect((await viewer.get('/api/admin/jobs/runs')).statusCode).toBe(200);
    expect((await viewer.post('/api/admin/jobs/jobs.prune/run')).statusCode).toBe(403);

    for (const url of ['/api/admin/jobs', '/api/admin/jobs/runs']) {
      expect((await other.get(url)).statusCode).toBe(403);
      expect((await anonymous.get(url)).statusCode).toBe(401);
    }
    expect((await other.post('/api/admin/jobs/jobs.prune/run')).statusCode).toBe(403);
    expect((await anonymous.post('/api/admin/jobs/jobs.prune/run')).statusCode).toBe(401);
    expect((await admin.get('/api/admin/jobs/runs')).json().total).toBe(0);

    const ran = await runner.post('/api/admin/jobs/jobs.prune/run');
    expect(ran.statusCode).toBe(202);
    await usher.container.jobs.waitForRun(ran.json().runId as string);
    expect((await viewer.get('/api/admin/jobs/runs')).json().items[0]).toMatchObject({ job: 'jobs.prune', status: 'succeeded' });
  });
});

describeEachDb('jobs: the scheduler', (dialect) => {
  const track = trackDisposables();

  it('runs a job on every tick, records the tick, and stops cleanly', async () => {
    const usher = track(await createTestUsher(dialect));
    const { jobs } = usher.container;
    jobs.register('test.every-second', '* * * * * *', 'Ticks every second.', ({ trigger, tick }) =>
      Promise.resolve(`${trigger} ${tick?.toISOString()}`),
    );
    jobs.start();
    expect((await usher.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const runs = await until(async () => {
      const page = await jobs.listRuns({ job: 'test.every-second', offset: 0, limit: 100 });
      return page.items.filter((r) => r.status === 'succeeded').length >= 3 ? page.items : undefined;
    }, 'three scheduled runs');
    await jobs.stop();
    const done = runs.filter((r) => r.status === 'succeeded');
    for (const run of done) {
      expect(run.trigger).toBe('schedule');
      expect(run.tick).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(run.message).toBe(`schedule ${run.tick}`);
    }
    expect(new Set(done.map((r) => r.tick)).size).toBe(done.length);
    expect(await jobs.list().then((all) => all.find((j) => j.name === 'test.every-second')?.lastRun?.trigger)).toBe('schedule');
  });

  it('two runners on one database run each tick once, and a busy runner leaves the tick to the other', async () => {
    const db = track(await freshDatabase(dialect));
    const repo = new JobsRepository(db.handle.db);
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    const executions: string[] = [];
    const runners = ['a', 'b'].map((id) => new CronJobRunner({ store: repo, clock, log: silent, instanceId: id }));
    for (const runner of runners) {
      // Longer than the period: the runner that took a tick is still busy at the next one.
      runner.schedule('test.slow-tick', '* * * * * *', async ({ tick }) => {
        executions.push(tick!.toISOString());
        await new Promise((r) => setTimeout(r, 1500));
      });
      runner.start();
    }
    await until(() => Promise.resolve(executions.length >= 3 ? true : undefined), 'three ticks', 10_000);
    await Promise.all(runners.map((r) => r.stop()));

    const { items } = await repo.listRuns({ job: 'test.slow-tick', offset: 0, limit: 100 });
    const ticks = items.map((r) => r.tick);
    expect(new Set(ticks).size).toBe(items.length);
    expect(new Set(executions).size).toBe(executions.length);
    expect([...ticks].sort()).toEqual([...executions].sort());
    expect(new Set(items.map((r) => r.instanceId))).toEqual(new Set(['a', 'b']));
    expect(items.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('stop() waits for a run in progress, and records a run that outlives the wait as interrupted', async () => {
    const db = track(await freshDatabase(dialect));
    const repo = new JobsRepository(db.handle.db);
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');

    const patient = new CronJobRunner({ store: repo, clock, log: silent });
    patient.schedule('test.short', '0 0 1 1 *', () => new Promise((r) => setTimeout(() => r('finished'), 200)));
    const shortRun = await patient.enqueue('test.short');
    await patient.stop();
    expect(await repo.findRun(shortRun)).toMatchObject({ status: 'succeeded', message: 'finished' });
    await expect(patient.enqueue('test.short')).rejects.toThrow(/shutting down/);

    const hung = gate();
    const impatient = new CronJobRunner({ store: repo, clock, log: silent, stopTimeoutMs: 100 });
    impatient.schedule('test.hung', '0 0 1 1 *', async ({ signal }) => {
      await hung.promise;
      return signal.aborted ? 'saw the abort' : 'no abort';
    });
    const hungRun = await impatient.enqueue('test.hung');
    await impatient.stop();
    expect(await repo.findRun(hungRun)).toMatchObject({ status: 'failed', error: 'Usher stopped before this run finished.' });
    hung.release();
    await impatient.waitForRun(hungRun);
    expect(await repo.findRun(hungRun)).toMatchObject({ status: 'failed' });
  });
});
