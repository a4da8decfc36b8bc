import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  demoSeed,
  startJellyfinFake,
  startPlexFakes,
  TEMPLATE_USER_NAME,
  type MediaBrowserFake,
  type PlexFakes,
} from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { libraryIds, operationRows } from '../media/support/operations.js';
import { addPlexServer } from '../media/support/plex-server.js';

async function memberIdOf(usher: TestUsher, serverId: string, remoteId: string): Promise<string> {
  const row = await usher.db.handle.db
    .selectFrom('member_accounts')
    .select('member_id')
    .where('server_id', '=', serverId)
    .where('remote_id', '=', remoteId)
    .executeTakeFirstOrThrow();
  return row.member_id!;
}

async function groupOf(usher: TestUsher, admin: TestClient, serverId: string, name: string, titles: string[]): Promise<string> {
  const id = (await admin.post('/api/admin/library-groups', { name })).json().id as string;
  const libs = await usher.db.handle.db.selectFrom('libraries').select(['id', 'title']).where('server_id', '=', serverId).execute();
  for (const lib of libs.filter((l) => titles.includes(l.title)))
    expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: id })).statusCode).toBe(200);
  return id;
}

const errorCode = (res: { json: () => { error?: { code?: string } } }) => res.json().error?.code;

describeEachDb('My Account on Jellyfin: subscription card and "Re-invite me"', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let customer: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let memberId: string;
  let libs: Map<string, string>;
  const policy = () => jellyfin.state.findUser('jf-0001')!.policy;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 2, items: false, userPrefix: 'jf-' }));
    serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
    memberId = await memberIdOf(usher, serverId, jellyfin.state.findUser('jf-0001')!.id);
    expect((await admin.put(`/api/admin/members/${memberId}/permanent`, { permanent: false })).statusCode).toBe(200);
    expect((await admin.patch(`/api/admin/members/${memberId}`, { email: 'Viewer@Example.com' })).statusCode).toBe(200);
    const movies = await groupOf(usher, admin, serverId, 'Movies only', ['Movies']);
    libs = await libraryIds(usher, serverId);
    const planId = (
      await admin.post('/api/admin/plans', {
        name: 'Gold',
        description: 'Films, two screens',
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: [movies],
        maxStreams: 2,
        allowDownloads: true,
      })
    ).json().id;
    expect((await admin.post(`/api/admin/members/${memberId}/payments`, { planId })).statusCode).toBe(201);
    await usher.container.access.settled();
    customer = await loginAs(usher, admin, 'viewer@example.com', 'role-user');
  });
  afterAll(() => jellyfin.close());

  it('a login with no member of its email gets no_subscription, and is not linked to anyone', async () => {
    const stranger = await loginAs(usher, admin, 'stranger@example.com', 'role-user');
    const res = await stranger.get('/api/portal/subscription');
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('no_subscription');
    expect(errorCode(await stranger.post('/api/portal/subscription/reinvite', {}))).toBe('no_subscription');
    expect((await stranger.get('/api/portal/account')).json()).toMatchObject({ email: 'stranger@example.com', hasSubscription: false });
    expect((await new TestClient(usher.app).get('/api/portal/subscription')).statusCode).toBe(401);
  });

  it('a login whose email is not confirmed is not linked to the member of that email', async () => {
    const other = await memberIdOf(usher, serverId, jellyfin.state.findUser('jf-0002')!.id);
    expect((await admin.patch(`/api/admin/members/${other}`, { email: 'second@example.com' })).statusCode).toBe(200);
    // Registered while confirmation was required, never confirmed, then the admin turned confirmation off.
    const client = new TestClient(usher.app, '10.0.0.201');
    expect((await client.post('/api/auth/register', { email: 'second@example.com', password: 'Second-Pass-3!' })).statusCode).toBe(201);
    await admin.put('/api/admin/settings/registration', { values: { requireEmailConfirmation: false } });
    expect((await client.post('/api/auth/login', { email: 'second@example.com', password: 'Second-Pass-3!' })).statusCode).toBe(200);
    expect(errorCode(await client.get('/api/portal/subscription'))).toBe('no_subscription');
    const row = await usher.db.handle.db.selectFrom('members').select('login_id').where('id', '=', other).executeTakeFirstOrThrow();
    expect(row.login_id).toBeNull();
    await admin.put('/api/admin/settings/registration', { values: { requireEmailConfirmation: true } });
  });

  it('the customer sees status, plan contents, server, username and how to sign in; the login is linked by email', async () => {
    const res = await customer.get('/api/portal/subscription');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toMatchObject({ state: 'active', reason: 'payment', until: expect.any(String) });
    expect(body.status.sentence).toMatch(/^Your subscription is active until \d+ \w+ \d{4}\.$/);
    expect(body.plan).toEqual({
      name: 'Gold',
      description: 'Films, two screens',
      libraries: ['Movies'],
      libraryGroups: ['Movies only'],
      maxStreams: 2,
      allowDownloads: true,
      allowTranscoding: true,
    });
    expect(body.servers).toEqual([
      {
        name: 'Den',
        kind: 'jellyfin',
        state: 'active',
        username: 'jf-0001',
        address: jellyfin.url,
        instructions: expect.stringContaining(`Sign in to Jellyfin at ${jellyfin.url} with the username jf-0001`),
      },
    ]);
    expect(body.reinvite).toMatchObject({ available: false, code: 'server_sync_off' });
    const member = await usher.db.handle.db.selectFrom('members').select('login_id').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(member.login_id).not.toBeNull();
    expect((await customer.get('/api/portal/account')).json()).toMatchObject({ hasSubscription: true });
  });

  it('with remote writes off, re-invite is refused and nothing is queued', async () => {
    const res = await customer.post('/api/portal/subscription/reinvite', {});
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('server_sync_off');
    expect(await operationRows(usher)).toEqual([]);
  });

  it('an account disabled and emptied on the server is enabled and given the plan again; pending work shows in plain words', async () => {
    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await usher.container.access.reconcileAll();
    await usher.container.operations.applyDue();
    expect(policy()).toMatchObject({ EnabledFolders: [libs.get('Movies')], IsDisabled: false });

    // Someone disabled the account and took the folders away on the server itself; Usher has not synced since.
    policy().IsDisabled = true;
    policy().EnabledFolders = [];
    const res = await customer.post('/api/portal/subscription/reinvite', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: 'queued', servers: ['Den'] });
    const pending = (await customer.get('/api/portal/subscription')).json().operations;
    expect(pending).toEqual([
      expect.objectContaining({
        kind: 'grant',
        status: 'pending',
        serverName: 'Den',
        sentence: expect.stringContaining('Updating your libraries on Den'),
      }),
    ]);

    await usher.container.operations.applyDue();
    expect(policy()).toMatchObject({
      IsDisabled: false,
      EnabledFolders: [libs.get('Movies')],
      EnableAllFolders: false,
      MaxActiveSessions: 2,
    });
    expect((await customer.get('/api/portal/subscription')).json().operations).toEqual([]);
  });

  it('a second request within 15 minutes is refused with the time to wait; later, with access intact, there is nothing to re-invite', async () => {
    const again = await customer.post('/api/portal/subscription/reinvite', {});
    expect(again.statusCode).toBe(429);
    expect(errorCode(again)).toBe('reinvite_rate_limited');
    expect((await customer.get('/api/portal/subscription')).json().reinvite).toMatchObject({
      available: false,
      code: 'reinvite_rate_limited',
      retryAt: expect.any(String),
    });

    usher.clock.advance(16 * 60_000);
    const before = (await operationRows(usher)).length;
    // Two clicks at once: one request reads the server, the other is rate-limited.
    const both = await Promise.all([
      customer.post('/api/portal/subscription/reinvite', {}),
      customer.post('/api/portal/subscription/reinvite', {}),
    ]);
    expect(both.map((r) => errorCode(r)).sort()).toEqual(['nothing_to_reinvite', 'reinvite_rate_limited']);
    expect(both.map((r) => r.statusCode).sort()).toEqual([409, 429]);
    expect(await operationRows(usher)).toHaveLength(before);
  });

  it('the setting, the Plex-account-change tag and an expired subscription each refuse with their code', async () => {
    usher.clock.advance(16 * 60_000);
    await admin.put('/api/admin/settings/misc', { values: { reinviteButtonEnabled: false } });
    let res = await customer.post('/api/portal/subscription/reinvite', {});
    expect([res.statusCode, errorCode(res)]).toEqual([403, 'reinvite_disabled']);
    await admin.put('/api/admin/settings/misc', { values: { reinviteButtonEnabled: true } });

    await admin.patch(`/api/admin/members/${memberId}`, { requiresPlexAccountChange: true });
    res = await customer.post('/api/portal/subscription/reinvite', {});
    expect([res.statusCode, errorCode(res)]).toEqual([409, 'plex_account_change_required']);
    expect((await customer.get('/api/portal/subscription')).json().requiresPlexAccountChange).toBe(true);
    await admin.patch(`/api/admin/members/${memberId}`, { requiresPlexAccountChange: false });

    // Past the paid period (the session has lapsed by then: log in again).
    usher.clock.advance(31 * DAY_MS);
    customer = new TestClient(usher.app, '10.0.0.77');
    expect((await customer.post('/api/auth/login', { email: 'viewer@example.com', password: 'Another-Pass-7?' })).statusCode).toBe(200);
    res = await customer.post('/api/portal/subscription/reinvite', {});
    expect([res.statusCode, errorCode(res)]).toEqual([409, 'member_not_active']);
    const view = (await customer.get('/api/portal/subscription')).json();
    expect(view.status).toMatchObject({ state: 'expired', reason: 'expired' });
    expect(view.status.sentence).toMatch(/^Your subscription expired on \d+ \w+ \d{4}\.$/);
    expect(view.reinvite).toMatchObject({ available: false, code: 'member_not_active' });
  });
});

