import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbyFake, startJellyfinFake, demoSeed, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { EMBY_CONNECT_TEST_USER_PREFIX } from '../../src/adapters/media-server/emby/emby-adapter.js';
import { EMBY_CONNECT_VISITOR_MESSAGE } from '../../src/modules/servers/emby-connect.service.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';

/** Every row Usher keeps about servers and members: a pass that changes nothing leaves it identical. */
async function snapshot(usher: TestUsher) {
  const db = usher.db.handle.db;
  return JSON.stringify({
    servers: await db.selectFrom('servers').selectAll().orderBy('id').execute(),
    libraries: await db.selectFrom('libraries').selectAll().orderBy('id').execute(),
    members: await db.selectFrom('members').selectAll().orderBy('id').execute(),
    accounts: await db.selectFrom('member_accounts').selectAll().orderBy('id').execute(),
  });
}

describeEachDb('Jellyfin and Emby servers: add, sync, import, resync', (dialect) => {
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
    jellyfin = await startJellyfinFake({ serverName: 'Living Room' });
    jellyfin.seed(demoSeed({ users: 12, items: true, userPrefix: 'jf-' }));
    emby = await startEmbyFake({ serverName: 'Basement', premiere: true });
    emby.seed(demoSeed({ users: 5, items: false, userPrefix: 'em-' }));
  });
  afterAll(async () => {
    await jellyfin.close();
    await emby.close();
  });

  it('refuses a wrong API key with the cause and saves nothing', async () => {
    const res = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: 'wrong-key' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('integration_unauthorized');
    expect(res.json().error.details.fix).toMatch(/API key/i);
    expect((await admin.get('/api/admin/servers')).json().items).toEqual([]);
  });

  it('adds a Jellyfin server, disabled until the admin enables it; refuses it twice', async () => {
    const test = await admin.post('/api/admin/servers/test', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey });
    expect(test.json()).toMatchObject({ name: 'Living Room', machineId: jellyfin.state.serverId });
    const res = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, maxUsers: 50 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Living Room', enabled: false, maxUsers: 50, apiKeySet: true, status: 'ok' });
    expect(res.body).not.toContain(jellyfin.apiKey);
    serverId = res.json().id;
    const again = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey });
    expect(again.statusCode).toBe(409);
  });

  it('adding syncs at once: libraries land in Private, members wait in the import preview; admin and template are left out', async () => {
    await usher.container.sync.settled(serverId);
    const sync = await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect(sync.statusCode).toBe(200);
    // The sync after adding already read everything; this pass finds nothing new.
    expect(sync.json()).toMatchObject({ ok: true, libraries: { added: 0 }, accounts: { added: 0, imported: 0, awaitingImport: 12 } });
    const libraries = (await admin.get('/api/admin/libraries')).json().items;
    expect(libraries).toHaveLength(4);
    expect(new Set(libraries.map((l: { groupName: string }) => l.groupName))).toEqual(new Set(['Private']));
    expect((await admin.get('/api/admin/members')).json().total).toBe(0);
    const preview = (await admin.get('/api/admin/members/import/preview')).json().items;
    const names = preview[0].accounts.map((a: { username: string }) => a.username);
    expect(names).toHaveLength(12);
    expect(names).not.toContain('admin');
    expect(names).not.toContain(TEMPLATE_USER_NAME);
  });

  it('imports the waiting accounts as permanent members; a second pass writes nothing', async () => {
    const res = await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
    expect(res.json()).toEqual({ imported: 12 });
    const members = (await admin.get('/api/admin/members?pageSize=100')).json();
    expect(members.total).toBe(12);
    expect(members.items.every((m: { permanent: boolean; servers: unknown[] }) => m.permanent && m.servers.length === 1)).toBe(true);
    const before = await snapshot(usher);
    jellyfin.http.resetCounts();
    const again = await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect(again.json()).toMatchObject({ ok: true, libraries: { added: 0, updated: 0, removed: 0 }, accounts: { added: 0, updated: 0, gone: 0, imported: 0 } });
    expect(await snapshot(usher)).toBe(before);
    // One read per resource: identity, libraries, users.
    expect(jellyfin.http.totalRequests()).toBeLessThanOrEqual(4);
  });

  it('picks up remote changes; new accounts are imported from now on; a deleted member is not resurrected', async () => {
    const victim = (await admin.get('/api/admin/members?q=jf-0001')).json().items[0];
    expect((await admin.delete(`/api/admin/members/${victim.id}`)).statusCode).toBe(200);
    jellyfin.state.createUser('newcomer', 'pw');
    jellyfin.state.libraries.get([...jellyfin.state.libraries.keys()][0]!)!.name = 'Films';
    const music = jellyfin.state.findLibrary('Music')!;
    jellyfin.state.libraries.delete(music.id);
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, libraries: { added: 0, updated: 1, removed: 1 }, accounts: { added: 1, imported: 1 } });
    const titles = (await admin.get('/api/admin/libraries')).json().items.map((l: { title: string }) => l.title);
    expect(titles).toContain('Films');
    expect(titles).not.toContain('Music');
    const newcomer = (await admin.get('/api/admin/members?q=newcomer')).json();
    expect(newcomer.total).toBe(1);
    // Not permanent (the setting's default): a default-plan payment of one plan period from now keeps them active.
    expect(newcomer.items[0].status).toMatchObject({ state: 'active', reason: 'payment', planId: 'plan-default', until: '2026-04-01T12:00:00.000Z' });
    expect((await admin.get('/api/admin/members?q=jf-0001')).json().total).toBe(0);

    // Even if the deleted member's account vanishes and comes back, it stays deleted.
    jellyfin.state.deleteUser(jellyfin.state.findUser('jf-0001')!);
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    jellyfin.state.createUser('jf-0001', 'pw');
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect((await admin.get('/api/admin/members?q=jf-0001')).json().total).toBe(0);
    expect((await admin.get('/api/admin/members')).json().total).toBe(12);
  });

  it('a server that is down is reported and alerted; nothing else changes', async () => {
    const before = await snapshot(usher);
    jellyfin.http.setDown(true);
    try {
      const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
      expect(res.ok).toBe(false);
      const server = (await admin.get('/api/admin/servers')).json().items.find((s: { id: string }) => s.id === serverId);
      expect(server.status).toBe('unreachable');
      expect(server.statusMessage).toMatch(/Cannot reach Jellyfin/);
      const alerts = (await admin.get('/api/admin/alerts')).json().items;
      expect(alerts.some((a: { kind: string }) => a.kind === 'server_unreachable')).toBe(true);
      const after = JSON.parse(await snapshot(usher));
      const was = JSON.parse(before);
      expect(after.libraries).toEqual(was.libraries);
      expect(after.members).toEqual(was.members);
      expect(after.accounts).toEqual(was.accounts);
    } finally {
      jellyfin.http.setDown(false);
    }
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect((await admin.get('/api/admin/servers')).json().items[0].status).toBe('ok');
  });

  it('a server that rate-limits Usher for long is reported as rate limited, not unreachable', async () => {
    jellyfin.http.fail('*', 1, 429, 'slow down', { 'retry-after': '600' });
    try {
      const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
      expect(res).toMatchObject({ ok: false, error: expect.stringMatching(/^Rate limited by Jellyfin: it asks Usher to wait 600 s/) });
      const server = (await admin.get('/api/admin/servers')).json().items.find((s: { id: string }) => s.id === serverId);
      expect(server.status).toBe('rate_limited');
      const alerts = (await admin.get('/api/admin/alerts')).json().items as { kind: string; title: string }[];
      expect(alerts.find((a) => a.kind === 'server_rate_limited')?.title).toBe('Living Room: rate limited by Jellyfin');
    } finally {
      jellyfin.http.clearFaults();
    }
    // A short Retry-After is simply waited out.
    jellyfin.http.fail('*', 1, 429, 'slow down', { 'retry-after': '1' });
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json().ok).toBe(true);
    expect((await admin.get('/api/admin/servers')).json().items.find((s: { id: string }) => s.id === serverId).status).toBe('ok');
  });

  it('Emby: the template user named in the settings is never imported; sync runs as a job with progress', async () => {
    const added = await admin.post('/api/admin/servers', { kind: 'emby', url: emby.url, apiKey: emby.apiKey, enabled: true });
    expect(added.json()).toMatchObject({ name: 'Basement', enabled: true, hasEmbyPremiere: true });
    const run = await admin.post('/api/admin/servers/sync');
    expect(run.statusCode).toBe(202);
    await usher.container.jobs.waitForRun(run.json().runId);
    const finished = (await admin.get(`/api/admin/jobs/runs/${run.json().runId}`)).json();
    expect(finished).toMatchObject({ status: 'succeeded', progress: 1 });
    const preview = (await admin.get('/api/admin/members/import/preview')).json().items;
    const embyPreview = preview.find((p: { serverName: string }) => p.serverName === 'Basement');
    expect(embyPreview.accounts.map((a: { username: string }) => a.username).sort()).toEqual(['em-0001', 'em-0002', 'em-0003', 'em-0004', 'em-0005']);
  });

  it('library groups: Private and Standard are locked; a deleted group sends its libraries back to Private', async () => {
    const groups = (await admin.get('/api/admin/library-groups')).json().items;
    expect(groups.map((g: { name: string }) => g.name)).toEqual(['Private', 'Standard', 'Premium 4K']);
    expect((await admin.patch('/api/admin/library-groups/group-standard', { name: 'Basic' })).json().error.code).toBe('group_locked');
    expect((await admin.delete('/api/admin/library-groups/group-private')).json().error.code).toBe('group_locked');
    const kids = (await admin.post('/api/admin/library-groups', { name: 'Kids' })).json();
    const library = (await admin.get('/api/admin/libraries')).json().items[0];
    expect((await admin.put(`/api/admin/libraries/${library.id}/group`, { groupId: kids.id })).statusCode).toBe(200);
    expect((await admin.get(`/api/admin/libraries?groupId=${kids.id}`)).json().items).toHaveLength(1);
    expect((await admin.delete(`/api/admin/library-groups/${kids.id}`)).statusCode).toBe(200);
    const back = (await admin.get('/api/admin/libraries')).json().items.find((l: { id: string }) => l.id === library.id);
    expect(back.groupName).toBe('Private');
  });

  it('server options, locations and the shared-servers list', async () => {
    const location = (await admin.post('/api/admin/server-locations', { name: 'Europe' })).json();
    const patched = await admin.patch(`/api/admin/servers/${serverId}`, { locationId: location.id, allow4kTranscoding: false, enabled: true });
    expect(patched.json()).toMatchObject({ locationId: location.id, allow4kTranscoding: false, enabled: true });
    expect((await admin.get('/api/admin/server-locations')).json().items).toEqual([expect.objectContaining({ name: 'Europe', servers: 1 })]);
    const wrongKey = await admin.patch(`/api/admin/servers/${serverId}`, { apiKey: 'nope' });
    expect(wrongKey.statusCode).toBe(502);
    const shared = (await admin.get(`/api/admin/shared-servers?serverId=${serverId}`)).json().items;
    expect(shared.length).toBeGreaterThan(10);
    expect(shared[0]).toMatchObject({ serverName: 'Living Room', state: expect.any(String) });
  });

  it('with "Require Emby Connect" on, registration accepts only emails Emby Connect knows, and leaves no test user behind', async () => {
    await admin.put('/api/admin/settings/mediaServer', { values: { requireEmbyConnect: true } });
    // Watch the fake's users: how many Connect test users exist at once, and under which names.
    const users = emby.state.users;
    const set = users.set.bind(users);
    const names: string[] = [];
    let live = 0;
    let mostAtOnce = 0;
    users.set = (id, user) => {
      if (user.name.startsWith(EMBY_CONNECT_TEST_USER_PREFIX) && !users.has(id)) {
        names.push(user.name);
        mostAtOnce = Math.max(mostAtOnce, ++live);
      }
      return set(id, user);
    };
    const del = users.delete.bind(users);
    users.delete = (id) => {
      if (users.get(id)?.name.startsWith(EMBY_CONNECT_TEST_USER_PREFIX)) live--;
      return del(id);
    };
    try {
      const visitor = (n: number) => new TestClient(usher.app, `10.60.0.${n}`);
      const refused = await visitor(1).post('/api/auth/register', { email: 'nobody@example.com', password: 'Customer-Pass-3!' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toEqual({ code: 'emby_connect_required', message: EMBY_CONNECT_VISITOR_MESSAGE });
      // Disabled or unknown: the visitor cannot tell which, nor anything Emby said.
      const disabled = await visitor(2).post('/api/auth/register', { email: 'carol@example.com', password: 'Customer-Pass-3!' });
      expect(disabled.json().error.message).toBe(EMBY_CONNECT_VISITOR_MESSAGE);

      // Concurrent visitors: checks on one server run one at a time, each under its own name.
      const results = await Promise.all(
        ['alice@example.com', 'x1@example.com', 'x2@example.com'].map((email, i) => visitor(10 + i).post('/api/auth/register', { email, password: 'Customer-Pass-3!' })),
      );
      expect(results.map((r) => r.statusCode)).toEqual([201, 400, 400]);
      expect(mostAtOnce).toBe(1);
      expect(new Set(names).size).toBe(names.length);
      expect(names.length).toBe(5);
      expect([...users.values()].filter((u) => u.name.startsWith(EMBY_CONNECT_TEST_USER_PREFIX))).toEqual([]);

      // When Emby fails, the visitor still gets the generic message; the admin gets the details.
      emby.http.fail('POST /Users/:id/Connect/Link', 1, 401, '');
      const failed = await visitor(20).post('/api/auth/register', { email: 'bob@example.com', password: 'Customer-Pass-3!' });
      expect(failed.json().error).toEqual({ code: 'emby_connect_required', message: EMBY_CONNECT_VISITOR_MESSAGE });
      const alerts = (await admin.get('/api/admin/alerts')).json().items as { kind: string; title: string; message: string }[];
      expect(alerts.find((a) => a.kind === 'emby_connect_check_failed')).toMatchObject({ title: expect.stringContaining('Emby Connect check') });
      expect([...users.values()].filter((u) => u.name.startsWith(EMBY_CONNECT_TEST_USER_PREFIX))).toEqual([]);
    } finally {
      users.set = set;
      users.delete = del;
      await admin.put('/api/admin/settings/mediaServer', { values: { requireEmbyConnect: false } });
    }
  });
});
