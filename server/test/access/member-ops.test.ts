import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

const NOW = '2026-03-01T12:00:00.000Z';

async function addMember(
  usher: TestUsher,
  id: string,
  extra: { permanent?: boolean; loginId?: string | null; notes?: string | null } = {},
) {
  await usher.db.handle.db
    .insertInto('members')
    .values({
      id,
      email: `${id}@example.com`,
      username: id,
      display_name: null,
      login_id: extra.loginId ?? null,
      permanent: extra.permanent ?? false,
      source: 'invite',
      import_expires_at: null,
      deleted_at: null,
      created_at: NOW,
      updated_at: NOW,
      notes: extra.notes ?? null,
    })
    .execute();
}

async function auditActions(usher: TestUsher, targetId: string) {
  return (await usher.db.handle.db.selectFrom('audit_log').select('action').where('target_id', '=', targetId).execute()).map(
    (r) => r.action,
  );
}

describeEachDb('admin member operations', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let monthly: string;
  let family: string;
  let masterOnly: string;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    usher.clock.set(new Date(NOW));
    admin = await setupAdmin(usher);
    const plan = async (body: Record<string, unknown>) => {
      const res = await admin.post('/api/admin/plans', {
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
        ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    monthly = await plan({ name: 'Monthly' });
    family = await plan({ name: 'Family', maxSubAccounts: 1 });
    masterOnly = await plan({ name: 'Masters', masterOnly: true, maxSubAccounts: 2 });
  });

  it('edits the member fields, validated and audited', async () => {
    await addMember(usher, 'e1');
    await addMember(usher, 'e2');
    const res = await admin.patch('/api/admin/members/e1', {
      permanent: true,
      weeklyDownloadQuota: 5,
      email: 'New@Example.com',
      paypalEmail: 'Pay@Example.com',
      discordId: '123456789012345678',
      notes: 'friend of Bob',
      requiresPlexAccountChange: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      permanent: true,
      weeklyDownloadQuota: 5,
      email: 'new@example.com',
      paypalEmail: 'pay@example.com',
      discordId: '123456789012345678',
      notes: 'friend of Bob',
      requiresPlexAccountChange: true,
    });
    // Blank clears; null quota falls back to the plan's.
    const cleared = (await admin.patch('/api/admin/members/e1', { notes: '', weeklyDownloadQuota: null, paypalEmail: null })).json();
    expect(cleared).toMatchObject({ notes: null, weeklyDownloadQuota: null, paypalEmail: null, discordId: '123456789012345678' });

    const bad = await admin.patch('/api/admin/members/e1', { discordId: 'abc', weeklyDownloadQuota: -1 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('Discord id');
    const taken = await admin.patch('/api/admin/members/e1', { email: 'e2@example.com' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('email_taken');
    expect((await admin.patch('/api/admin/members/nobody', { notes: 'x' })).statusCode).toBe(404);
    expect((await admin.get('/api/admin/members/e1')).json().email).toBe('new@example.com');
    expect(await auditActions(usher, 'e1')).toContain('member.update');
  });

  it('bulk extend adds a zero-amount "Extended by admin" payment after the paid run, or from now', async () => {
    await addMember(usher, 'b1');
    await addMember(usher, 'b2');
    await admin.post('/api/admin/members/b1/payments', {
      planId: monthly,
      from: '2026-02-20T00:00:00.000Z',
      to: '2026-03-10T00:00:00.000Z',
    });
    const res = await admin.post('/api/admin/members/bulk', { ids: ['b1', 'b2', 'ghost'], action: 'extend', days: 7 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toEqual([
      { id: 'b1', ok: true, error: null },
      { id: 'b2', ok: true, error: null },
      { id: 'ghost', ok: false, error: { code: 'member_not_found', message: expect.any(String) } },
    ]);
    const b1 = (await admin.get('/api/admin/members/b1/payments')).json().items[0];
    expect(b1).toMatchObject({
      planId: monthly,
      amountMinor: 0,
      from: '2026-03-10T00:00:00.000Z',
      to: '2026-03-17T00:00:00.000Z',
      notes: 'Extended by admin',
    });
    // b2 had no plan: the default plan, from now.
    const b2 = (await admin.get('/api/admin/members/b2')).json();
    expect(b2.status).toMatchObject({ state: 'active', until: '2026-03-08T12:00:00.000Z', planName: 'Default' });
    expect((await admin.post('/api/admin/members/bulk', { ids: ['b1'], action: 'extend' })).json().error.code).toBe('days_required');
    expect((await admin.post('/api/admin/members/bulk', { ids: ['b1'], action: 'extend', days: 0 })).statusCode).toBe(400);
    const audit = await usher.db.handle.db.selectFrom('audit_log').select('action').where('action', '=', 'members.bulk').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('bulk change plan turns the unused paid time into time on the new plan; make permanent; delete', async () => {
    await addMember(usher, 'c1');
    await addMember(usher, 'c2');
    await admin.post('/api/admin/members/c1/payments', {
      planId: monthly,
      from: '2026-02-20T00:00:00.000Z',
      to: '2026-03-20T00:00:00.000Z',
    });
    const changed = (await admin.post('/api/admin/members/bulk', { ids: ['c1', 'c2'], action: 'change_plan', planId: family })).json()
      .results;
    expect(changed[0]).toEqual({ id: 'c1', ok: true, error: null });
    expect(changed[1]).toMatchObject({ id: 'c2', ok: false, error: { code: 'no_current_period' } });
    // 18.5 of 28 paid days unused: floor(1000 × 18.5 / 28) = 660 credit = 19.8 days at Family's 1000 per 30 days.
    expect((await admin.get('/api/admin/members/c1')).json().status).toMatchObject({
      state: 'active',
      planName: 'Family',
      until: '2026-03-21T07:12:00.000Z',
    });
    const [credit, ended] = (await admin.get('/api/admin/members/c1/payments')).json().items;
    expect(credit).toMatchObject({ planName: 'Family', amountMinor: 660, from: NOW, to: '2026-03-21T07:12:00.000Z' });
    expect(ended).toMatchObject({ planName: 'Monthly', amountMinor: 340, from: '2026-02-20T00:00:00.000Z', to: NOW });
    expect((await admin.post('/api/admin/members/bulk', { ids: ['c1'], action: 'change_plan', planId: 'nope' })).json().error.code).toBe(
      'unknown_plan',
    );
    // A member whose payment started this very moment still ends up on the new plan.
    await addMember(usher, 'c3');
    await admin.post('/api/admin/members/c3/payments', { planId: monthly });
    // (The new plan takes effect one millisecond after the latest start, so the clock moves a second.)
    let at = Date.parse(NOW);
    for (const planId of [family, monthly, family]) {
      expect((await admin.post('/api/admin/members/bulk', { ids: ['c3'], action: 'change_plan', planId })).json().results[0].ok).toBe(true);
      at += 1000;
      usher.clock.set(new Date(at));
      expect((await admin.get('/api/admin/members/c3')).json().status.planId).toBe(planId);
    }
    usher.clock.set(new Date(NOW));

    expect((await admin.post('/api/admin/members/bulk', { ids: ['c2'], action: 'make_permanent' })).json().results[0].ok).toBe(true);
    expect((await admin.get('/api/admin/members/c2')).json().status.state).toBe('permanent');
    expect(
      (await admin.post('/api/admin/members/bulk', { ids: ['c1', 'c2'], action: 'delete' }))
        .json()
        .results.every((r: { ok: boolean }) => r.ok),
    ).toBe(true);
    expect((await admin.get('/api/admin/members/c1')).statusCode).toBe(404);
    const row = await usher.db.handle.db.selectFrom('members').select('deleted_at').where('id', '=', 'c2').executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
  });

  it('merges a member into another: payments, accounts, history, login and notes move; the source is deleted', async () => {
    const db = usher.db.handle.db;
    const loginId = (await db.selectFrom('logins').select('id').executeTakeFirstOrThrow()).id;
    await addMember(usher, 'old', { loginId, notes: 'pays in cash' });
    await addMember(usher, 'new', { notes: 'new account' });
    await db
      .insertInto('servers')
      .values({
        id: 'srv-1',
        kind: 'jellyfin',
        name: 'Box',
        machine_id: null,
        version: null,
        plex_account_id: null,
        url: 'http://127.0.0.1:1',
        api_key: null,
        allow_self_signed: false,
        location_id: null,
        enabled: true,
        allow_new_subscriptions: true,
        allow_trials: true,
        max_users: 0,
        allow_4k_transcoding: true,
        log_streaming: false,
        log_downloads: false,
        has_emby_premiere: false,
        status: 'unknown',
        status_message: null,
        members_imported_at: NOW,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    await db
      .insertInto('member_accounts')
      .values({
        id: 'acc-old',
        server_id: 'srv-1',
        member_id: 'old',
        remote_id: 'r-old',
        username: 'old',
        email: null,
        display_name: null,
        state: 'accepted',
        libraries: '[]',
        allow_downloads: false,
        share_id: null,
        invited_at: null,
        accepted_at: null,
        first_seen_at: NOW,
        updated_at: NOW,
      })
      .execute();
    await db
      .insertInto('member_server_history')
      .values({ member_id: 'old', server_id: 'srv-1', remote_id: 'r-gone', removed_at: NOW })
      .execute();
    await admin.post('/api/admin/members/old/payments', { planId: monthly });

    expect((await admin.post('/api/admin/members/old/merge', { targetId: 'old' })).json().error.code).toBe('merge_into_self');
    expect((await admin.post('/api/admin/members/old/merge', { targetId: 'ghost' })).statusCode).toBe(404);
    const res = await admin.post('/api/admin/members/old/merge', { targetId: 'new' });
    expect(res.statusCode, res.body).toBe(200);
    const merged = res.json();
    expect(merged.status.state).toBe('active');
    expect(merged.notes).toBe('new account\n\nMerged from old@example.com: pays in cash');
    expect(merged.accounts.map((a: { remoteId: string }) => a.remoteId)).toEqual(['r-old']);
    expect(await db.selectFrom('member_server_history').select('member_id').execute()).toEqual([{ member_id: 'new' }]);
    const rows = await db
      .selectFrom('members')
      .select(['id', 'login_id', 'deleted_at'])
      .where('id', 'in', ['old', 'new'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'new', login_id: loginId, deleted_at: null },
      { id: 'old', login_id: null, deleted_at: NOW },
    ]);
    expect((await admin.get('/api/admin/members/old')).statusCode).toBe(404);
    const again = await admin.post('/api/admin/members/new/merge', { targetId: 'old' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('member_deleted');
    expect(await auditActions(usher, 'new')).toContain('member.merge');
  });

  it('linked users: subs follow the master, within the plan limit; master-only plans are not for subs', async () => {
    await addMember(usher, 'master');
    await addMember(usher, 'sub1');
    await addMember(usher, 'sub2');
    // Without a plan allowing subs the link is refused.
    expect((await admin.post('/api/admin/members/master/subs', { subId: 'sub1' })).json().error.code).toBe('sub_limit_reached');
    await admin.post('/api/admin/members/master/payments', { planId: family });
    expect((await admin.post('/api/admin/members/master/subs', { subId: 'master' })).json().error.code).toBe('link_self');
    const linked = await admin.post('/api/admin/members/master/subs', { subId: 'sub1' });
    expect(linked.statusCode, linked.body).toBe(200);
    expect((await admin.post('/api/admin/members/master/subs', { subId: 'sub2' })).json().error.code).toBe('sub_limit_reached');
    expect((await admin.post('/api/admin/members/sub1/subs', { subId: 'sub2' })).json().error.code).toBe('master_is_sub');
    expect((await admin.get('/api/admin/members/master/subs')).json().items.map((s: { id: string }) => s.id)).toEqual(['sub1']);

    // The sub has no payments, yet shows the master's status, in the detail and in the list.
    const sub = (await admin.get('/api/admin/members/sub1')).json();
    expect(sub).toMatchObject({ masterMemberId: 'master', status: { state: 'active', planName: 'Family' } });
    expect((await admin.get('/api/admin/members?q=sub1')).json().items[0]).toMatchObject({
      masterMemberId: 'master',
      status: { state: 'active' },
    });
    // A lapsed master's sub is expired, whatever the sub's own payments say.
    await addMember(usher, 'lapsed');
    await addMember(usher, 'sub3');
    await admin.post('/api/admin/members/lapsed/payments', {
      planId: family,
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    });
    await admin.post('/api/admin/members/sub3/payments', { planId: monthly });
    expect((await admin.post('/api/admin/members/lapsed/subs', { subId: 'sub3' })).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/sub3')).json().status).toMatchObject({
      state: 'expired',
      expiredAt: '2026-02-01T00:00:00.000Z',
    });
    // Deleting the master releases its subs: they stand on their own payments again.
    expect((await admin.delete('/api/admin/members/lapsed')).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/sub3')).json()).toMatchObject({
      masterMemberId: null,
      status: { state: 'active', planName: 'Monthly' },
    });

    // A master-only plan cannot be given to a sub, by payment or by bulk plan change.
    const pay = await admin.post('/api/admin/members/sub1/payments', { planId: masterOnly });
    expect(pay.json().error.code).toBe('sub_plan_master_only');
    // A member on a master-only plan cannot become a sub.
    await admin.post('/api/admin/members/sub2/payments', { planId: masterOnly });
    // An hour later, so the plan-change payment starts after the Family one and carries the plan.
    usher.clock.set(new Date('2026-03-01T13:00:00.000Z'));
    await admin.post('/api/admin/members/bulk', { ids: ['master'], action: 'change_plan', planId: masterOnly });
    expect((await admin.get('/api/admin/members/master')).json().status.planName).toBe('Masters');
    expect((await admin.post('/api/admin/members/master/subs', { subId: 'sub2' })).json().error.code).toBe('sub_plan_master_only');

    expect((await admin.delete('/api/admin/members/master/subs/sub1')).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/sub1')).json()).toMatchObject({
      masterMemberId: null,
      status: { state: 'expired', reason: 'no_payments' },
    });
    expect((await admin.delete('/api/admin/members/master/subs/sub1')).json().error.code).toBe('link_not_found');
    expect(await auditActions(usher, 'master')).toEqual(expect.arrayContaining(['member.link', 'member.unlink']));
    usher.clock.set(new Date(NOW));
  });

  it('exports members as CSV with status, plan, expiry and servers', async () => {
    await addMember(usher, 'x1', { notes: null });
    await usher.db.handle.db.updateTable('members').set({ display_name: '=HYPERLINK("evil")' }).where('id', '=', 'x1').execute();
    await admin.post('/api/admin/members/x1/payments', { planId: monthly });
    const res = await admin.get('/api/admin/members/export.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,email,username,display_name,status,plan,expires_at,permanent,servers,master_member_id,paypal_email,discord_id,created_at',
    );
    const x1 = lines.find((l) => l.startsWith('x1,'))!;
    expect(x1).toContain(',active,Monthly,2026-03-31T12:00:00.000Z,no,');
    // A value a spreadsheet would run as a formula is defused.
    expect(x1).toContain(`"'=HYPERLINK(""evil"")"`);
    expect(lines.some((l) => l.startsWith('old,'))).toBe(false);
  });
});
