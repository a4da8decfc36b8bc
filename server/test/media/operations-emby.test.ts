import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startEmbyFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { createTestUsher, setupAdmin, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { actualAccounts, libraryIds, operationsFor } from './support/operations.js';

describeEachDb('Operations on Emby: the grant in Emby’s field names, and a revoke that keeps the account', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let emby: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    emby = await startEmbyFake({ serverName: 'Attic' });
    emby.seed(demoSeed({ users: 3, items: false, userPrefix: 'em-' }));
    serverId = (await admin.post('/api/admin/servers', { kind: 'emby', url: emby.url, apiKey: emby.apiKey, enabled: true })).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' })).json()).toEqual({ imported: 3 });
  });
  afterAll(() => emby.close());

  it('grants exactly the libraries with the stream limit, downloads and video transcoding per the grant', async () => {
    const libs = await libraryIds(usher, serverId);
    const [account] = await actualAccounts(usher, serverId);
    const wanted = [libs.get('Movies')!, libs.get('4K Movies')!];
    await usher.container.operations.enqueue(operationsFor('emby', [account!], { libraries: wanted, allowDownloads: true, allowTranscoding: false, sessionCap: 3 }));
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    const policy = emby.state.users.get(account!.remoteId)!.policy;
    expect(policy).toMatchObject({
      EnableAllFolders: false,
      SimultaneousStreamLimit: 3,
      EnableContentDownloading: true,
      EnableVideoPlaybackTranscoding: false,
      EnableAudioPlaybackTranscoding: true,
    });
    expect([...(policy.EnabledFolders as string[])].sort()).toEqual([...wanted].sort());
  });

  it('a revoke leaves the account with no libraries and records no expected removal', async () => {
    const [account] = await actualAccounts(usher, serverId);
    await usher.container.operations.enqueue(operationsFor('emby', [account!], null));
    expect((await usher.container.operations.applyDue()).applied).toBe(1);
    expect(emby.state.users.get(account!.remoteId)!.policy).toMatchObject({ EnableAllFolders: false, EnabledFolders: [] });
    expect(await usher.db.handle.db.selectFrom('sync_expected_removals').selectAll().execute()).toEqual([]);
  });
});
