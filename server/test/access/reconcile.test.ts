import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, startPlexFakes, TEMPLATE_USER_NAME, type MediaBrowserFake, type PlexFakes } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { libraryIds, operationRows } from '../media/support/operations.js';

async function memberIdOf(usher: TestUsher, serverId: string, remoteId: string): Promise<string> {
  const row = await usher.db.handle.db.selectFrom('member_accounts').select('member_id').where('server_id', '=', serverId).where('remote_id', '=', remoteId).executeTakeFirstOrThrow();
  return row.member_id!;
}

/** A new library group holding exactly these libraries (by title) of the server. */
async function groupOf(usher: TestUsher, admin: TestClient, serverId: string, name: string, titles: string[]): Promise<string> {
  const id = (await admin.post('/api/admin/library-groups', { name })).json().id as string;
  const libs = await usher.db.handle.db.selectFrom('libraries').select(['id', 'title']).where('server_id', '=', serverId).execute();
  for (const lib of libs.filter((l) => titles.includes(l.title))) expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: id })).statusCode).toBe(200);
  return id;
}

const plan = (name: string, libraryGroupIds: string[], extra: Record<string, unknown> = {}) => ({ name, costMinor: 1000, duration: { unit: 'days', count: 30 }, libraryGroupIds, ...extra });

