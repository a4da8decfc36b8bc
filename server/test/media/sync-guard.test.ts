import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type MediaBrowserFake, type PlexFakes } from '../../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { jellyfinWithMembers } from './support/jellyfin-members.js';

/** What Usher keeps about a server's libraries and accounts: a held pass leaves it identical. */
async function snapshot(usher: TestUsher, serverId: string) {
  const db = usher.db.handle.db;
  return JSON.stringify({
    libraries: await db.selectFrom('libraries').selectAll().where('server_id', '=', serverId).orderBy('id').execute(),
    members: await db.selectFrom('members').selectAll().orderBy('id').execute(),
    accounts: await db.selectFrom('member_accounts').selectAll().where('server_id', '=', serverId).orderBy('id').execute(),
  });
}

async function accountCount(usher: TestUsher, serverId: string): Promise<number> {
  const rows = await usher.db.handle.db.selectFrom('member_accounts').select('remote_id').where('server_id', '=', serverId).execute();
  return rows.length;
}

async function serverStatus(admin: TestClient, serverId: string): Promise<{ status: string; statusMessage: string | null }> {
  return (await admin.get('/api/admin/servers')).json().items.find((s: { id: string }) => s.id === serverId);
}

async function heldAlerts(admin: TestClient): Promise<{ title: string; message: string }[]> {
  return (await admin.get('/api/admin/alerts')).json().items.filter((a: { kind: string }) => a.kind === 'sync_removals_held');
}

describeEachDb('Sync guard: a read that loses most of a Jellyfin server is held', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Living Room', users: 12, userPrefix: 'jf-' }));
  });
  afterAll(() => jellyfin.close());

  it('an empty user list changes nothing, raises an alert with the numbers and marks the server', async () => {
    const before = await snapshot(usher, serverId);
    jellyfin.http.fail('GET /Users', 1, 200, '[]');
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, held: { accounts: { stored: 12, seen: 0, removing: 12 } }, accounts: { gone: 0 } });
    expect(await snapshot(usher, serverId)).toBe(before);
    const [alert] = await heldAlerts(admin);
    expect(alert?.message).toContain('Living Room');
    expect(alert?.message).toContain('0 of 12 accounts were seen');
    expect(await serverStatus(admin, serverId)).toMatchObject({ status: 'removals_held' });
  });

  it('a next pass that sees everything again releases the hold without removing anyone', async () => {
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, accounts: { gone: 0 } });
    expect(res.held).toBeUndefined();
    expect(await accountCount(usher, serverId)).toBe(12);
    expect((await serverStatus(admin, serverId)).status).toBe('ok');
    expect((await admin.post(`/api/admin/servers/${serverId}/held-removals/apply`)).json().error.code).toBe('no_held_removals');
  });

  it('a real mass removal waits for the admin; Apply the removals applies exactly those, audited', async () => {
    for (const name of ['jf-0001', 'jf-0002', 'jf-0003', 'jf-0004', 'jf-0005', 'jf-0006', 'jf-0007', 'jf-0008']) jellyfin.state.deleteUser(jellyfin.state.findUser(name)!);
    const held = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(held.held).toEqual({ accounts: { stored: 12, seen: 4, removing: 8 }, libraries: { stored: 4, seen: 4, removing: 0 } });
    expect(await accountCount(usher, serverId)).toBe(12);

    const applied = await admin.post(`/api/admin/servers/${serverId}/held-removals/apply`);
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ accountsRemoved: 8, librariesRemoved: 0, sync: { ok: true, accounts: { added: 0, gone: 0 } } });
    expect(await accountCount(usher, serverId)).toBe(4);
    expect((await serverStatus(admin, serverId)).status).toBe('ok');
    const audit = (await admin.get('/api/admin/audit?action=server.held_removals_applied')).json().items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: serverId, details: { accounts: 8, libraries: 0 } });
  });

  it('removals Usher recorded itself do not count toward the guard', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `late-${i}`);
    for (const name of names) jellyfin.state.createUser(name, 'pw');
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { added: 10 } });
    const leaving = names.slice(0, 7).map((name) => jellyfin.state.findUser(name)!);
    for (const user of leaving) await usher.container.syncGuard.recordExpectedRemoval(serverId, user.id);
    // Recorded before the server shows it: a pass that still sees them keeps the records.
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { gone: 0 } });
    expect(await usher.db.handle.db.selectFrom('sync_expected_removals').selectAll().execute()).toHaveLength(7);
    for (const user of leaving) jellyfin.state.deleteUser(user);
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, accounts: { gone: 7 } });
    expect(res.held).toBeUndefined();
    expect(await accountCount(usher, serverId)).toBe(7);
    // Used up: the same ids vanishing again later would count.
    expect(await usher.db.handle.db.selectFrom('sync_expected_removals').selectAll().execute()).toEqual([]);
  });

  it('a server with few libraries is under the minimum: losing all four applies at once', async () => {
    const before = await snapshot(usher, serverId);
    jellyfin.http.fail('GET /Library/VirtualFolders', 1, 200, '[]');
    const small = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(small).toMatchObject({ ok: true, libraries: { removed: 4 } });
    expect(await snapshot(usher, serverId)).not.toBe(before);
    // …and they come back on the next good read.
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, libraries: { updated: 4 } });
  });
});

describeEachDb('Sync guard: plex.tv suddenly lists no shares', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 8, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    const accountId = (await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json().id;
    const listed = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items;
    const alpha = listed.find((s: { name: string }) => s.name === 'Alpha');
    serverId = (await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: accountId, machineId: alpha.machineId, url: alpha.connections[0].uri })).json().id;
    // Adding a server syncs it at once; this pass comes after that one.
    await usher.container.sync.settled(serverId);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { awaitingImport: 8 } });
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
  });
  afterAll(() => fakes.close());

  it('every member stays in place and an alert is raised; the next agreeing pass applies', async () => {
    const before = await snapshot(usher, serverId);
    const state = fakes.plexTv.state;
    for (const share of state.sharesOfServer(fakes.servers[0]!.machineId)) state.removeShare(fakes.owner, share.id);

    const first = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(first).toMatchObject({ ok: true, held: { accounts: { stored: 8, seen: 0, removing: 8 } }, accounts: { gone: 0 } });
    expect(await snapshot(usher, serverId)).toBe(before);
    expect((await heldAlerts(admin))[0]?.message).toContain('Alpha: 0 of 8 accounts were seen');
    expect((await admin.get('/api/admin/members')).json().total).toBe(8);

    const second = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(second).toMatchObject({ ok: true, accounts: { gone: 8 } });
    expect(second.held).toBeUndefined();
    expect(await accountCount(usher, serverId)).toBe(0);
    expect((await serverStatus(admin, serverId)).status).toBe('ok');
    expect(await usher.db.handle.db.selectFrom('sync_held_removals').selectAll().execute()).toEqual([]);
  });
});
