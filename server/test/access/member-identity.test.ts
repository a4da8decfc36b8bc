import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  demoSeed,
  startEmbyFake,
  startPlexFakes,
  TEMPLATE_USER_NAME,
  type MediaBrowserFake,
  type PlexFakes,
} from '../../../fakes/src/index.js';
import { createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { jellyfinWithMembers } from '../media/support/jellyfin-members.js';
import { operationRows } from '../media/support/operations.js';
import { addPlexServer } from '../media/support/plex-server.js';

async function accountOf(usher: TestUsher, serverId: string, remoteId: string) {
  return usher.db.handle.db
    .selectFrom('member_accounts')
    .selectAll()
    .where('server_id', '=', serverId)
    .where('remote_id', '=', remoteId)
    .executeTakeFirstOrThrow();
}

describeEachDb('Changing a Jellyfin username: the user is renamed through the queue, duplicates refused', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  const rename = (memberId: string, accountId: string, identifier: unknown) =>
    admin.put(`/api/admin/members/${memberId}/accounts/${accountId}/identity`, { identifier });

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 3, userPrefix: 'jf-', enabled: true }));
    await usher.container.operations.stop();
  });
  afterAll(() => jellyfin.close());

  it('renames the user on the server once; the account and the member show the new name', async () => {
    const remoteId = jellyfin.state.findUser('jf-0001')!.id;
    const account = await accountOf(usher, serverId, remoteId);
    const memberId = account.member_id!;
    const res = await rename(memberId, account.id, 'jf-renamed');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ kind: 'rename', queued: 1 });
    // Asking again while it is queued queues nothing more.
    expect((await rename(memberId, account.id, 'jf-renamed')).statusCode).toBe(202);
    expect((await operationRows(usher)).filter((r) => r.member_id === memberId)).toMatchObject([{ kind: 'rename', status: 'pending' }]);
    const before = jellyfin.http.requestCounts()['POST /Users'] ?? 0;
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(jellyfin.state.users.get(remoteId)!.name).toBe('jf-renamed');
    expect((jellyfin.http.requestCounts()['POST /Users'] ?? 0) - before).toBe(1);
    expect((await accountOf(usher, serverId, remoteId)).username).toBe('jf-renamed');
    expect((await admin.get(`/api/admin/members/${memberId}`)).json()).toMatchObject({ username: 'jf-renamed' });
  });

  it('refuses a name another account on the server has, the same name, a bad name and a foreign account', async () => {
    const a1 = await accountOf(usher, serverId, jellyfin.state.findUser('jf-0002')!.id);
    const a2 = await accountOf(usher, serverId, jellyfin.state.findUser('jf-0003')!.id);
    const taken = await rename(a1.member_id!, a1.id, 'JF-0003');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('name_taken');
    expect((await rename(a1.member_id!, a1.id, 'jf-0002')).json().error.code).toBe('identity_unchanged');
    expect((await rename(a1.member_id!, a1.id, ' bad/name')).json().error.code).toBe('invalid_username');
    expect((await rename(a1.member_id!, a2.id, 'someone')).statusCode).toBe(404);
    expect((await rename(a1.member_id!, a1.id, '')).statusCode).toBe(400);
    expect(
      (await new TestClient(usher.app).put(`/api/admin/members/${a1.member_id}/accounts/${a1.id}/identity`, { identifier: 'x' }))
        .statusCode,
    ).toBe(401);
    expect((await operationRows(usher)).filter((r) => r.member_id === a1.member_id)).toEqual([]);
  });

  it('a name only the server knows is refused there: the operation fails once, with an alert, and nothing is renamed', async () => {
    jellyfin.state.createUser('outsider');
    const account = await accountOf(usher, serverId, jellyfin.state.findUser('jf-0002')!.id);
    expect((await rename(account.member_id!, account.id, 'outsider')).statusCode).toBe(202);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 0, retried: 0, failed: 1 });
    expect(jellyfin.state.findUser('jf-0002')).toBeDefined();
    const alerts = (await admin.get('/api/admin/alerts')).json().items.filter((a: { kind: string }) => a.kind === 'operation_failed');
    expect(alerts.length).toBeGreaterThan(0);
    expect((await accountOf(usher, serverId, account.remote_id)).username).toBe('jf-0002');
  });
});

