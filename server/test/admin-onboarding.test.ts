import { expect, it } from 'vitest';
import { startJellyfinFake, startStripeFake, demoSeed } from '../../fakes/src/index.js';
import { idle } from '../src/jobs/job-runner.js';
import { createTestUsher, setupAdmin, TestClient, ADMIN_EMAIL, ADMIN_PASSWORD } from './support/app.js';
import { describeEachDb, trackDisposables } from './support/db.js';

type Item = { id: string; status: 'done' | 'todo' | 'unavailable' };
const statusOf = (body: { items: Item[] }) => Object.fromEntries(body.items.map((i) => [i.id, i.status]));

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDb('first run: the "Getting started" checklist', (dialect) => {
  const track = trackDisposables();

  it('ticks itself from real state and stays dismissed', async () => {
    const stripe = await startStripeFake();
    const { host, port, protocol } = stripe.endpoint;
    const usher = track(await createTestUsher(dialect, { STRIPE_API_HOST: host, STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: protocol }));
    const admin = await setupAdmin(usher);
    const first = (await admin.get('/api/admin/onboarding')).json();
    expect(first.welcomeBack).toBe(false);
    expect(first.dismissed).toBe(false);
    expect(first.complete).toBe(false);
    // createTestUsher saved the general section with a site URL, and email settings without a test.
    expect(statusOf(first)).toEqual({ site: 'done', email: 'todo', media: 'todo', library_groups: 'todo', plan: 'todo', access_sync: 'todo', gateway: 'todo', registration: 'todo' });

    expect((await admin.post('/api/admin/settings/email/send-test', { to: 'me@example.com' })).statusCode).toBe(200);
    expect((await admin.put('/api/admin/settings/registration', { values: { enabled: true } })).statusCode).toBe(200);

    const jellyfin = await startJellyfinFake({ serverName: 'Den' });
    try {
      jellyfin.seed(demoSeed({ users: 1, items: false }));
      const added = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey })).json();
      await usher.container.sync.settled(added.id);
    } finally {
      await jellyfin.close();
    }
    const library = (await admin.get('/api/admin/libraries')).json().items[0];
    const standard = (await admin.get('/api/admin/library-groups')).json().items.find((g: { builtin: string | null }) => g.builtin === 'standard');
    expect((await admin.put(`/api/admin/libraries/${library.id}/group`, { groupId: standard.id })).statusCode).toBe(200);

    // The audit log names its targets as they are called now.
    const entries = (await admin.get('/api/admin/audit?action=server.add')).json().items;
    expect(entries[0]).toMatchObject({ targetType: 'server', targetName: 'Den' });

    // The inactive Default plan every install has does not count; a plan for sale does.
    expect(statusOf((await admin.get('/api/admin/onboarding')).json()).plan).toBe('todo');
    const plan = { name: 'Monthly', costMinor: 900, duration: { unit: 'months', count: 1 }, libraryGroupIds: [standard.id] };
    expect((await admin.post('/api/admin/plans', plan)).statusCode).toBe(201);
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);

    // A failed credentials test ticks nothing; a passing one ticks the gateway step.
    expect((await admin.post('/api/admin/settings/stripe/test', { secrets: { secretKey: 'sk_test_wrong', webhookSecret: 'whsec_x' } })).statusCode).toBe(502);
    expect(statusOf((await admin.get('/api/admin/onboarding')).json()).gateway).toBe('todo');
    const tested = await admin.post('/api/admin/settings/stripe/test', { secrets: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret } });
    expect(tested.statusCode, tested.body).toBe(200);
    await stripe.close();

    const after = (await admin.get('/api/admin/onboarding')).json();
    expect(statusOf(after)).toMatchObject({ gateway: 'done', email: 'done', media: 'done', library_groups: 'done', registration: 'done', plan: 'done', access_sync: 'done' });
    expect(after.complete).toBe(true);

    const dismissed = (await admin.put('/api/admin/onboarding/dismissed', { dismissed: true })).json();
    expect(dismissed.dismissed).toBe(true);
    expect((await admin.get('/api/admin/onboarding')).json().dismissed).toBe(true);

    // A second sign-in is greeted as a return.
    const again = new TestClient(usher.app, '10.9.9.9');
    expect((await again.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    expect((await again.get('/api/admin/onboarding')).json().welcomeBack).toBe(true);
  });

  it('names are unique regardless of case: locations, library groups and roles', async () => {
    const usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    expect((await admin.post('/api/admin/server-locations', { name: 'Europe' })).statusCode).toBe(201);
    const dup = await admin.post('/api/admin/server-locations', { name: 'europe' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('location_exists');

    expect((await admin.post('/api/admin/library-groups', { name: 'Kids' })).statusCode).toBe(201);
    expect((await admin.post('/api/admin/library-groups', { name: 'KIDS' })).json().error.code).toBe('group_exists');

    const role = await admin.post('/api/admin/roles', { name: 'Support', permissions: ['members.read'] });
    expect(role.statusCode).toBe(201);
    expect((await admin.post('/api/admin/roles', { name: 'support', permissions: [] })).json().error.code).toBe('role_name_taken');
    // Changing only the case of its own name is allowed.
    expect((await admin.patch(`/api/admin/roles/${role.json().id}`, { name: 'SUPPORT' })).statusCode).toBe(200);
  });
});

describeEachDb('jobs: scheduled runs that did nothing are counted, not listed', (dialect) => {
  const track = trackDisposables();

  it('keeps runs that did something, counts idle ones, and lists a manual idle run', async () => {
    const usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    const { jobs } = usher.container;
    let calls = 0;
    jobs.register('test.mostly-idle', '* * * * * *', 'Works every third tick.', () => {
      calls++;
      return Promise.resolve(calls % 3 === 0 ? 'Did one thing.' : idle('Nothing to do.'));
    });
    // The admin asked for a manual run, so it is listed even though it did nothing.
    const manual = await admin.post('/api/admin/jobs/test.mostly-idle/run');
    expect(manual.statusCode).toBe(202);
    await jobs.waitForRun(manual.json().runId);
    expect((await admin.get(`/api/admin/jobs/runs/${manual.json().runId}`)).json()).toMatchObject({ status: 'succeeded', message: 'Nothing to do.' });

    calls = 0;
    jobs.start();
    await until(() => Promise.resolve(calls >= 4), 'four ticks');
    await jobs.stop();
    const job = (await admin.get('/api/admin/jobs')).json().items.find((j: { name: string }) => j.name === 'test.mostly-idle');
    const scheduled = (await admin.get('/api/admin/jobs/runs?job=test.mostly-idle&pageSize=100')).json().items.filter((r: { trigger: string }) => r.trigger === 'schedule');
    expect(scheduled.every((r: { message: string }) => r.message === 'Did one thing.')).toBe(true);
    expect(job.idleRuns.count + scheduled.length).toBe(calls);
    expect(job.idleRuns).toMatchObject({ lastMessage: 'Nothing to do.' });
    expect(job.idleRuns.count).toBeGreaterThanOrEqual(2);
  });
});
