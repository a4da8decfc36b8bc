import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, type MediaBrowserFake } from '../../../fakes/src/index.js';
import type { JobContext } from '../../src/jobs/job-runner.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

const system = { type: 'system' as const, id: null, label: 'test', ip: null };

/** Live members with this email, compared as the invite compares it. */
async function membersWithEmail(usher: TestUsher, email: string) {
  return usher.db.handle.db
    .selectFrom('members')
    .select(['id', 'email'])
    .where('email', '=', email.toLowerCase())
    .where('deleted_at', 'is', null)
    .execute();
}

/** A job run as a second instance would start it, without the jobs runner in between. */
function jobContext(runId: string): JobContext {
  return { runId, trigger: 'manual', tick: null, signal: new AbortController().signal, reportProgress: () => undefined };
}

describeEachDb('two invites of one person at once create one member', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let planId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 1, items: false, userPrefix: 'jf-' }));
    const serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id as string;
    await usher.container.sync.settled(serverId);
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'Movies')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    planId = (
      await admin.post('/api/admin/plans', {
        name: 'Monthly',
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
      })
    ).json().id as string;
  });
  afterAll(() => jellyfin.close());

  it('the Invite dialog sent twice at once (emails differing in case): one 201, one 409 member_exists', async () => {
    const [a, b] = await Promise.all([
      admin.post('/api/admin/members/invite', { email: 'twice@example.com', planId }),
      admin.post('/api/admin/members/invite', { email: 'Twice@Example.COM', planId }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect((a.statusCode === 409 ? a : b).json().error.code).toBe('member_exists');
    expect(await membersWithEmail(usher, 'twice@example.com')).toHaveLength(1);
    // The loser left nothing behind: no payment or placement without a member.
    const orphans = await usher.db.handle.db
      .selectFrom('payments')
      .select('payments.id')
      .leftJoin('members', 'members.id', 'payments.member_id')
      .where('members.id', 'is', null)
      .execute();
    expect(orphans).toEqual([]);
    expect(await usher.db.handle.db.selectFrom('invite_claims').selectAll().execute()).toEqual([]);
  });

  it('a bulk row and the dialog at once, and two bulk rows at once, also make one member each', async () => {
    const row = {
      row: 2,
      email: 'bulk-and-dialog@example.com',
      username: null,
      plan: 'Monthly',
      server: null,
      from: null,
      to: null,
      months: null,
      amountMinor: null,
      transactionId: null,
      payerEmail: null,
      notes: null,
      sendNotification: false,
      planId,
      planName: 'Monthly',
      serverId: null,
    };
    const bulk = usher.container.bulkInvite;
    const mixed = await Promise.allSettled([
      bulk.inviteRow(row, system),
      usher.container.invites.invite({ email: 'BULK-and-dialog@example.com', planId }, system),
    ]);
    expect(mixed.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(mixed.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'member_exists' } });
    expect(await membersWithEmail(usher, row.email)).toHaveLength(1);

    const rows = await Promise.allSettled([
      bulk.inviteRow({ ...row, email: 'two-rows@example.com' }, system),
      bulk.inviteRow({ ...row, row: 3, email: 'two-rows@example.com' }, system),
    ]);
    expect(rows.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await membersWithEmail(usher, 'two-rows@example.com')).toHaveLength(1);
  });

  it('two files naming the same person, applied at once by two runs, invite them once', async () => {
    const db = usher.db.handle.db;
    const now = usher.clock.now().toISOString();
    for (const [id, email, other] of [
      ['file-a', 'both@example.com', 'only-a@example.com'],
      ['file-b', 'BOTH@example.com', 'only-b@example.com'],
    ] as const) {
      await db
        .insertInto('bulk_invites')
        .values({
          id,
          status: 'pending',
          csv: `email,plan\n${email},Monthly\n${other},Monthly\n`,
          actor: JSON.stringify(system),
          rows_total: 2,
          report: '[]',
          run_id: null,
          claimed_by: null,
          heartbeat_at: null,
          error: null,
          created_at: now,
          started_at: null,
          finished_at: null,
        })
        .execute();
    }
    await Promise.all([
      usher.container.bulkInvite.runPending(jobContext('run-a')),
      usher.container.bulkInvite.runPending(jobContext('run-b')),
    ]);
    const views = await Promise.all(['file-a', 'file-b'].map((id) => usher.container.bulkInvite.view(id)));
    expect(views.map((v) => v.status)).toEqual(['done', 'done']);
    const both = views.map((v) => v.results.find((r) => r.row === 2)!);
    expect(both.map((r) => r.code ?? r.result).sort()).toEqual(['invited', 'member_exists']);
    expect(await membersWithEmail(usher, 'both@example.com')).toHaveLength(1);
    // Each file's other row is its own person: invited.
    expect(views.map((v) => v.results.find((r) => r.row === 3)!.result)).toEqual(['invited', 'invited']);
  });
});