describeEachDb('Changing an Emby username renames the user with POST /Users/{Id}', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let emby: MediaBrowserFake;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    emby = await startEmbyFake({ serverName: 'Attic' });
  });
  afterAll(() => emby.close());

  it('renames once', async () => {
    const admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    emby.seed(demoSeed({ users: 1, items: false, userPrefix: 'em-' }));
    const serverId = (await admin.post('/api/admin/servers', { kind: 'emby', url: emby.url, apiKey: emby.apiKey, enabled: true })).json()
      .id;
    await usher.container.sync.settled(serverId);
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
    const remoteId = emby.state.findUser('em-0001')!.id;
    const account = await accountOf(usher, serverId, remoteId);
    expect(
      (await admin.put(`/api/admin/members/${account.member_id}/accounts/${account.id}/identity`, { identifier: 'em-new' })).statusCode,
    ).toBe(202);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(emby.state.users.get(remoteId)!.name).toBe('em-new');
    expect(emby.http.requestCounts()['POST /Users/:id']).toBe(1);
  });
});

describeEachDb('Changing a Plex email: the new account is invited with the same libraries, the old share removed', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  let machineId: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 2, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    ({ serverId, machineId } = await addPlexServer(admin, fakes.owner.token));
    await usher.container.sync.settled(serverId);
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
  });
  afterAll(() => fakes.close());

  it('replaces the account: invite to the new email, old share gone, the sync links the invite to the same member', async () => {
    const [old, other] = await usher.db.handle.db
      .selectFrom('member_accounts')
      .selectAll()
      .where('server_id', '=', serverId)
      .orderBy('remote_id')
      .execute();
    const memberId = old!.member_id!;
    const oldShare = fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === old!.remote_id)!;
    const put = (identifier: string) => admin.put(`/api/admin/members/${memberId}/accounts/${old!.id}/identity`, { identifier });

    expect((await put('not an email@')).json().error.code).toBe('invalid_plex_identity');
    expect((await put(other!.email!)).statusCode).toBe(409);
    const res = await put('New.Address@example.com');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ kind: 'replace', queued: 2 });
    expect(
      (await usher.db.handle.db.selectFrom('member_accounts').select('replaced_at').where('id', '=', old!.id).executeTakeFirstOrThrow())
        .replaced_at,
    ).toBeTruthy();
    // Until the next sync drops it, the member page lists the old account as replaced, with the time.
    const replaced = (await admin.get(`/api/admin/members/${memberId}`)).json().accounts;
    expect(replaced.find((a: { id: string }) => a.id === old!.id)).toMatchObject({ replacedAt: usher.clock.now().toISOString() });
    // The replaced account is out of the reconciler's view: no pass grants it again.
    expect((await usher.container.access.computePlan({ memberId })).operations).toEqual([]);
    expect((await put('another@example.com')).statusCode).toBe(404);

    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 2, failed: 0 });
    const shares = fakes.plexTv.state.sharesOfServer(machineId);
    expect(shares.find((s) => String(s.invitedId) === old!.remote_id)).toBeUndefined();
    const invite = shares.find((s) => s.invitedEmail.toLowerCase() === 'new.address@example.com')!;
    expect(invite).toBeDefined();
    expect(invite.sectionIds.map(String).sort()).toEqual(oldShare.sectionIds.map(String).sort());

    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { imported: 0 } });
    const detail = (await admin.get(`/api/admin/members/${memberId}`)).json();
    expect(detail.email).toBe('new.address@example.com');
    expect(detail.accounts.map((a: { email: string | null }) => a.email?.toLowerCase())).toEqual(['new.address@example.com']);
    // The old account leaves no "shared before" trace, so a renewal never invites it again.
    const history = await usher.db.handle.db
      .selectFrom('member_server_history')
      .select('remote_id')
      .where('member_id', '=', memberId)
      .execute();
    expect(history.map((h) => h.remote_id)).not.toContain(old!.remote_id);
    expect(
      await usher.db.handle.db.selectFrom('member_accounts').select('id').where('id', '=', old!.id).executeTakeFirst(),
    ).toBeUndefined();
  });
});
