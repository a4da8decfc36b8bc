import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { compareOperations } from '../../src/domain/reconcile.js';
import { PASS_SLICE } from '../../src/modules/access/access-pass.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { libraryIds, operationRows } from '../media/support/operations.js';

/** More members than one slice of a pass holds, so every pass here crosses a slice boundary. */
const MEMBERS = 600;

describeEachDb('Access passes: members changed together share one pass; passes take members a slice at a time', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let libs: Map<string, string>;
  /** Member ids in the order a pass slices them. */
  let memberIds: string[];
  let moviesGroup: string;

  const usernames = new Map<string, string>();
  const folders = (memberId: string): string[] => {
    const enabled: unknown = jellyfin.state.findUser(usernames.get(memberId)!)!.policy.EnabledFolders;
    return Array.isArray(enabled) ? enabled.map(String) : [];
  };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: MEMBERS, items: false, userPrefix: 'm-' }));
    serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
    expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt })).json()).toMatchObject({
      imported: MEMBERS,
    });
    const rows = await usher.db.handle.db
      .selectFrom('member_accounts')
      .select(['member_id', 'username'])
      .where('server_id', '=', serverId)
      .execute();
    for (const r of rows) usernames.set(r.member_id!, r.username!);
    memberIds = await usher.db.handle.db
      .selectFrom('members')
      .select('id')
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute()
      .then((r) => r.map((m) => m.id));
    expect(memberIds).toHaveLength(MEMBERS);
    const tv = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'TV Shows')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${tv.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    moviesGroup = (await admin.post('/api/admin/library-groups', { name: 'Films' })).json().id;
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'Movies')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: moviesGroup })).statusCode).toBe(200);
    libs = await libraryIds(usher, serverId);
  }, 240_000);
  afterAll(() => jellyfin.close());

  it('the dry run over more members than a slice lists one change per member, as each member’s own pass would', async () => {
    const dry = await usher.container.access.computePlan();
    expect(dry.syncSharedLibraries).toBe(false);
    expect(dry.members).toBe(MEMBERS);
    expect(dry.changes).toHaveLength(MEMBERS);
    expect(new Set(dry.changes.map((c) => c.memberId))).toEqual(new Set(memberIds));
    expect(dry.changes.every((c) => c.kind === 'grant' && c.librariesAfter.join() === 'TV Shows')).toBe(true);
    // Listed in one order across slices, and each change next to its own operation.
    expect(dry.operations).toEqual([...dry.operations].sort(compareOperations));
    expect(dry.changes.map((c) => c.memberId)).toEqual(dry.operations.map((o) => o.memberId));
    // Either side of the slice boundary, the full pass decides exactly what the member's own pass does.
    for (const memberId of [memberIds[0]!, memberIds[PASS_SLICE - 1]!, memberIds[PASS_SLICE]!, memberIds[MEMBERS - 1]!]) {
      const own = await usher.container.access.computePlan({ memberId });
      expect(dry.operations.filter((o) => o.memberId === memberId)).toEqual(own.operations);
    }
  }, 120_000);

  it('with writes on, a full pass gives every member of every slice the plan’s libraries', async () => {
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
    const pass = await usher.container.access.reconcileAll();
    expect(pass.enqueued).toBe(MEMBERS);
    await usher.container.operations.applyDue();
    for (const memberId of [memberIds[0]!, memberIds[PASS_SLICE]!, memberIds[MEMBERS - 1]!])
      expect(folders(memberId)).toEqual([libs.get('TV Shows')]);
    expect((await usher.container.access.reconcileAll()).operations).toEqual([]);
  }, 180_000);

  it('three members changed within 250 ms get one pass together that computes all three', async () => {
    const changed = [memberIds[1]!, memberIds[PASS_SLICE + 1]!, memberIds[MEMBERS - 2]!];
    // Their payments end (as the clock moving on would make them), then their callers report the change.
    const past = new Date(usher.clock.now().getTime() - 1000).toISOString();
    await usher.db.handle.db.updateTable('payments').set({ period_to: past }).where('member_id', 'in', changed).execute();
    const passes = vi.spyOn(usher.container.access, 'reconcileMembers');
    const before = new Set((await operationRows(usher)).map((r) => r.id));
    try {
      for (const id of changed) usher.container.access.memberChanged(id);
      await usher.container.access.settled();
      expect(passes).toHaveBeenCalledTimes(1);
      expect([...passes.mock.calls[0]![0]].sort()).toEqual([...changed].sort());
    } finally {
      passes.mockRestore();
    }
    const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
    expect(fresh.map((r) => [r.member_id, r.kind]).sort()).toEqual(changed.map((id) => [id, 'revoke']).sort());
    await usher.container.operations.applyDue();
    for (const id of changed) expect(folders(id)).toEqual([]);
    expect(folders(memberIds[0]!)).toEqual([libs.get('TV Shows')]);
  }, 120_000);

  it('a plan change reaching 600 members makes one pass, with the right operation for each across the slice boundary', async () => {
    const passes = vi.spyOn(usher.container.access, 'reconcileMembers');
    const before = new Set((await operationRows(usher)).map((r) => r.id));
    try {
      const res = await admin.patch('/api/admin/plans/plan-default', { libraryGroupIds: ['group-standard', moviesGroup] });
      expect(res.statusCode).toBe(200);
      await usher.container.access.settled();
      expect(passes).toHaveBeenCalledTimes(1);
      expect(new Set(passes.mock.calls[0]![0])).toEqual(new Set(memberIds));
    } finally {
      passes.mockRestore();
    }
    const fresh = (await operationRows(usher)).filter((r) => !before.has(r.id));
    const expired = new Set([memberIds[1]!, memberIds[PASS_SLICE + 1]!, memberIds[MEMBERS - 2]!]);
    // Everyone still paid gets one grant with both groups; the three whose payment ended get nothing.
    expect(fresh).toHaveLength(MEMBERS - expired.size);
    expect(new Set(fresh.map((r) => r.member_id))).toEqual(new Set(memberIds.filter((id) => !expired.has(id))));
    expect(fresh.every((r) => r.kind === 'grant')).toBe(true);
    await usher.container.operations.applyDue();
    const both = [libs.get('Movies'), libs.get('TV Shows')].sort();
    for (const memberId of [memberIds[0]!, memberIds[PASS_SLICE - 1]!, memberIds[PASS_SLICE]!, memberIds[MEMBERS - 1]!]) {
      expect([...folders(memberId)].sort()).toEqual(both);
    }
    for (const id of expired) expect(folders(id)).toEqual([]);
    expect((await usher.container.access.reconcileAll()).operations).toEqual([]);
  }, 240_000);
});
