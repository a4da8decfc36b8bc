import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../../../fakes/src/index.js';
import { RETRY_CAP_MS } from '../../src/domain/operation-retry.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { actualAccounts, libraryIds, operationRows, operationsFor } from './support/operations.js';

describeEachDb('Operations on Plex: shares follow the grant; Usher’s own unshares do not trip the sync guard', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  let machineId: string;

  const shareOf = (remoteId: string) =>
    fakes.plexTv.state.sharesOfServer(machineId).find((s) => String(s.invitedId) === remoteId || s.invitedEmail === remoteId);

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 8, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    const accountId = (await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json().id;
    const alpha = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`)).json().items.find((s: { name: string }) => s.name === 'Alpha');
    machineId = alpha.machineId;
    serverId = (await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: accountId, machineId, url: alpha.connections[0].uri, enabled: true })).json().id;
    // Adding a server syncs it at once; this pass comes after that one.
    await usher.container.sync.settled(serverId);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { awaitingImport: 8 } });
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
  });
  afterAll(() => fakes.close());

  it('a grant updates the share to exactly the libraries, with allowSync per the grant', async () => {
    const libs = [...(await libraryIds(usher, serverId)).values()].sort();
    const [account] = await actualAccounts(usher, serverId);
    const wanted = libs.slice(0, 1);
    const ops = operationsFor('plex', [account!], { libraries: wanted, allowDownloads: true, allowTranscoding: true, sessionCap: 0 });
    expect(ops.map((o) => o.kind)).toEqual(['grant']);
    await usher.container.operations.enqueue(ops);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    const share = shareOf(account!.remoteId)!;
    expect(share.sectionIds.map(String)).toEqual(wanted);
    expect(share.allLibraries).toBe(false);
    expect(share.settings.allowSync).toBe(true);
  });

  it('revoking most members removes their shares, records them as expected, and the next sync applies instead of holding', async () => {
    const accounts = (await actualAccounts(usher, serverId)).sort((a, b) => a.remoteId.localeCompare(b.remoteId));
    const leaving = accounts.slice(0, 7);
    const ops = operationsFor('plex', leaving, null);
    expect(ops.map((o) => o.kind)).toEqual(Array(7).fill('revoke'));
    await usher.container.operations.enqueue(ops);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 7, retried: 0, failed: 0 });
    for (const a of leaving) expect(shareOf(a.remoteId)).toBeUndefined();
    expect(shareOf(accounts[7]!.remoteId)).toBeDefined();
    const expected = await usher.db.handle.db.selectFrom('sync_expected_removals').select('remote_id').where('server_id', '=', serverId).execute();
    expect(expected.map((r) => r.remote_id).sort()).toEqual(leaving.map((a) => a.remoteId).sort());
    expect((await operationRows(usher)).filter((r) => r.kind === 'revoke').every((r) => r.status === 'done')).toBe(true);

    const sync = (await admin.post(`/api/admin/servers/${serverId}/sync`)).json();
    expect(sync).toMatchObject({ ok: true, accounts: { gone: 7 } });
    expect(sync.held).toBeUndefined();
  });

  it('plex.tv down while unsharing: retried with backoff until it is back, then exactly one removal', async () => {
    const [last] = (await actualAccounts(usher, serverId)).filter((a) => shareOf(a.remoteId));
    expect(last).toBeDefined();
    await usher.container.operations.enqueue(operationsFor('plex', [last!], null, 'expired'));
    const deletes = () => Object.entries(fakes.plexTv.http.requestCounts()).reduce((n, [route, count]) => (route.startsWith('DELETE ') ? n + count : n), 0);
    fakes.plexTv.http.setDown(true);
    for (let i = 0; i < 3; i++) {
      expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 1, failed: 0 });
      usher.clock.advance(RETRY_CAP_MS);
    }
    expect(shareOf(last!.remoteId)).toBeDefined();
    fakes.plexTv.http.setDown(false);
    const before = deletes();
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    expect(deletes() - before).toBe(1);
    expect(shareOf(last!.remoteId)).toBeUndefined();
  });
});
