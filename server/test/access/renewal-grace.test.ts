import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

const HOUR_MS = 3_600_000;

/**
 * Renewals from a gateway arrive late: a member whose subscription is active or past due keeps
 * access until `to` + the renewal grace; without a live subscription access goes at `to`.
 */
describeEachDb('Renewal grace: a live gateway subscription keeps the member on past the paid period', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let planId: string;
  let paidUntil: Date;
  const ids: Record<string, string> = {};

  const folders = (name: string) => jellyfin.state.findUser(name)!.policy.EnabledFolders as string[];
  const pass = async () => {
    const result = await usher.container.access.reconcileAll();
    await usher.container.operations.applyDue();
    return result;
  };
  /** Moves the clock on; the admin logs in again, as the session would have lapsed. */
  const advance = async (ms: number) => {
    usher.clock.advance(ms);
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  };
  const record = (name: string, status: 'active' | 'past_due' | 'cancelled' | 'expired') =>
    usher.container.subscriptions.record({ memberId: ids[name]!, gateway: 'paypal', externalId: `I-${name}`, status }, systemActor);
  const statusOf = async (name: string) =>
    (await usher.container.payments.statuses([{ id: ids[name]!, permanent: false }])).get(ids[name]!)!;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    // Expired Jellyfin accounts stay (with no libraries) rather than being deleted at the first pass.
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 4, items: false, userPrefix: 'jf-' }));
    const serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
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
    planId = (
      await admin.post('/api/admin/plans', {
        name: 'Monthly',
        costMinor: 500,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
      })
    ).json().id;
    paidUntil = new Date(usher.clock.now().getTime() + 30 * DAY_MS);
    for (const name of ['jf-0001', 'jf-0002', 'jf-0003', 'jf-0004']) {
      await admin.put(`/api/admin/members/${ids[name]}/permanent`, { permanent: false });
      expect((await admin.post(`/api/admin/members/${ids[name]}/payments`, { planId })).statusCode).toBe(201);
    }
    await record('jf-0001', 'active');
    await record('jf-0002', 'past_due');
    await record('jf-0003', 'cancelled');
    // jf-0004: no subscription at all.
    await usher.container.access.settled();
    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await pass();
    for (const name of ['jf-0001', 'jf-0002', 'jf-0003', 'jf-0004']) expect(folders(name)).toHaveLength(1);
  });
  afterAll(() => jellyfin.close());

  it('one day past `to`: active and past-due subscriptions keep access (renewal grace); cancelled and none lose it', async () => {
    await advance(31 * DAY_MS);
    const result = await pass();
    expect(new Set(result.operations.map((o) => o.memberId))).toEqual(new Set([ids['jf-0003'], ids['jf-0004']]));
    expect(folders('jf-0001')).toHaveLength(1);
    expect(folders('jf-0002')).toHaveLength(1);
    expect(folders('jf-0003')).toEqual([]);
    expect(folders('jf-0004')).toEqual([]);
    expect(await statusOf('jf-0001')).toMatchObject({
      state: 'active',
      reason: 'renewal_grace',
      until: new Date(paidUntil.getTime() + 48 * HOUR_MS).toISOString(),
    });
    expect(await statusOf('jf-0003')).toMatchObject({ state: 'expired', reason: 'expired' });
  });

  it('a late renewal during the grace continues from the old `to` (no free hours) and nothing is unshared', async () => {
    expect((await admin.post(`/api/admin/members/${ids['jf-0001']}/payments`, { planId })).json()).toMatchObject({
      from: paidUntil.toISOString(),
    });
    await usher.container.access.settled();
    expect(await statusOf('jf-0001')).toMatchObject({ state: 'active', reason: 'payment' });
  });

  it('past `to` + 48 h the past-due member loses access; a late renewal payment shares again', async () => {
    await advance(2 * DAY_MS);
    const result = await pass();
    expect(result.operations.map((o) => [o.memberId, o.kind])).toEqual([[ids['jf-0002'], 'revoke']]);
    expect(folders('jf-0002')).toEqual([]);
    expect(folders('jf-0001')).toHaveLength(1);

    const renewal = (await admin.post(`/api/admin/members/${ids['jf-0002']}/payments`, { planId })).json();
    // Lapsed: the new period starts now, not at the old `to`.
    expect(renewal.from).toBe(usher.clock.now().toISOString());
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    expect(folders('jf-0002')).toHaveLength(1);
  });

  it('the grace is the Settings → Subscriptions length, and a subscription turning cancelled ends it at the next pass', async () => {
    await admin.put('/api/admin/settings/subscriptions', { values: { renewalGraceHours: 100 } });
    // jf-0004 subscribes late (status active); 3 days past its `to` it is back within a 100-hour grace.
    await record('jf-0004', 'active');
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    expect(folders('jf-0004')).toHaveLength(1);
    expect(await statusOf('jf-0004')).toMatchObject({
      state: 'active',
      reason: 'renewal_grace',
      until: new Date(paidUntil.getTime() + 100 * HOUR_MS).toISOString(),
    });

    await record('jf-0004', 'cancelled');
    await usher.container.access.settled();
    await usher.container.operations.applyDue();
    expect(folders('jf-0004')).toEqual([]);
  });

  it('record() refuses what is not a subscription, and an unknown member', async () => {
    const base = { memberId: ids['jf-0001']!, gateway: 'paypal', externalId: 'I-x', status: 'active' as const };
    await expect(usher.container.subscriptions.record({ ...base, gateway: 'manual' }, systemActor)).rejects.toMatchObject({
      code: 'subscription_gateway_invalid',
    });
    await expect(usher.container.subscriptions.record({ ...base, externalId: ' ' }, systemActor)).rejects.toMatchObject({
      code: 'subscription_id_missing',
    });
    await expect(usher.container.subscriptions.record({ ...base, status: 'paused' as never }, systemActor)).rejects.toMatchObject({
      code: 'subscription_status_invalid',
    });
    await expect(usher.container.subscriptions.record({ ...base, memberId: 'nobody' }, systemActor)).rejects.toMatchObject({
      code: 'member_not_found',
    });
    expect(await usher.db.handle.db.selectFrom('subscriptions').select('external_id').where('external_id', '=', 'I-x').execute()).toEqual(
      [],
    );
  });
});