describeEachDb('My Account on Plex: "Re-invite me" re-creates a share removed on the server', (dialect) => {
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
    ({ serverId, machineId } = await addPlexServer(admin, fakes.owner.token));
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    await admin.post('/api/admin/members/import', {
      serverIds: [serverId],
      mode: 'expiring',
      expiresAt: new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString(),
    });
  });
  afterAll(() => fakes.close());

  it('the member sees how to accept on Plex; after the share is removed on plex.tv, re-invite shares the plan’s sections again', async () => {
    const libs = await usher.db.handle.db
      .selectFrom('libraries')
      .select(['title', 'remote_id'])
      .where('server_id', '=', serverId)
      .orderBy('title')
      .execute();
    const chosen = libs[0]!;
    const group = await groupOf(usher, admin, serverId, 'Chosen', [chosen.title]);
    const planId = (
      await admin.post('/api/admin/plans', {
        name: 'Plex plan',
        costMinor: 500,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: [group],
      })
    ).json().id;
    const account = await usher.db.handle.db
      .selectFrom('member_accounts')
      .select(['member_id', 'remote_id', 'email'])
      .where('server_id', '=', serverId)
      .orderBy('remote_id')
      .executeTakeFirstOrThrow();
    const memberId = account.member_id!;
    const email = (await usher.db.handle.db.selectFrom('members').select('email').where('id', '=', memberId).executeTakeFirstOrThrow())
      .email!;
    await usher.db.handle.db.deleteFrom('payments').where('member_id', '=', memberId).execute();
    expect((await admin.post(`/api/admin/members/${memberId}/payments`, { planId })).statusCode).toBe(201);
    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await usher.container.access.settled();
    await usher.container.access.reconcileMember(memberId);
    await usher.container.operations.applyDue();
    const shareOf = () => fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === account.remote_id);
    expect(shareOf()!.sectionIds.map(String)).toEqual([chosen.remote_id]);

    const customer = await loginAs(usher, admin, email, 'role-user');
    const view = (await customer.get('/api/portal/subscription')).json();
    expect(view.plan).toMatchObject({ name: 'Plex plan', libraries: [chosen.title], maxStreams: null });
    expect(view.servers).toEqual([
      expect.objectContaining({ name: 'Alpha', kind: 'plex', address: null, instructions: expect.stringContaining('app.plex.tv') }),
    ]);

    // The share disappears on plex.tv (the member left it, or someone removed it there).
    fakes.plexTv.state.removeShare(fakes.owner, shareOf()!);
    expect(shareOf()).toBeUndefined();
    const res = await customer.post('/api/portal/subscription/reinvite', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: 'queued', servers: ['Alpha'] });
    expect(res.json().message).toContain('Plex will email you a new invite');
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(shareOf()!.sectionIds.map(String)).toEqual([chosen.remote_id]);
    expect(shareOf()!.allLibraries).toBe(false);

    // The new invite waits for the member: the card says where to accept it, and asking again changes nothing.
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const waiting = (await customer.get('/api/portal/subscription')).json().servers;
    expect(waiting).toEqual([
      expect.objectContaining({
        name: 'Alpha',
        state: 'pending',
        instructions: expect.stringContaining('Your invite to Alpha is waiting'),
      }),
    ]);
    usher.clock.advance(16 * 60_000);
    const fresh = new TestClient(usher.app, '10.0.0.88');
    expect((await fresh.post('/api/auth/login', { email, password: 'Another-Pass-7?' })).statusCode).toBe(200);
    const again = await fresh.post('/api/portal/subscription/reinvite', {});
    expect([again.statusCode, errorCode(again)]).toEqual([409, 'nothing_to_reinvite']);
    expect(again.json().error.message).toContain('Your invite to Alpha is still waiting for you');
  });
});