describeEachDb('Reconciler on Jellyfin: plans decide the folders, the switch decides whether Usher writes', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let libs: Map<string, string>;
  let gold: string;
  let moviesGroup: string;
  const ids: Record<string, string> = {};

  const policy = (name: string) => jellyfin.state.findUser(name)!.policy;
  /** Moves the clock on; the admin logs in again, as the session would have lapsed. */
  const advance = async (ms: number) => {
    usher.clock.advance(ms);
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  };
  const pass = async () => {
    const result = await usher.container.access.reconcileAll();
    await usher.container.operations.applyDue();
    return result;
  };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 4, items: false, userPrefix: 'jf-' }));
    serverId = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).json().id;
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
    expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt })).json()).toMatchObject({ imported: expect.any(Number) });
    for (const name of ['jf-0001', 'jf-0002', 'jf-0003', 'jf-0004']) ids[name] = await memberIdOf(usher, serverId, jellyfin.state.findUser(name)!.id);
    // Nothing is shared while every library is Private.
    expect((await usher.container.access.computePlan()).unconfiguredServers).toEqual([{ serverId, serverName: 'Den' }]);
    moviesGroup = await groupOf(usher, admin, serverId, 'Movies only', ['Movies']);
    const tv = await usher.db.handle.db.selectFrom('libraries').select('id').where('server_id', '=', serverId).where('title', '=', 'TV Shows').executeTakeFirstOrThrow();
    await admin.put(`/api/admin/libraries/${tv.id}/group`, { groupId: 'group-standard' });
    libs = await libraryIds(usher, serverId);
    gold = (await admin.post('/api/admin/plans', plan('Gold', [moviesGroup], { maxStreams: 2, allowDownloads: true, allowTranscoding: false }))).json().id;
    // Gold replaces the imported default-plan payment for these two.
    await usher.db.handle.db.deleteFrom('payments').where('member_id', 'in', [ids['jf-0001']!, ids['jf-0002']!]).execute();
    const now = usher.clock.now().getTime();
    const pay = (memberId: string, days: number) =>
      admin.post(`/api/admin/members/${memberId}/payments`, { planId: gold, from: new Date(now).toISOString(), to: new Date(now + days * DAY_MS).toISOString() });
    expect((await pay(ids['jf-0001']!, 30)).statusCode).toBe(201);
    expect((await pay(ids['jf-0002']!, 90)).statusCode).toBe(201);
    // jf-0004: permanent, its default-plan payment removed: shares by the default plan.
    expect((await admin.put(`/api/admin/members/${ids['jf-0004']}/permanent`, { permanent: true })).statusCode).toBe(200);
    await usher.db.handle.db.deleteFrom('payments').where('member_id', '=', ids['jf-0004']!).execute();
    await usher.container.access.settled();
  });
  afterAll(() => jellyfin.close());

  it('with the switch off a pass queues nothing; the dry run lists the change, per server and member', async () => {
    const before = policy('jf-0001');
    const res = await admin.post('/api/admin/access/sync-now', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ syncSharedLibraries: false, enqueued: 0 });
    expect(await operationRows(usher)).toEqual([]);
    expect(policy('jf-0001')).toEqual(before);

    const dry = (await admin.get('/api/admin/access/dry-run')).json();
    expect(dry.syncSharedLibraries).toBe(false);
    const change = dry.changes.find((c: { memberId: string }) => c.memberId === ids['jf-0001']);
    expect(change).toMatchObject({ serverName: 'Den', memberLabel: expect.any(String), kind: 'grant', planName: 'Gold', librariesAfter: ['Movies'], allowDownloadsAfter: true, allowTranscoding: false, sessionCap: 2 });
    expect(change.librariesBefore).toEqual(expect.arrayContaining(['Movies', 'TV Shows']));
  });

  it('the dry run needs servers.read; sync-now needs servers.write', async () => {
    const anonymous = new TestClient(usher.app);
    expect((await anonymous.get('/api/admin/access/dry-run')).statusCode).toBe(401);
    expect((await anonymous.post('/api/admin/access/sync-now', {})).statusCode).toBe(401);
  });

  it('after turning the switch on, a pass gives the plan: folders, no all-folders, stream cap, downloads, video transcoding', async () => {
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
    const result = await pass();
    expect(result.enqueued).toBeGreaterThan(0);
    expect(policy('jf-0001')).toMatchObject({
      EnabledFolders: [libs.get('Movies')],
      EnableAllFolders: false,
      MaxActiveSessions: 2,
      EnableContentDownloading: true,
      EnableVideoPlaybackTranscoding: false,
      EnableAudioPlaybackTranscoding: true,
    });
    // The permanent member keeps the default plan's libraries (the Standard group), without limits.
    expect(policy('jf-0004')).toMatchObject({ EnabledFolders: [libs.get('TV Shows')], EnableAllFolders: false, MaxActiveSessions: 0 });
    expect(policy('jf-0003')).toMatchObject({ EnabledFolders: [libs.get('TV Shows')], EnableAllFolders: false });
    // Nothing left to do: the next pass (before any sync) queues nothing.
    const again = await usher.container.access.reconcileAll();
    expect(again.operations).toEqual([]);
  });

  it('past the payment’s end the next pass removes the libraries; the Jellyfin account stays', async () => {
    await advance(31 * DAY_MS);
    const result = await pass();
    const mine = result.operations.filter((o) => o.memberId === ids['jf-0001']);
    expect(mine.map((o) => o.kind)).toEqual(['revoke']);
    expect(result.operations.filter((o) => o.memberId === ids['jf-0004'])).toEqual([]);
    expect(jellyfin.state.findUser('jf-0001')).toBeDefined();
    expect(policy('jf-0001')).toMatchObject({ EnabledFolders: [], EnableAllFolders: false });
    // Still-paid and permanent members keep their access.
    expect(policy('jf-0002')).toMatchObject({ EnabledFolders: [libs.get('Movies')] });
    expect(policy('jf-0004')).toMatchObject({ EnabledFolders: [libs.get('TV Shows')] });
  });

  it('a renewal brings the libraries back at once (the immediate pass for the member)', async () => {
    expect((await admin.post(`/api/admin/members/${ids['jf-0001']}/payments`, { planId: gold })).statusCode).toBe(201);
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    expect(policy('jf-0001')).toMatchObject({ EnabledFolders: [libs.get('Movies')], MaxActiveSessions: 2 });
  });

  it('a linked (sub) member has exactly its master’s access, whatever its own payments say', async () => {
    expect((await admin.patch(`/api/admin/plans/${gold}`, { maxSubAccounts: 1 })).statusCode).toBe(200);
    expect((await admin.post(`/api/admin/members/${ids['jf-0001']}/subs`, { subId: ids['jf-0003'] })).statusCode).toBe(200);
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    // jf-0003's own default-plan payment gives TV Shows; as jf-0001's sub it has Gold.
    expect(policy('jf-0003')).toMatchObject({ EnabledFolders: [libs.get('Movies')], MaxActiveSessions: 2, EnableContentDownloading: true });

    expect((await admin.delete(`/api/admin/members/${ids['jf-0001']}/subs/${ids['jf-0003']}`)).statusCode).toBe(200);
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    expect(policy('jf-0003')).toMatchObject({ EnabledFolders: [libs.get('TV Shows')] });
  });

  it('changing a plan’s library groups re-shares only that plan’s members', async () => {
    const before = new Set((await operationRows(usher)).map((r) => r.id));
    const res = await admin.patch(`/api/admin/plans/${gold}`, { libraryGroupIds: [moviesGroup, 'group-standard'] });
    expect(res.statusCode).toBe(200);
    await usher.container.access.settled();
    const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
    expect(new Set(fresh.map((r) => r.member_id))).toEqual(new Set([ids['jf-0001'], ids['jf-0002']]));
    expect(fresh.every((r) => r.kind === 'grant')).toBe(true);
    await usher.container.operations.applyDue();
    expect(policy('jf-0002')!.EnabledFolders).toEqual(expect.arrayContaining([libs.get('Movies'), libs.get('TV Shows')]));
  });

  it('two passes started at once queue each change once; applying twice writes once', async () => {
    await advance(60 * DAY_MS);
    const before = new Set((await operationRows(usher)).map((r) => r.id));
    const [a, b] = await Promise.all([usher.container.access.reconcileAll(), usher.container.access.reconcileAll()]);
    expect(a.operations.map((o) => o.idempotencyKey)).toEqual(b.operations.map((o) => o.idempotencyKey));
    const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
    expect(fresh.filter((r) => r.member_id === ids['jf-0002']).map((r) => r.kind)).toEqual(['revoke']);
    expect(fresh).toHaveLength(new Set(fresh.map((r) => r.idempotency_key)).size);
    // jf-0001's renewal ended 30 days ago as well: with "delete after 30 days" its account goes.
    expect(fresh.filter((r) => r.member_id === ids['jf-0001']).map((r) => r.kind)).toEqual(['delete']);
    const counts = () => jellyfin.http.requestCounts();
    const writes = () => (counts()['POST /Users/:id/Policy'] ?? 0) + (counts()['DELETE /Users/:id'] ?? 0);
    const w0 = writes();
    await Promise.all([usher.container.operations.applyDue(), usher.container.operations.applyDue()]);
    expect(writes() - w0).toBe(fresh.length);
    expect(jellyfin.state.findUser('jf-0001')).toBeUndefined();
    expect(policy('jf-0002')).toMatchObject({ EnabledFolders: [] });
  });
});

