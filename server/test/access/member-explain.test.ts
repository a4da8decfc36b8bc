import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { jellyfinWithMembers } from '../media/support/jellyfin-members.js';

describeEachDb('Explain: status and why, what happens next, the payments and the operations of one member', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let memberId: string;
  let planId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 2, userPrefix: 'jf-', enabled: true }));
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 30 } });
    const tv = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'TV Shows')
      .executeTakeFirstOrThrow();
    await admin.put(`/api/admin/libraries/${tv.id}/group`, { groupId: 'group-standard' });
    planId = (
      await admin.post('/api/admin/plans', {
        name: 'Gold',
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
      })
    ).json().id;
    const row = await usher.db.handle.db
      .selectFrom('member_accounts')
      .select('member_id')
      .where('server_id', '=', serverId)
      .where('remote_id', '=', jellyfin.state.findUser('jf-0001')!.id)
      .executeTakeFirstOrThrow();
    memberId = row.member_id!;
  });
  afterAll(() => jellyfin.close());

  it('a permanent member: permanent, nothing scheduled', async () => {
    const res = await admin.get(`/api/admin/members/${memberId}/explain`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      state: 'permanent',
      phase: 'active',
      reason: { code: 'permanent' },
      followsMaster: null,
      nextActions: [],
      payments: [],
      operations: [],
      operationsTotal: 0,
    });
  });

  it('a paying member: the covering payment, reminders, unshare and deletion dates, and the operations with their results', async () => {
    await admin.put(`/api/admin/members/${memberId}/permanent`, { permanent: false });
    const now = usher.clock.now().getTime();
    const to = new Date(now + 10 * DAY_MS).toISOString();
    const paid = await admin.post(`/api/admin/members/${memberId}/payments`, {
      planId,
      from: new Date(now - 20 * DAY_MS).toISOString(),
      to,
    });
    expect(paid.statusCode).toBe(201);
    await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } });
    await usher.container.access.settled();
    await usher.container.access.reconcileMember(memberId);
    await usher.container.operations.applyDue();

    const body = (await admin.get(`/api/admin/members/${memberId}/explain`)).json();
    expect(body).toMatchObject({
      state: 'active',
      phase: 'active',
      reason: { code: 'payment', paymentId: paid.json().id, planName: 'Gold', to, until: to },
    });
    expect(body.summary).toContain('Gold payment');
    // Reminder defaults: 3 and 1 days before the end.
    expect(body.nextActions.map((a: { action: string; at: string }) => [a.action, a.at])).toEqual([
      ['reminder', new Date(Date.parse(to) - 3 * DAY_MS).toISOString()],
      ['reminder', new Date(Date.parse(to) - DAY_MS).toISOString()],
      ['unshare', to],
      ['delete', new Date(Date.parse(to) + 30 * DAY_MS).toISOString()],
    ]);
    expect(body.payments).toEqual([expect.objectContaining({ id: paid.json().id, planName: 'Gold', coversNow: true, amountMinor: 1000 })]);
    expect(body.operations.length).toBeGreaterThan(0);
    expect(body.operations[0]).toMatchObject({
      kind: 'grant',
      serverName: 'Den',
      status: 'done',
      lastError: null,
      appliedAt: expect.any(String),
    });
  });

  it('after the end: expired, why, and when the account goes', async () => {
    usher.clock.advance(11 * DAY_MS);
    const client = new TestClient(usher.app);
    expect((await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    const body = (await client.get(`/api/admin/members/${memberId}/explain`)).json();
    expect(body).toMatchObject({ state: 'expired', phase: 'expired', reason: { code: 'expired', expiredAt: expect.any(String) } });
    expect(body.summary).toMatch(/^Expired: no payment covers now/);
    expect(body.nextActions.map((a: { action: string }) => a.action)).toEqual(['delete']);
    expect(body.payments[0].coversNow).toBe(false);
  });

  it('unknown member: 404; anonymous: 401', async () => {
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/nobody/explain')).statusCode).toBe(404);
    expect((await new TestClient(usher.app).get(`/api/admin/members/${memberId}/explain`)).statusCode).toBe(401);
  });
});
