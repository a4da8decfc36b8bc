import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startEmbyFake, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

describeEachDb('server input: capacity, kind, timeouts and plain network errors', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let emby: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    jellyfin = await startJellyfinFake({ serverName: 'Attic' });
    jellyfin.seed(demoSeed({ users: 6, items: false, userPrefix: 'jf-' }));
    emby = await startEmbyFake({ serverName: 'Cellar' });
  });
  afterAll(async () => {
    await jellyfin.close();
    await emby.close();
  });

  it('an Emby server offered as Jellyfin is refused as "an Emby server", in the test and on save', async () => {
    const test = await admin.post('/api/admin/servers/test', { kind: 'jellyfin', url: emby.url, apiKey: emby.apiKey });
    expect(test.statusCode).toBe(400);
    expect(test.json().error).toMatchObject({ code: 'wrong_server_kind', details: { field: 'url', detected: 'emby' } });
    expect(test.json().error.message).toMatch(/This is an Emby server/);
    const add = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: emby.url, apiKey: emby.apiKey });
    expect(add.json().error.code).toBe('wrong_server_kind');
    const back = await admin.post('/api/admin/servers/test', { kind: 'emby', url: jellyfin.url, apiKey: jellyfin.apiKey });
    expect(back.json().error.message).toMatch(/This is a Jellyfin server/);
    expect((await admin.get('/api/admin/servers')).json().items).toEqual([]);
  });

  it('the right kind passes and reports its product', async () => {
    const test = await admin.post('/api/admin/servers/test', { kind: 'emby', url: emby.url, apiKey: emby.apiKey });
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({ name: 'Cellar', product: 'emby' });
  });

  it('a negative or fractional maximum is refused with a field error; nothing is saved', async () => {
    for (const maxUsers of [-3, 2.5, 100_001]) {
      const res = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, maxUsers });
      expect(res.statusCode).toBe(400);
      const issues = res.json().error.details.issues as { path: string; message: string }[];
      expect(issues).toEqual([expect.objectContaining({ path: 'maxUsers' })]);
      expect(issues[0]!.message).toMatch(/^Enter /);
    }
    expect((await admin.get('/api/admin/servers')).json().items).toEqual([]);
  });

  it('a new server is synced at once: its libraries and accounts are there without "Sync now"', async () => {
    const res = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, maxUsers: 10 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ maxUsers: 10, warnings: [] });
    serverId = res.json().id;
    await usher.container.sync.settled(serverId);
    expect((await admin.get('/api/admin/libraries')).json().items.length).toBeGreaterThan(0);
  });

  it('the import preview can leave single accounts out; a later sync does not bring them back', async () => {
    const preview = (await admin.get('/api/admin/members/import/preview')).json().items[0];
    const left = preview.accounts.find((a: { username: string }) => a.username === 'jf-0001');
    const res = await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent', exclude: [`${serverId}:${left.remoteId}`] });
    expect(res.json()).toEqual({ imported: 5 });
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect((await admin.get('/api/admin/members')).json().total).toBe(5);
    expect((await admin.get('/api/admin/members?q=jf-0001')).json().total).toBe(0);
  });

  it('a capacity below the members already there is saved with a warning; -3 is refused and leaves it alone', async () => {
    const lower = await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: 4 });
    expect(lower.statusCode).toBe(200);
    expect(lower.json().maxUsers).toBe(4);
    expect(lower.json().warnings).toEqual([expect.objectContaining({ field: 'maxUsers', code: 'capacity_below_members' })]);
    // The left-out account is still on the server, so it still takes a place.
    expect(lower.json().warnings[0].message).toMatch(/6 members/);
    const bad = await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: -3 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('maxUsers');
    const server = (await admin.get('/api/admin/servers')).json().items[0];
    expect(server.maxUsers).toBe(4);
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: 0 })).json().warnings).toEqual([]);
  });

  it('a server that never answers fails the test after the deadline, with a plain message', async () => {
    usher.container.servers.connectionTestTimeoutMs = 300;
    jellyfin.http.hang('*', 5);
    try {
      const started = Date.now();
      const res = await admin.post('/api/admin/servers/test', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('integration_timeout');
      expect(res.json().error.message).toMatch(/did not answer within \d+ seconds/);
    } finally {
      jellyfin.http.clearFaults();
      usher.container.servers.connectionTestTimeoutMs = 10_000;
    }
  });

  it('a connection that is cut shows plain words; the low-level code goes only to the log', async () => {
    jellyfin.http.setDown(true);
    try {
      const res = await admin.post('/api/admin/servers/test', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey });
      expect(res.statusCode).toBe(502);
      expect(res.json().error.message).toMatch(/^Cannot reach Jellyfin: /);
      expect(res.body).not.toMatch(/UND_ERR|ECONN|EPIPE/);
      const line = usher.logs.map((l) => JSON.parse(l) as { networkCode?: string; reqId?: string }).find((l) => l.networkCode);
      expect(line?.networkCode).toMatch(/^[A-Z_]+$/);
      expect(line?.reqId).toBeTruthy();
    } finally {
      jellyfin.http.setDown(false);
    }
  });
});