describeEachDb('Reconciler on Plex: a member on a plan gets a share with exactly its sections', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  let machineId: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 3, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    const accountId = (await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json().id;
    const alpha = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items.find((s: { name: string }) => s.name === 'Alpha');
    machineId = alpha.machineId;
    serverId = (await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: accountId, machineId, url: alpha.connections[0].uri, enabled: true })).json().id;
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt });
  });
  afterAll(() => fakes.close());

  it('the share holds exactly the plan’s section ids; expiry removes it, a renewal invites again', async () => {
    const libs = await usher.db.handle.db.selectFrom('libraries').select(['title', 'remote_id']).where('server_id', '=', serverId).orderBy('title').execute();
    const chosen = libs[0]!;
    const group = await groupOf(usher, admin, serverId, 'Chosen', [chosen.title]);
    const planId = (await admin.post('/api/admin/plans', plan('Plex plan', [group]))).json().id;
    const [account] = await usher.db.handle.db.selectFrom('member_accounts').select(['member_id', 'remote_id']).where('server_id', '=', serverId).orderBy('remote_id').execute();
    const memberId = account!.member_id!;
    await usher.db.handle.db.deleteFrom('payments').where('member_id', '=', memberId).execute();
    expect((await admin.post(`/api/admin/members/${memberId}/payments`, { planId })).statusCode).toBe(201);
    await usher.container.access.settled();
    expect(await operationRows(usher)).toEqual([]);

    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await usher.container.access.reconcileMember(memberId);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    const shareOf = () => fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === account!.remote_id);
    expect(shareOf()!.sectionIds.map(String)).toEqual([chosen.remote_id]);
    expect(shareOf()!.allLibraries).toBe(false);
    expect(shareOf()!.settings.allowSync).toBe(false);

    usher.clock.advance(40 * DAY_MS);
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    await usher.container.access.reconcileMember(memberId);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(shareOf()).toBeUndefined();
    // The sync that notices the share is gone keeps the server in the member's history.
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });

    expect((await admin.post(`/api/admin/members/${memberId}/payments`, { planId })).statusCode).toBe(201);
    await usher.container.access.settled();
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    const invited = fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === account!.remote_id);
    expect(invited!.sectionIds.map(String)).toEqual([chosen.remote_id]);
    // The renewal's new invite is emailed with how to accept it, once (reference §2.5.2: sent on re-invite).
    const { email } = await usher.db.handle.db.selectFrom('members').select('email').where('id', '=', memberId).executeTakeFirstOrThrow();
    const mailTo = () => usher.db.handle.db.selectFrom('notification_outbox').selectAll().where('recipient', '=', email!).execute();
    expect(email).toBeTruthy();
    const mail = await mailTo();
    expect(mail.map((m) => m.subject)).toEqual(['You are invited to Alpha']);
    expect(mail[0]!.body_text).toContain('app.plex.tv');
    await usher.container.access.reconcileMember(memberId);
    await usher.container.operations.applyDue();
    expect(await mailTo()).toHaveLength(1);
  });
});

