import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { createRole } from '../support/admin-callers.js';
import { createTestUsher, loginAs, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

const NOW = '2026-03-01T12:00:00.000Z';

// Three good rows and one naming a plan that does not exist.
const FILE = [
  '\uFEFFemail,username,plan,start,end,months,amount,transaction_id,payer_email,notes,send_notification',
  'ann@example.com,ann,Monthly,,,,12.50,TX-1,Pay@Example.com,"friend, of Bob",yes',
  ',bob,monthly,2026-03-01,2026-04-01,,,,,,no',
  'cat@example.com,,Monthly,,,3,0,,,,',
  'dan@example.com,,Gold,,,,,,,,',
].join('\r\n');

async function counts(usher: TestUsher) {
  const db = usher.db.handle.db;
  const n = async (table: 'members' | 'payments' | 'bulk_invites') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { members: await n('members'), payments: await n('payments'), bulkInvites: await n('bulk_invites') };
}

async function runJob(usher: TestUsher, admin: TestClient, csv: string) {
  const res = await admin.post('/api/admin/members/bulk-invite', { csv });
  expect(res.statusCode, res.body).toBe(202);
  const started = res.json() as { id: string; runId: string };
  expect(started.runId).toEqual(expect.any(String));
  await usher.container.jobs.waitForRun(started.runId);
  return started;
}

describeEachDb('bulk invite from CSV', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let monthly: string;
  let jellyfin: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    usher.clock.set(new Date(NOW));
    admin = await setupAdmin(usher);
    // Rows are placed like the Invite dialog places: they need a server carrying the plan's group.
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 2, items: false, userPrefix: 'jf-' }));
    serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    await usher.container.sync.settled(serverId);
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'Movies')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    const res = await admin.post('/api/admin/plans', {
      name: 'Monthly',
      costMinor: 1000,
      duration: { unit: 'days', count: 30 },
      libraryGroupIds: ['group-standard'],
    });
    expect(res.statusCode, res.body).toBe(201);
    monthly = res.json().id as string;
    await usher.db.handle.db
      .insertInto('members')
      .values({
        id: 'old',
        email: 'old@example.com',
        username: 'Oldie',
        display_name: null,
        login_id: null,
        permanent: false,
        source: 'invite',
        import_expires_at: null,
        deleted_at: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  });
  afterAll(() => jellyfin.close());

  it('dry run reports every bad row with a code and a message, and changes nothing', async () => {
    const before = await counts(usher);
    const csv = [
      'email,username,plan,server,start,end,amount',
      'ok@example.com,,Monthly,,,,',
      'not-an-email,,Monthly,,,,',
      'ok@example.com,,Monthly,,,,',
      'OLD@example.com,,Monthly,,,,',
      ',oldie,Monthly,,,,',
      'e@example.com,,Monthly,,2026-13-01,,',
      'f@example.com,,Monthly,,,,12.345',
      'g@example.com,,Gold,,,,',
      'h@example.com,,Monthly,Nowhere,,,',
      ',,Monthly,,,,',
    ].join('\n');
    const res = await admin.post('/api/admin/members/bulk-invite/dry-run', { csv });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 10, valid: 1, invalid: 9 });
    expect(body.rows.map((r: { row: number; code: string | null }) => [r.row, r.code])).toEqual([
      [2, null],
      [3, 'bad_email'],
      [4, 'duplicate_in_file'],
      [5, 'member_exists'],
      [6, 'member_exists'],
      [7, 'bad_date'],
      [8, 'bad_amount'],
      [9, 'unknown_plan'],
      [10, 'unknown_server'],
      [11, 'missing_identity'],
    ]);
    expect(body.rows[0]).toMatchObject({ ok: true, planName: 'Monthly', serverName: 'Den', email: 'ok@example.com' });
    expect(body.rows[2].message).toContain('line 2');
    expect(body.rows[7].message).toContain('Plans: Default, Monthly');
    expect(await counts(usher)).toEqual(before);
  });

  it('refuses a malformed file as a whole with a stable code, changing nothing', async () => {
    const before = await counts(usher);
    for (const [csv, code] of [
      ['email,shoe_size\na@b.co,9\n', 'csv_unknown_column'],
      ['email\n"a@b.co\n', 'csv_malformed'],
      ['email\n', 'csv_empty'],
    ] as const) {
      const dry = await admin.post('/api/admin/members/bulk-invite/dry-run', { csv });
      expect(dry.statusCode, dry.body).toBe(400);
      expect(dry.json().error.code).toBe(code);
      const start = await admin.post('/api/admin/members/bulk-invite', { csv });
      expect(start.json().error.code).toBe(code);
    }
    const nothingGood = await admin.post('/api/admin/members/bulk-invite', { csv: 'email,plan\nbad,Monthly\n' });
    expect(nothingGood.statusCode).toBe(400);
    expect(nothingGood.json().error.code).toBe('nothing_to_invite');
    expect((await admin.post('/api/admin/members/bulk-invite/dry-run', { csv: 'x'.repeat(1_000_001) })).statusCode).toBe(400);
    expect(await counts(usher)).toEqual(before);
  });

  it('the job invites the good rows (member, payment, active), reports the bad one, and reaches 100%', async () => {
    const dry = (await admin.post('/api/admin/members/bulk-invite/dry-run', { csv: FILE })).json();
    expect(dry).toMatchObject({ total: 4, valid: 3, invalid: 1 });
    expect(dry.rows[3]).toMatchObject({ row: 5, ok: false, code: 'unknown_plan' });

    const before = await counts(usher);
    const { id, runId } = await runJob(usher, admin, FILE);
    const view = (await admin.get(`/api/admin/members/bulk-invite/${id}`)).json();
    expect(view).toMatchObject({ id, status: 'done', rowsTotal: 4, rowsDone: 4, invited: 3, skipped: 1, progress: 1, runId, error: null });
    expect(view.results.map((r: { row: number; result: string; code: string | null }) => [r.row, r.result, r.code])).toEqual([
      [2, 'invited', null],
      [3, 'invited', null],
      [4, 'invited', null],
      [5, 'skipped', 'unknown_plan'],
    ]);
    expect(await counts(usher)).toEqual({
      members: before.members + 3,
      payments: before.payments + 3,
      bulkInvites: before.bulkInvites + 1,
    });
    expect((await admin.get(`/api/admin/members/bulk-invite/${id}?results=false`)).json()).toMatchObject({
      status: 'done',
      invited: 3,
      results: [],
    });

    const [ann, bob, cat] = view.results.map((r: { memberId: string }) => r.memberId);
    const annDetail = (await admin.get(`/api/admin/members/${ann}`)).json();
    expect(annDetail).toMatchObject({
      email: 'ann@example.com',
      username: 'ann',
      source: 'invite',
      notes: 'friend, of Bob',
      paypalEmail: 'pay@example.com',
      status: { state: 'active', planName: 'Monthly', until: '2026-03-31T12:00:00.000Z' },
    });
    const annPay = (await admin.get(`/api/admin/members/${ann}/payments`)).json().items;
    expect(annPay).toMatchObject([
      {
        planId: monthly,
        amountMinor: 1250,
        currency: 'USD',
        gateway: 'manual',
        transactionId: 'TX-1',
        payerEmail: 'pay@example.com',
        from: NOW,
        to: '2026-03-31T12:00:00.000Z',
      },
    ]);
    // Dates alone are midnight in the site time zone (UTC by default); a blank amount is the plan's cost.
    expect((await admin.get(`/api/admin/members/${bob}/payments`)).json().items).toMatchObject([
      { amountMinor: 1000, from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
    ]);
    expect((await admin.get(`/api/admin/members/${cat}/payments`)).json().items).toMatchObject([
      { amountMinor: 0, from: NOW, to: '2026-06-01T12:00:00.000Z' },
    ]);
    expect((await admin.get(`/api/admin/members/${cat}`)).json().status.state).toBe('active');

    // It shows on the Jobs page with its progress.
    const runs = (await admin.get('/api/admin/jobs/runs?job=members.bulk_invite')).json().items;
    expect(runs[0]).toMatchObject({
      id: runId,
      status: 'succeeded',
      progress: 1,
      message: expect.stringContaining('invited 3 members, skipped 1 row'),
    });

    // Each applied row is audited as the admin who started the job.
    const audit = await usher.db.handle.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label', 'details'])
      .where('target_id', '=', ann)
      .execute();
    const invited = audit.find((a) => a.action === 'member.invite')!;
    expect(invited.actor_label).toBe('owner@example.com');
    expect(JSON.parse(invited.details!)).toMatchObject({ via: 'bulk_invite', bulkInviteId: id, row: 2, serverId, placementRule: 'any' });
    // The invite email goes to rows with an address that did not say no (ann: yes; bob: no; cat: blank).
    const placements = await usher.db.handle.db
      .selectFrom('member_placements')
      .select(['member_id', 'server_id', 'invite_email'])
      .where('member_id', 'in', [ann, bob, cat])
      .execute();
    expect(new Map(placements.map((p) => [p.member_id, [p.server_id, p.invite_email]]))).toEqual(
      new Map([
        [ann, [serverId, 'ann@example.com']],
        [bob, [serverId, null]],
        [cat, [serverId, 'cat@example.com']],
      ]),
    );

    const report = await admin.get(`/api/admin/members/bulk-invite/${id}/report.csv`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body.trim().split('\r\n');
    expect(lines[0]).toBe('row,email,username,result,code,message,member_id');
    expect(lines[1]).toBe(`2,ann@example.com,ann,invited,,"Invited on Monthly, placed on Den.",${ann}`);
    expect(lines[4]).toMatch(/^5,dan@example.com,,skipped,unknown_plan,"No plan is named ""Gold""\. Plans: Default, Monthly\.",$/);
    expect((await admin.get('/api/admin/members/bulk-invite/nope')).statusCode).toBe(404);
    expect((await admin.get('/api/admin/members/bulk-invite/nope/report.csv')).statusCode).toBe(404);
  });

  it('re-running the same file duplicates nobody: the rows already invited are reported as member_exists', async () => {
    const before = await counts(usher);
    const dry = (await admin.post('/api/admin/members/bulk-invite/dry-run', { csv: FILE })).json();
    expect(dry.rows.map((r: { code: string | null }) => r.code)).toEqual([
      'member_exists',
      'member_exists',
      'member_exists',
      'unknown_plan',
    ]);
    expect((await admin.post('/api/admin/members/bulk-invite', { csv: FILE })).json().error.code).toBe('nothing_to_invite');

    // A transaction id already recorded is caught too.
    const reused = (
      await admin.post('/api/admin/members/bulk-invite/dry-run', { csv: 'email,plan,transaction_id\neve@example.com,Monthly,TX-1\n' })
    ).json();
    expect(reused.rows[0]).toMatchObject({ row: 2, ok: false, code: 'duplicate_transaction' });

    // The same file with one new row: only that row is invited.
    const { id } = await runJob(usher, admin, `${FILE}\r\neve@example.com,,Monthly,,,,,TX-2,,,`);
    const view = (await admin.get(`/api/admin/members/bulk-invite/${id}`)).json();
    expect(view.results.map((r: { result: string; code: string | null }) => r.code ?? r.result)).toEqual([
      'member_exists',
      'member_exists',
      'member_exists',
      'unknown_plan',
      'invited',
    ]);
    expect(view).toMatchObject({ invited: 1, skipped: 4 });
    expect(await counts(usher)).toEqual({
      members: before.members + 1,
      payments: before.payments + 1,
      bulkInvites: before.bulkInvites + 1,
    });
  });

  it('a member created after the dry run is skipped by the job, not duplicated, and nothing half-done stays', async () => {
    const csv = 'email,plan\nlate@example.com,Monthly\nlater@example.com,Monthly\n';
    expect((await admin.post('/api/admin/members/bulk-invite/dry-run', { csv })).json().valid).toBe(2);
    // The row's payment is refused after the member insert: the member is removed again.
    const service = usher.container.bulkInvite;
    // Transaction id and sequence number together identify a payment; the invite's sequence number is 1.
    expect(
      (await admin.post('/api/admin/members/old/payments', { planId: monthly, transactionId: 'TX-OLD', sequenceNumber: 1 })).statusCode,
    ).toBe(201);
    const before = await counts(usher);
    const row = {
      row: 2,
      email: 'late@example.com',
      username: null,
      plan: 'Monthly',
      server: null,
      from: null,
      to: null,
      months: null,
      amountMinor: null,
      transactionId: 'TX-OLD',
      payerEmail: null,
      notes: null,
      sendNotification: false,
      planId: monthly,
      planName: 'Monthly',
      serverId: null,
    };
    const actorOf = { type: 'system' as const, id: null, label: 'test', ip: null };
    await expect(service.inviteRow(row, actorOf)).rejects.toMatchObject({ code: 'duplicate_transaction' });
    expect(await counts(usher)).toEqual(before);
    await service.inviteRow({ ...row, transactionId: null }, actorOf);
    await expect(service.inviteRow({ ...row, transactionId: null }, actorOf)).rejects.toMatchObject({ code: 'member_exists' });
    const { id } = await runJob(usher, admin, csv);
    expect((await admin.get(`/api/admin/members/bulk-invite/${id}`)).json().results.map((r: { code: string | null }) => r.code)).toEqual([
      'member_exists',
      null,
    ]);
  });

  it('a file left running by a stopped instance is taken over and resumed after its last saved row; a live one is left alone', async () => {
    const db = usher.db.handle.db;
    const csv = 'email,plan\nres1@example.com,Monthly\nres2@example.com,Monthly\n';
    const actorJson = JSON.stringify({ type: 'system', id: null, label: 'test', ip: null });
    const done = [
      {
        row: 2,
        email: 'res1@example.com',
        username: null,
        result: 'invited',
        code: null,
        message: 'Invited on Monthly.',
        memberId: 'earlier',
      },
    ];
    const base = {
      csv,
      actor: actorJson,
      rows_total: 2,
      run_id: null,
      claimed_by: 'gone',
      error: null,
      created_at: NOW,
      started_at: NOW,
      finished_at: null,
    };
    // Ten minutes without a heartbeat: the instance is gone. One minute: it is still working.
    await db
      .insertInto('bulk_invites')
      .values({ ...base, id: 'stale', status: 'running', report: JSON.stringify(done), heartbeat_at: '2026-03-01T11:49:00.000Z' })
      .execute();
    await db
      .insertInto('bulk_invites')
      .values({ ...base, id: 'live', status: 'running', report: '[]', heartbeat_at: '2026-03-01T11:59:00.000Z' })
      .execute();
    const before = await counts(usher);
    const { runId } = await usher.container.jobs.runNow('members.bulk_invite');
    await usher.container.jobs.waitForRun(runId);
    const stale = (await admin.get('/api/admin/members/bulk-invite/stale')).json();
    expect(stale).toMatchObject({ status: 'done', invited: 2, skipped: 0, progress: 1 });
    expect(stale.results.map((r: { row: number; memberId: string }) => [r.row, r.memberId === 'earlier'])).toEqual([
      [2, true],
      [3, false],
    ]);
    // Only the row after the saved one was applied.
    expect(await counts(usher)).toEqual({ ...before, members: before.members + 1, payments: before.payments + 1 });
    expect((await admin.get('/api/admin/members/bulk-invite/live')).json()).toMatchObject({ status: 'running', rowsDone: 0 });
    await db.deleteFrom('bulk_invites').where('id', '=', 'live').execute();
  });

  it('rows share the seats of one file: a server with 2 seats left takes 2 rows and the third gets no_capacity, in the dry run and the job', async () => {
    const seat = (await usher.container.invites.seats()).find((s) => s.id === serverId)!;
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: seat.members + 2 })).statusCode).toBe(200);
    const csv = [
      'email,plan,server,send_notification',
      'seat1@example.com,Monthly,Den,',
      'seat2@example.com,Monthly,,no',
      'seat3@example.com,Monthly,,',
      `seat4@example.com,Monthly,${serverId},`,
    ].join('\n');
    const before = await counts(usher);
    const dry = (await admin.post('/api/admin/members/bulk-invite/dry-run', { csv })).json();
    expect(dry.rows.map((r: { code: string | null; serverName: string | null }) => [r.code, r.serverName])).toEqual([
      [null, 'Den'],
      [null, 'Den'],
      ['no_capacity', null],
      // A row naming its server keeps the name, so the report says which one is full.
      ['no_capacity', 'Den'],
    ]);
    expect(await counts(usher)).toEqual(before);
    const { id } = await runJob(usher, admin, csv);
    const view = (await admin.get(`/api/admin/members/bulk-invite/${id}`)).json();
    expect(view.results.map((r: { code: string | null; result: string }) => r.code ?? r.result)).toEqual([
      'invited',
      'invited',
      'no_capacity',
      'no_capacity',
    ]);
    expect(await counts(usher)).toEqual({
      members: before.members + 2,
      payments: before.payments + 2,
      bulkInvites: before.bulkInvites + 1,
    });
    // The report names the row; no "no server can take" alert for a file.
    expect(await usher.db.handle.db.selectFrom('alerts').selectAll().where('kind', '=', 'placement_failed').execute()).toEqual([]);
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: 0 })).statusCode).toBe(200);
  });

  it('the server column and send_notification get the Invite dialog’s refusals: disabled server, plan missing there, email to nobody', async () => {
    const empty = (await admin.post('/api/admin/library-groups', { name: 'Nowhere' })).json().id as string;
    expect(
      (
        await admin.post('/api/admin/plans', {
          name: 'Elsewhere',
          costMinor: 500,
          duration: { unit: 'days', count: 30 },
          libraryGroupIds: [empty],
        })
      ).statusCode,
    ).toBe(201);
    const csv = ['email,username,plan,server,send_notification', 'x1@example.com,,Elsewhere,Den,', ',nomail,Monthly,,yes'].join('\n');
    const dry = (await admin.post('/api/admin/members/bulk-invite/dry-run', { csv })).json();
    expect(dry.rows.map((r: { code: string | null }) => r.code)).toEqual(['server_lacks_plan', 'email_required']);
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: false })).statusCode).toBe(200);
    const off = (
      await admin.post('/api/admin/members/bulk-invite/dry-run', { csv: 'email,plan,server\nx2@example.com,Monthly,Den\n' })
    ).json();
    expect(off.rows[0]).toMatchObject({ ok: false, code: 'server_disabled' });
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: true })).statusCode).toBe(200);
  });

  it('needs members.write', async () => {
    const reader = await loginAs(usher, admin, 'reader@example.com', await createRole(admin, 'Member reader', ['members.read']));
    const before = await counts(usher);
    expect((await reader.post('/api/admin/members/bulk-invite/dry-run', { csv: FILE })).statusCode).toBe(403);
    expect((await reader.post('/api/admin/members/bulk-invite', { csv: 'email,plan\nzed@example.com,Monthly\n' })).statusCode).toBe(403);
    expect(await counts(usher)).toEqual(before);
  });
});
