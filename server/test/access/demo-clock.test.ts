import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { createRole } from '../support/admin-callers.js';
import { createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

describe('Demo clock routes outside demo mode', () => {
  const track = trackDisposables();

  it('do not exist: 404 even for an administrator, and absent from the API document', async () => {
    const usher = track(await createTestUsher('sqlite'));
    const admin = await setupAdmin(usher);
    expect((await admin.get('/api/admin/demo/clock')).statusCode).toBe(404);
    expect((await admin.post('/api/admin/demo/clock/advance', { days: 3 })).statusCode).toBe(404);
    expect((await admin.post('/api/admin/demo/clock', { at: null })).statusCode).toBe(404);
    expect(usher.container.demo).toBeNull();
    expect((await admin.get('/api/public/site')).json().demo).toBe(false);
    const paths = Object.keys(((await admin.get('/api/openapi.json')).json() as { paths: Record<string, unknown> }).paths);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => p.includes('/demo/'))).toEqual([]);
  });
});

describeEachDb('Demo mode: advancing the clock expires a member and unshares them on the fake', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect, {}, { demo: true }));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 2, items: false, userPrefix: 'jf-' }));
    const serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    const libs = await usher.db.handle.db.selectFrom('libraries').select(['id', 'title']).where('server_id', '=', serverId).execute();
    for (const lib of libs.filter((l) => l.title === 'Movies' || l.title === 'TV Shows'))
      await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: 'group-standard' });
    // Both imported with an expiry two days out, like the demo's "expiring in two days" member.
    const expiresAt = new Date(usher.container.clock.now().getTime() + 2 * DAY_MS).toISOString();
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt });
    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await usher.container.access.reconcileAll();
    await usher.container.operations.applyDue();
  });
  afterAll(() => jellyfin.close());

  it('reads the clock: real time at first', async () => {
    expect((await admin.get('/api/public/site')).json().demo).toBe(true);
    const res = await admin.get('/api/admin/demo/clock');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ now: usher.clock.now().toISOString(), offsetMs: 0, syncSharedLibraries: true, pass: null });
  });

  it('only an administrator may move it; bad input changes nothing', async () => {
    expect((await new TestClient(usher.app).post('/api/admin/demo/clock/advance', { days: 3 })).statusCode).toBe(401);
    const role = await createRole(admin, 'Settings staff', ['settings.read', 'settings.write']);
    const staff = await loginAs(usher, admin, 'staff@example.com', role);
    const refused = await staff.post('/api/admin/demo/clock/advance', { days: 3 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('administrator_only');
    expect((await admin.post('/api/admin/demo/clock/advance', { days: 0 })).statusCode).toBe(400);
    expect((await admin.post('/api/admin/demo/clock', { at: 'soon' })).json().error.code).toBe('at_invalid');
    expect((await admin.get('/api/admin/demo/clock')).json().offsetMs).toBe(0);
  });

  it('advancing three days runs a pass: the expired members lose their libraries on the fake', async () => {
    expect(jellyfin.state.findUser('jf-0001')!.policy.EnabledFolders).toHaveLength(2);
    const res = await admin.post('/api/admin/demo/clock/advance', { days: 3 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      offsetMs: 3 * DAY_MS,
      now: new Date(usher.clock.now().getTime() + 3 * DAY_MS).toISOString(),
      pass: { changes: 2, applied: 2, failed: 0 },
    });
    expect(usher.container.clock.now().getTime()).toBe(usher.clock.now().getTime() + 3 * DAY_MS);
    for (const name of ['jf-0001', 'jf-0002']) expect(jellyfin.state.findUser(name)!.policy.EnabledFolders).toEqual([]);
    const members = (await admin.get('/api/admin/members')).json().items as { status: { state: string } }[];
    expect(members.every((m) => m.status.state === 'expired')).toBe(true);
  });

  it('back to real time: the members are active again and shared again', async () => {
    const res = await admin.post('/api/admin/demo/clock', { at: null });
    expect(res.json()).toMatchObject({ offsetMs: 0, pass: { applied: 2, failed: 0 } });
    for (const name of ['jf-0001', 'jf-0002']) expect(jellyfin.state.findUser(name)!.policy.EnabledFolders).toHaveLength(2);
  });
});
