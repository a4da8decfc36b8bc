import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

/**
 * A Plex sync against plex.tv answers of the wrong shape (issue 6 §3): nothing is removed. And an
 * owner without a Plex Home syncs like any other.
 */
describeEachDb('Plex sync: unexpected plex.tv answers and owners without a Plex Home', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;

  const rows = async () => {
    const db = usher.db.handle.db;
    return JSON.stringify([
      await db.selectFrom('libraries').selectAll().orderBy('id').execute(),
      await db.selectFrom('members').selectAll().orderBy('id').execute(),
      await db.selectFrom('member_accounts').selectAll().orderBy('id').execute(),
    ]);
  };

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 4, pendingInvitesPerServer: 1 });
    // This owner has no Plex Home: plex.tv refuses the Home list the whole time.
    fakes.plexTv.http.fail('GET /api/v2/home/users', 1_000, 404, '{"errors":[{"code":1002,"message":"Not found","status":404}]}');
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    const account = (await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json();
    const listed = (await admin.get(`/api/admin/plex-accounts/${account.id}/servers`)).json().items;
    const res = await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: account.id, machineId: listed[0].machineId, url: listed[0].connections[0].uri });
    serverId = res.json().id;
  });
  afterAll(() => fakes.close());

  it('an owner without a Plex Home: the sync goes on, every share is found, the owner is left out', async () => {
    await usher.container.sync.settled(serverId);
    const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(res).toMatchObject({ ok: true, accounts: { awaitingImport: 5 } });
    expect(fakes.plexTv.http.requestCounts()['GET /api/v2/home/users']).toBeGreaterThan(0);
    const shared = (await admin.get(`/api/admin/shared-servers?serverId=${serverId}`)).json().items;
    expect(shared.map((s: { username: string | null }) => s.username)).not.toContain('owner');
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
    expect((await admin.get('/api/admin/members')).json().total).toBe(5);
  });

  it('server details answered as JSON, empty or HTML: the sync fails and keeps every member and library', async () => {
    const before = await rows();
    for (const body of ['{"MediaContainer":{"size":1,"Server":[{"Section":[]}]}}', '', '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>']) {
      fakes.plexTv.http.fail('GET /api/servers/:machineId', 1, 200, body);
      const res = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
      expect(res.ok, `answer ${JSON.stringify(body)}`).toBe(false);
      expect(res.error).toMatch(/unexpected shape/);
      expect(await rows()).toBe(before);
    }
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, libraries: { removed: 0 }, accounts: { gone: 0 } });
    expect(await rows()).toBe(before);
  });
});
