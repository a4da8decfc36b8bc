import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

describeEachDb('Plex accounts and servers', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let accountId: string;
  let serverId: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 2, usersPerServer: 5, pendingInvitesPerServer: 2, homeUsers: 2, serverNames: ['Alpha', 'Beta'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
  });
  afterAll(() => fakes.close());

  it('refuses a wrong token with the cause and saves nothing', async () => {
    const res = await admin.post('/api/admin/plex-accounts', { token: 'not-a-token' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('integration_unauthorized');
    expect((await admin.get('/api/admin/plex-accounts')).json().items).toEqual([]);
  });

  it('adds the account by token, detects Plex Pass, keeps the token out of every answer', async () => {
    const tested = await admin.post('/api/admin/plex-accounts/test', { token: fakes.owner.token });
    expect(tested.json()).toMatchObject({ username: 'owner', plexPass: true });
    const res = await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token, password: 'owner-password' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'owner', hasPlexPass: true, tokenStatus: 'valid', passwordSet: true });
    expect(res.body).not.toContain(fakes.owner.token!);
    accountId = res.json().id;
    expect((await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json().error.code).toBe('plex_account_exists');
    const overridden = await admin.patch(`/api/admin/plex-accounts/${accountId}`, { plexPassOverride: false });
    expect(overridden.json()).toMatchObject({ hasPlexPass: false, detectedPlexPass: true });
    await admin.patch(`/api/admin/plex-accounts/${accountId}`, { plexPassOverride: null });
  });

  it('signs in with Plex: the PIN approved on plex.tv adds a second account', async () => {
    const other = fakes.plexTv.state.addAccount({ username: 'second', email: 'second@example.com', password: 'pw', plexPass: false });
    const pin = (await admin.post('/api/admin/plex-accounts/pin')).json();
    expect(pin.authUrl).toContain(pin.code);
    expect((await admin.post(`/api/admin/plex-accounts/pin/${pin.id}/complete`)).json()).toEqual({ status: 'waiting' });
    fakes.plexTv.state.pins.approve(pin.id, other.token!);
    const done = (await admin.post(`/api/admin/plex-accounts/pin/${pin.id}/complete`)).json();
    expect(done).toMatchObject({ status: 'added', account: { username: 'second', hasPlexPass: false } });
    expect((await admin.get('/api/admin/plex-accounts')).json().items).toHaveLength(2);
    expect((await admin.delete(`/api/admin/plex-accounts/${done.account.id}`)).statusCode).toBe(200);
  });

  it('lists the account’s servers and adds one from it', async () => {
    const listed = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items;
    expect(listed.map((s: { name: string }) => s.name).sort()).toEqual(['Alpha', 'Beta']);
    const alpha = listed.find((s: { name: string }) => s.name === 'Alpha');
    const res = await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: accountId, machineId: alpha.machineId, url: alpha.connections[0].uri });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'plex', name: 'Alpha', enabled: false, machineId: alpha.machineId });
    serverId = res.json().id;
    const relisted = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items;
    expect(relisted.find((s: { name: string }) => s.name === 'Alpha').added).toBe(true);
  });

  it('first sync: shares and pending invites wait for import; the owner and Home users never appear', async () => {
    await usher.container.sync.settled(serverId);
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, accounts: { awaitingImport: 7 } });
    expect((await admin.get(`/api/admin/libraries?serverId=${serverId}`)).json().items.length).toBeGreaterThan(0);
    const shared = (await admin.get(`/api/admin/shared-servers?serverId=${serverId}`)).json().items;
    expect(shared.filter((s: { state: string }) => s.state === 'pending')).toHaveLength(2);
    const names = shared.map((s: { username: string | null }) => s.username);
    expect(names).not.toContain('owner');
    expect(names.some((n: string | null) => n?.startsWith('Kid'))).toBe(false);
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt: '2026-12-31T00:00:00.000Z' });
    const members = (await admin.get('/api/admin/members?pageSize=100')).json();
    expect(members.total).toBe(7);
    expect(members.items.every((m: { permanent: boolean }) => !m.permanent)).toBe(true);

    // Nothing changed on plex.tv or the server: a second pass writes no row.
    const db = usher.db.handle.db;
    const snapshot = async () =>
      JSON.stringify([
        await db.selectFrom('servers').selectAll().orderBy('id').execute(),
        await db.selectFrom('libraries').selectAll().orderBy('id').execute(),
        await db.selectFrom('members').selectAll().orderBy('id').execute(),
        await db.selectFrom('member_accounts').selectAll().orderBy('id').execute(),
      ]);
    const before = await snapshot();
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { added: 0, updated: 0, gone: 0 } });
    expect(await snapshot()).toBe(before);
  });

  it('a re-installed server (new machine id) raises an alert', async () => {
    const alpha = fakes.servers[0]!;
    alpha.changeMachineId();
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res.ok).toBe(false);
    const server = (await admin.get('/api/admin/servers')).json().items[0];
    expect(server.status).toBe('machine_id_changed');
    const alerts = (await admin.get('/api/admin/alerts')).json().items;
    expect(alerts.some((a: { kind: string }) => a.kind === 'machine_id_changed')).toBe(true);

    // The fix: pick the re-installed server from the account's list; the next sync is clean.
    const listed = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items;
    const reinstalled = listed.find((s: { machineId: string }) => s.machineId === alpha.machineId);
    const adopted = await admin.patch(`/api/admin/servers/${serverId}`, { machineId: reinstalled.machineId, url: reinstalled.connections[0].uri });
    expect(adopted.json()).toMatchObject({ status: 'ok', machineId: alpha.machineId });
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json().ok).toBe(true);
  });

  it('the daily token check alerts at once when plex.tv rejects a token', async () => {
    expect(await usher.container.plexAccounts.checkTokens()).toEqual({ checked: 1, invalid: 0 });
    fakes.plexTv.state.rotateToken(fakes.owner.id);
    expect(await usher.container.plexAccounts.checkTokens()).toEqual({ checked: 1, invalid: 1 });
    const account = (await admin.get('/api/admin/plex-accounts')).json().items[0];
    expect(account.tokenStatus).toBe('invalid');
    const alerts = (await admin.get('/api/admin/alerts')).json().items;
    expect(alerts.some((a: { kind: string; title: string }) => a.kind === 'token_invalid' && a.title.includes('owner'))).toBe(true);
    const replaced = await admin.patch(`/api/admin/plex-accounts/${accountId}`, { token: fakes.owner.token });
    expect(replaced.json().tokenStatus).toBe('valid');
  });

  it('deleting the account drops its servers but keeps the members', async () => {
    expect((await admin.delete(`/api/admin/plex-accounts/${accountId}`)).statusCode).toBe(200);
    expect((await admin.get('/api/admin/servers')).json().items).toEqual([]);
    expect((await admin.get('/api/admin/members')).json().total).toBe(7);
  });
});