describeEachDb('Reconciler: grace library groups after expiry (advanced expiration handling)', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let jellyfin: MediaBrowserFake;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
  });
  afterAll(() => jellyfin.close());

  it('an expired member keeps only the grace groups for N days, then has nothing; the account stays', async () => {
    const admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME, syncSharedLibraries: true } });
    jellyfin.seed(demoSeed({ users: 1, items: false, userPrefix: 'jf-' }));
    const serverId = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
    const memberId = await memberIdOf(usher, serverId, jellyfin.state.findUser('jf-0001')!.id);
    await admin.put(`/api/admin/members/${memberId}/permanent`, { permanent: false });
    const movies = await groupOf(usher, admin, serverId, 'Movies only', ['Movies']);
    const tv = await groupOf(usher, admin, serverId, 'TV only', ['TV Shows']);
    await admin.put('/api/admin/settings/subscriptions', { values: { advancedExpirationEnabled: true, graceDays: 5, graceLibraryGroupIds: [tv], deleteAfterDays: 30 } });
    const planId = (await admin.post('/api/admin/plans', plan('Movies', [movies]))).json().id;
    expect((await admin.post(`/api/admin/members/${memberId}/payments`, { planId })).statusCode).toBe(201);
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    const libs = await libraryIds(usher, serverId);
    const folders = () => jellyfin.state.findUser('jf-0001')!.policy.EnabledFolders;
    expect(folders()).toEqual([libs.get('Movies')]);

    usher.clock.advance(31 * DAY_MS);
    expect((await usher.container.access.reconcileMember(memberId)).changes[0]).toMatchObject({ phase: 'grace', librariesAfter: ['TV Shows'] });
    await usher.container.operations.applyDue();
    expect(folders()).toEqual([libs.get('TV Shows')]);

    usher.clock.advance(5 * DAY_MS);
    expect((await usher.container.access.reconcileMember(memberId)).changes.map((c) => c.kind)).toEqual(['revoke']);
    await usher.container.operations.applyDue();
    expect(folders()).toEqual([]);
    expect(jellyfin.state.findUser('jf-0001')).toBeDefined();
  });
});
