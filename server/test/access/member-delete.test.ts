import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type MediaBrowserFake, type PlexFakes } from '../../../fakes/src/index.js';
import { RETRY_CAP_MS } from '../../src/domain/operation-retry.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { jellyfinWithMembers } from '../media/support/jellyfin-members.js';
import { operationRows } from '../media/support/operations.js';
import { addPlexServer } from '../media/support/plex-server.js';

async function memberOf(usher: TestUsher, serverId: string, remoteId: string): Promise<string> {
  const row = await usher.db.handle.db
    .selectFrom('member_accounts')
    .select('member_id')
    .where('server_id', '=', serverId)
    .where('remote_id', '=', remoteId)
    .executeTakeFirstOrThrow();
  return row.member_id!;
}

describeEachDb('Deleting a Jellyfin member: the account goes once, through the queue, or stays with "keep on server"', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  const idOf = (name: string) => memberOf(usher, serverId, jellyfin.state.findUser(name)!.id);
  const deletes = () => jellyfin.http.requestCounts()['DELETE /Users/:id'] ?? 0;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 6, userPrefix: 'jf-', enabled: true }));
    await usher.container.operations.stop();
  });
  afterAll(() => jellyfin.close());

  it('the preview lists the account that will be deleted, and nothing with keepOnServer', async () => {
    const id = await idOf('jf-0001');
    const preview = await admin.get(`/api/admin/members/${id}/removal`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      keepOnServer: false,
      subsReleased: 0,
      items: [{ serverName: 'Den', serverKind: 'jellyfin', username: 'jf-0001', action: 'delete_account', waitsForServer: false }],
    });
    expect((await admin.get(`/api/admin/members/${id}/removal?keepOnServer=true`)).json().items[0].action).toBe('keep');
    expect((await admin.get('/api/admin/members/nope/removal')).statusCode).toBe(404);
    expect((await new TestClient(usher.app).get(`/api/admin/members/${id}/removal`)).statusCode).toBe(401);
  });

  it('deleting removes the member at once and the Jellyfin account exactly once, even with remote writes off', async () => {
    const id = await idOf('jf-0001');
    const remoteId = jellyfin.state.findUser('jf-0001')!.id;
    const before = deletes();
    expect((await admin.delete(`/api/admin/members/${id}`)).statusCode).toBe(200);
    expect((await admin.get(`/api/admin/members/${id}`)).statusCode).toBe(404);
    const rows = (await operationRows(usher)).filter((r) => r.member_id === id);
    expect(rows).toMatchObject([{ kind: 'delete', status: 'pending', remote_id: remoteId }]);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(jellyfin.state.findUser('jf-0001')).toBeUndefined();
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 0 });
    expect(deletes() - before).toBe(1);
    // A second delete of the same member is refused, so nothing is queued twice.
    expect((await admin.delete(`/api/admin/members/${id}`)).statusCode).toBe(404);
    const audit = await usher.db.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'member.delete')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ keepOnServer: false, remoteRemovals: 1 });
  });

  it('with keepOnServer the account stays; sync does not import it again and the reconciler leaves it alone', async () => {
    const id = await idOf('jf-0002');
    const before = deletes();
    expect((await admin.delete(`/api/admin/members/${id}?keepOnServer=true`)).statusCode).toBe(200);
    expect((await operationRows(usher)).filter((r) => r.member_id === id)).toEqual([]);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { imported: 0 } });
    expect(jellyfin.state.findUser('jf-0002')).toBeDefined();
    expect(await memberOf(usher, serverId, jellyfin.state.findUser('jf-0002')!.id)).toBe(id);
    const listed = (await admin.get('/api/admin/members?pageSize=100')).json().items.map((m: { id: string }) => m.id);
    expect(listed).not.toContain(id);
    expect((await usher.container.access.computePlan()).operations.filter((o) => o.memberId === id)).toEqual([]);
    expect(deletes()).toBe(before);
  });

  it('a server that is down delays the deletion; it is retried and applied once when the server is back', async () => {
    const id = await idOf('jf-0003');
    const before = deletes();
    jellyfin.http.setDown(true);
    expect((await admin.delete(`/api/admin/members/${id}`)).statusCode).toBe(200);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 1, failed: 0 });
    const row = (await operationRows(usher)).find((r) => r.member_id === id)!;
    expect(row).toMatchObject({ kind: 'delete', status: 'pending', attempts: 1 });
    expect(row.last_error).toBeTruthy();
    jellyfin.http.setDown(false);
    usher.clock.advance(RETRY_CAP_MS);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    expect(jellyfin.state.findUser('jf-0003')).toBeUndefined();
    expect(deletes() - before).toBe(1);
  });

  it('bulk delete takes keepOnServer too', async () => {
    // The clock moved past the session's lifetime in the previous test.
    admin = await reLogin(usher);
    const kept = await idOf('jf-0004');
    const gone = await idOf('jf-0005');
    expect((await admin.post('/api/admin/members/bulk', { ids: [kept], action: 'delete', keepOnServer: true })).json().results).toEqual([
      { id: kept, ok: true, error: null },
    ]);
    expect((await admin.post('/api/admin/members/bulk', { ids: [gone, 'missing'], action: 'delete' })).json().results).toMatchObject([
      { id: gone, ok: true },
      { id: 'missing', ok: false, error: { code: 'member_not_found' } },
    ]);
    expect((await admin.post('/api/admin/members/bulk', { ids: [gone], action: 'delete', keepOnServer: 'yes' })).statusCode).toBe(400);
    await usher.container.operations.applyDue();
    expect(jellyfin.state.findUser('jf-0004')).toBeDefined();
    expect(jellyfin.state.findUser('jf-0005')).toBeUndefined();
    expect(jellyfin.state.findUser('jf-0006')).toBeDefined();
  });
});

