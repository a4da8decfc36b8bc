import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startEmbyFake, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { libraryIds, operationRows } from '../media/support/operations.js';

/**
 * The stream cap and video transcoding are part of the grant: a plan edit that changes only them
 * must reach the plan's members (and nobody else), in each server's own field names.
 */
const FLAVORS = [
  { kind: 'jellyfin', start: startJellyfinFake, capField: 'MaxActiveSessions' },
  { kind: 'emby', start: startEmbyFake, capField: 'SimultaneousStreamLimit' },
] as const;

for (const flavor of FLAVORS) {
  describeEachDb(`Plan stream cap and transcoding on ${flavor.kind}: stored, compared and re-granted`, (dialect) => {
    const track = trackDisposables();
    let usher: TestUsher;
    let admin: TestClient;
    let fake: MediaBrowserFake;
    let serverId: string;
    let gold: string;
    let silver: string;
    const ids: Record<string, string> = {};

    const policy = (name: string) => fake.state.findUser(name)!.policy;
    const pass = async () => {
      const result = await usher.container.access.reconcileAll();
      await usher.container.operations.applyDue();
      return result;
    };
    const policyWrites = () => fake.http.requestCounts()['POST /Users/:id/Policy'] ?? 0;

    beforeAll(async () => {
      usher = track(await createTestUsher(dialect));
      admin = await setupAdmin(usher);
      await usher.container.operations.stop();
      await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
      fake = await flavor.start({ serverName: 'Den', premiere: true });
      fake.seed(demoSeed({ users: 3, items: false, userPrefix: 'u-' }));
      serverId = (await admin.post('/api/admin/servers', { kind: flavor.kind, url: fake.url, apiKey: fake.apiKey, enabled: true })).json()
        .id;
      expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
      const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
      await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt });
      const rows = await usher.db.handle.db
        .selectFrom('member_accounts')
        .select(['member_id', 'username'])
        .where('server_id', '=', serverId)
        .execute();
      for (const r of rows) ids[r.username!] = r.member_id!;
      const movies = await usher.db.handle.db
        .selectFrom('libraries')
        .select('id')
        .where('server_id', '=', serverId)
        .where('title', '=', 'Movies')
        .executeTakeFirstOrThrow();
      await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' });
      const plan = (name: string, extra: Record<string, unknown>) => ({
        name,
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
        ...extra,
      });
      gold = (await admin.post('/api/admin/plans', plan('Gold', { maxStreams: 2, allowDownloads: true, allowTranscoding: false }))).json()
        .id;
      silver = (
        await admin.post('/api/admin/plans', plan('Silver', { maxStreams: 1, allowDownloads: false, allowTranscoding: true }))
      ).json().id;
      await usher.db.handle.db.deleteFrom('payments').where('member_id', 'in', [ids['u-0001']!, ids['u-0002']!]).execute();
      expect((await admin.post(`/api/admin/members/${ids['u-0001']}/payments`, { planId: gold })).statusCode).toBe(201);
      expect((await admin.post(`/api/admin/members/${ids['u-0002']}/payments`, { planId: silver })).statusCode).toBe(201);
      await usher.container.access.settled();
      expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
      await pass();
    });
    afterAll(() => fake.close());

    it(`grants in ${flavor.kind}’s field names: folders, no all-folders, ${flavor.capField}, downloads, video transcoding, audio always`, async () => {
      const libs = await libraryIds(usher, serverId);
      expect(policy('u-0001')).toMatchObject({
        EnabledFolders: [libs.get('Movies')],
        EnableAllFolders: false,
        [flavor.capField]: 2,
        EnableContentDownloading: true,
        EnableVideoPlaybackTranscoding: false,
        EnableAudioPlaybackTranscoding: true,
      });
      expect(policy('u-0002')).toMatchObject({
        EnabledFolders: [libs.get('Movies')],
        [flavor.capField]: 1,
        EnableContentDownloading: false,
        EnableVideoPlaybackTranscoding: true,
      });
      // What was applied is stored, so the next pass has nothing to do.
      const row = await usher.db.handle.db
        .selectFrom('member_accounts')
        .select(['session_cap', 'allow_transcoding'])
        .where('member_id', '=', ids['u-0001']!)
        .executeTakeFirstOrThrow();
      expect({ cap: row.session_cap, transcoding: Boolean(row.allow_transcoding) }).toEqual({ cap: 2, transcoding: false });
      expect((await usher.container.access.reconcileAll()).operations).toEqual([]);
    });

    it('a sync reads the cap and transcoding back; a change made on the server is put back by the next pass', async () => {
      fake.state.findUser('u-0001')!.policy[flavor.capField] = 9;
      // The operation key moves with the row's updated_at; the test clock stands still otherwise.
      usher.clock.advance(60_000);
      expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
      const row = await usher.db.handle.db
        .selectFrom('member_accounts')
        .select('session_cap')
        .where('member_id', '=', ids['u-0001']!)
        .executeTakeFirstOrThrow();
      expect(row.session_cap).toBe(9);
      const result = await pass();
      expect(result.operations.map((o) => [o.memberId, o.kind])).toEqual([[ids['u-0001'], 'grant']]);
      expect(policy('u-0001')[flavor.capField]).toBe(2);
    });

    it('changing only a plan’s stream cap re-grants only that plan’s members', async () => {
      const before = new Set((await operationRows(usher)).map((r) => r.id));
      const writes = policyWrites();
      expect((await admin.patch(`/api/admin/plans/${gold}`, { maxStreams: 4 })).statusCode).toBe(200);
      await usher.container.access.settled();
      const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
      expect(fresh.map((r) => [r.member_id, r.kind])).toEqual([[ids['u-0001'], 'grant']]);
      await usher.container.operations.applyDue();
      expect(policyWrites() - writes).toBe(1);
      expect(policy('u-0001')).toMatchObject({ [flavor.capField]: 4, EnableVideoPlaybackTranscoding: false });
      expect(policy('u-0002')[flavor.capField]).toBe(1);
    });

    it('changing only a plan’s transcoding re-grants its members; audio transcoding stays allowed', async () => {
      const before = new Set((await operationRows(usher)).map((r) => r.id));
      expect((await admin.patch(`/api/admin/plans/${silver}`, { allowTranscoding: false })).statusCode).toBe(200);
      await usher.container.access.settled();
      const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
      expect(fresh.map((r) => [r.member_id, r.kind])).toEqual([[ids['u-0002'], 'grant']]);
      await usher.container.operations.applyDue();
      expect(policy('u-0002')).toMatchObject({
        EnableVideoPlaybackTranscoding: false,
        EnableAudioPlaybackTranscoding: true,
        [flavor.capField]: 1,
      });
      expect(policy('u-0001')[flavor.capField]).toBe(4);
    });
  });
}