async function reLogin(usher: TestUsher): Promise<TestClient> {
  const client = new TestClient(usher.app);
  expect((await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  return client;
}

describeEachDb('Deleting a Plex member: this server’s share is removed once, or kept with "keep on server"', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  let machineId: string;
  const shareOf = (remoteId: string) => fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === remoteId);
  const removals = () => {
    const counts = fakes.plexTv.http.requestCounts();
    return (
      (counts['DELETE /api/v2/shared_servers/:id'] ?? 0) +
      (counts['DELETE /api/servers/:machineId/shared_servers/:id'] ?? 0) +
      (counts['DELETE /api/v2/sharings/:userId'] ?? 0)
    );
  };

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 3, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
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

  const accounts = () =>
    usher.db.handle.db
      .selectFrom('member_accounts')
      .select(['member_id', 'remote_id'])
      .where('server_id', '=', serverId)
      .orderBy('remote_id')
      .execute();

  it('the share on this server is removed exactly once; the sync that follows drops the account quietly', async () => {
    const [first] = await accounts();
    const preview = (await admin.get(`/api/admin/members/${first!.member_id}/removal`)).json();
    expect(preview.items).toMatchObject([{ serverName: 'Alpha', serverKind: 'plex', action: 'remove_share' }]);
    const before = removals();
    expect((await admin.delete(`/api/admin/members/${first!.member_id}`)).statusCode).toBe(200);
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });
    expect(shareOf(first!.remote_id)).toBeUndefined();
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 0 });
    expect(removals() - before).toBe(1);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { imported: 0 } });
    expect(shareOf((await accounts())[0]!.remote_id)).toBeDefined();
  });

  it('with keepOnServer the share stays and no operation is queued', async () => {
    const [, second] = await accounts();
    const before = removals();
    expect((await admin.delete(`/api/admin/members/${second!.member_id}?keepOnServer=true`)).statusCode).toBe(200);
    expect((await operationRows(usher)).filter((r) => r.member_id === second!.member_id)).toEqual([]);
    expect(shareOf(second!.remote_id)).toBeDefined();
    expect(removals()).toBe(before);
    expect((await admin.delete(`/api/admin/members/${second!.member_id}?keepOnServer=maybe`)).statusCode).toBe(400);
  });

  it('plex.tv down: the unshare is retried with backoff and applied once when it is back', async () => {
    const third = await usher.db.handle.db
      .selectFrom('member_accounts as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.member_id', 'a.remote_id'])
      .where('a.server_id', '=', serverId)
      .where('m.deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(shareOf(third.remote_id)).toBeDefined();
    const before = removals();
    fakes.plexTv.http.setDown(true);
    expect((await admin.delete(`/api/admin/members/${third.member_id}`)).statusCode).toBe(200);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 1, failed: 0 });
    expect(shareOf(third.remote_id)).toBeDefined();
    fakes.plexTv.http.setDown(false);
    usher.clock.advance(RETRY_CAP_MS);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    expect(shareOf(third.remote_id)).toBeUndefined();
    expect(removals() - before).toBe(1);
  });
});
