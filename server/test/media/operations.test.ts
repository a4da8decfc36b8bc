import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MediaBrowserFake } from '../../../fakes/src/index.js';
import { ALERT_AFTER_FAILURES, RETRY_CAP_MS } from '../../src/domain/operation-retry.js';
import { idempotencyKey, type Grant, type Operation } from '../../src/domain/reconcile.js';
import { MINUTE_MS } from '../../src/platform/clock.js';
import type { AppliedOperation } from '../../src/modules/operations/operations.service.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { actualAccounts, libraryIds, operationRows, operationsFor } from './support/operations.js';
import { jellyfinWithMembers } from './support/jellyfin-members.js';

const grant = (libraries: string[], extra: Partial<Grant> = {}): Grant => ({ libraries, allowDownloads: false, allowTranscoding: false, sessionCap: 2, ...extra });

describeEachDb('Operations on Jellyfin: queued once, applied once, retried while the server is down', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let libs: Map<string, string>;
  const applied: AppliedOperation[] = [];

  const policyWrites = () => jellyfin.http.requestCounts()['POST /Users/:id/Policy'] ?? 0;
  const accountOf = async (name: string) => (await actualAccounts(usher, serverId)).find((a) => a.remoteId === jellyfin.state.findUser(name)!.id)!;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 12, userPrefix: 'jf-', enabled: true }));
    libs = await libraryIds(usher, serverId);
    usher.container.operations.onApplied((a) => void applied.push(a));
    // No background passes after an enqueue: each test applies explicitly, to count what one pass did.
    await usher.container.operations.stop();
  });
  afterAll(() => jellyfin.close());

  it('the same change queued twice (two passes, two instances) is one row', async () => {
    const account = await accountOf('jf-0001');
    const ops = operationsFor('jellyfin', [account], grant([libs.get('Movies')!]));
    expect(ops).toHaveLength(1);
    const first = await usher.container.operations.enqueue(ops);
    const again = await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Movies')!])));
    expect(first.inserted).toHaveLength(1);
    expect(again).toEqual({ inserted: [], superseded: 0 });
    expect((await operationRows(usher)).filter((r) => r.member_id === account.memberId)).toHaveLength(1);
  });

  it('a grant sets exactly the plan: folders, no all-folders, session cap, downloads and video transcoding', async () => {
    const account = await accountOf('jf-0001');
    const before = policyWrites();
    const result = await usher.container.operations.applyDue();
    expect(result).toEqual({ applied: 1, retried: 0, failed: 0 });
    expect(jellyfin.state.users.get(account.remoteId)!.policy).toMatchObject({
      EnabledFolders: [libs.get('Movies')],
      EnableAllFolders: false,
      MaxActiveSessions: 2,
      EnableContentDownloading: false,
      EnableVideoPlaybackTranscoding: false,
      EnableAudioPlaybackTranscoding: true,
    });
    expect(policyWrites() - before).toBe(1);
    const [row] = (await operationRows(usher)).filter((r) => r.member_id === account.memberId);
    expect(row).toMatchObject({ status: 'done', attempts: 1, applied_at: usher.clock.now().toISOString(), last_error: null, claimed_by: null });
    // Done: a pass later finds nothing and writes nothing.
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 0, failed: 0 });
    expect(policyWrites() - before).toBe(1);
  });

  it('a provision creates the account; the password reaches the listener only, never the database', async () => {
    const memberId = (await accountOf('jf-0002')).memberId;
    const payload = { kind: 'provision' as const, identifier: 'new-friend', grant: grant([libs.get('TV Shows')!], { allowDownloads: true, sessionCap: 1 }) };
    const op: Operation = { memberId, serverId, kind: 'provision', payload, idempotencyKey: idempotencyKey(memberId, serverId, payload, 'p1') };
    await usher.container.operations.enqueue([op]);
    expect((await usher.container.operations.applyDue()).applied).toBe(1);
    const user = jellyfin.state.findUser('new-friend')!;
    expect(user.policy).toMatchObject({ EnabledFolders: [libs.get('TV Shows')], EnableContentDownloading: true, MaxActiveSessions: 1 });
    const event = applied.find((a) => a.operation.kind === 'provision')!;
    expect(event.account?.remoteId).toBe(user.id);
    expect(event.password).toMatch(/^[\w-]{20,}$/);
    const row = (await operationRows(usher)).find((r) => r.kind === 'provision')!;
    expect(row.remote_id).toBe(user.id);
    expect(JSON.stringify(row)).not.toContain(event.password!);
  });

  it('a server that is down: retried with growing backoff, one alert after repeated failures, then applied exactly once', async () => {
    const account = await accountOf('jf-0003');
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Music')!], { sessionCap: 3 })));
    const before = policyWrites();
    jellyfin.http.setDown(true);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= ALERT_AFTER_FAILURES + 1; attempt++) {
      expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 1, failed: 0 });
      const row = (await operationRows(usher)).find((r) => r.member_id === account.memberId)!;
      expect(row).toMatchObject({ status: 'pending', attempts: attempt });
      expect(row.last_error).toBeTruthy();
      delays.push(new Date(row.next_attempt_at).getTime() - usher.clock.now().getTime());
      // Not due yet: a pass now tries nothing.
      expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 0, failed: 0 });
      usher.clock.advance(RETRY_CAP_MS);
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]! * 1.4);
    const alerts = (await admin.get('/api/admin/alerts')).json().items.filter((a: { kind: string }) => a.kind === 'operation_failed');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].title).toContain('Den');

    jellyfin.http.setDown(false);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 1, retried: 0, failed: 0 });
    expect(policyWrites() - before).toBe(1);
    expect(jellyfin.state.users.get(account.remoteId)!.policy).toMatchObject({ EnabledFolders: [libs.get('Music')], MaxActiveSessions: 3 });
  });

  it('a failure retrying cannot fix fails at once and alerts', async () => {
    const memberId = (await accountOf('jf-0004')).memberId;
    const payload = { kind: 'grant' as const, account: { remoteId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, grant: grant([libs.get('Movies')!]) };
    await usher.container.operations.enqueue([{ memberId, serverId, kind: 'grant', payload, idempotencyKey: idempotencyKey(memberId, serverId, payload, 'x') }]);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 0, failed: 1 });
    const row = (await operationRows(usher)).find((r) => r.member_id === memberId)!;
    expect(row.status).toBe('failed');
    const alerts = (await admin.get('/api/admin/alerts')).json().items.filter((a: { kind: string }) => a.kind === 'operation_failed');
    expect(alerts).toHaveLength(2);
  });

  it('a disabled server keeps its operations pending and untried', async () => {
    const account = await accountOf('jf-0005');
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: false })).statusCode).toBe(200);
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Movies')!, libs.get('Music')!])));
    const before = jellyfin.http.totalRequests();
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 0, failed: 0 });
    expect(jellyfin.http.totalRequests()).toBe(before);
    expect((await operationRows(usher)).find((r) => r.member_id === account.memberId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: true })).statusCode).toBe(200);
    expect((await usher.container.operations.applyDue()).applied).toBe(1);
  });

  it('a newer change for the same member and server supersedes a pending older one', async () => {
    const account = await accountOf('jf-0006');
    await admin.patch(`/api/admin/servers/${serverId}`, { enabled: false });
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Movies')!]), 'a'));
    const newer = await usher.container.operations.enqueue(operationsFor('jellyfin', [account], null, 'b'));
    expect(newer.superseded).toBe(1);
    await admin.patch(`/api/admin/servers/${serverId}`, { enabled: true });
    expect((await usher.container.operations.applyDue()).applied).toBe(1);
    expect(jellyfin.state.users.get(account.remoteId)!.policy).toMatchObject({ EnabledFolders: [], EnableAllFolders: false });
  });

  it('a delete removes the account and records it as a removal Usher made, for the sync guard', async () => {
    const account = await accountOf('jf-0008');
    const payload = { kind: 'delete' as const, account: { remoteId: account.remoteId } };
    await usher.container.operations.enqueue([{ memberId: account.memberId, serverId, kind: 'delete', payload, idempotencyKey: idempotencyKey(account.memberId, serverId, payload, 'd') }]);
    expect((await usher.container.operations.applyDue()).applied).toBe(1);
    expect(jellyfin.state.users.has(account.remoteId)).toBe(false);
    const expected = await usher.db.handle.db.selectFrom('sync_expected_removals').select('remote_id').where('server_id', '=', serverId).execute();
    expect(expected.map((r) => r.remote_id)).toEqual([account.remoteId]);
  });

  it('one member’s operations on a server run in queue order, even while the older one backs off', async () => {
    const account = await accountOf('jf-0009');
    jellyfin.http.fail('POST /Users/:id/Policy', 3, 503);
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Movies')!]), 'o1'));
    usher.clock.advance(1000);
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('Music')!]), 'o2'), { supersede: false });
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 0, retried: 1, failed: 0 });
    usher.clock.advance(RETRY_CAP_MS);
    expect(await usher.container.operations.applyDue()).toEqual({ applied: 2, retried: 0, failed: 0 });
    expect(jellyfin.state.users.get(account.remoteId)!.policy.EnabledFolders).toEqual([libs.get('Music')]);
  });

  it('the admin lists, filters, retries and cancels operations; the badge counts them', async () => {
    const list = (await admin.get('/api/admin/operations?status=failed')).json();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ kind: 'grant', status: 'failed', serverName: 'Den', memberLabel: expect.any(String) });
    expect(list.counts).toEqual({ pending: 0, running: 0, failed: 1 });
    const id = list.items[0].id as string;

    expect((await admin.get('/api/admin/operations?status=bogus')).statusCode).toBe(400);
    const memberId = list.items[0].memberId as string;
    expect((await admin.get(`/api/admin/operations?memberId=${memberId}`)).json().total).toBe(1);
    expect((await admin.get(`/api/admin/operations?serverId=${serverId}&status=done,cancelled`)).json().total).toBeGreaterThanOrEqual(5);

    const retried = await admin.post(`/api/admin/operations/${id}/retry`);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await admin.get('/api/admin/operations/counts')).json()).toEqual({ pending: 1, running: 0, failed: 0 });
    const cancelled = await admin.post(`/api/admin/operations/${id}/cancel`);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await admin.post(`/api/admin/operations/${id}/cancel`)).json().error.code).toBe('operation_not_cancellable');
    expect((await usher.container.operations.applyDue()).applied).toBe(0);

    const done = (await admin.get('/api/admin/operations?status=done')).json().items[0].id as string;
    const refused = await admin.post(`/api/admin/operations/${done}/retry`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('operation_not_retryable');
    expect((await admin.post('/api/admin/operations/nope/cancel')).statusCode).toBe(404);
    const audit = (await admin.get('/api/admin/audit?action=operation.cancelled')).json().items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: id });
  });

  it('the minute job applies due operations and says when nothing was due', async () => {
    const account = await accountOf('jf-0007');
    await usher.container.operations.enqueue(operationsFor('jellyfin', [account], grant([libs.get('4K Movies')!])));
    const run = async () => {
      const { runId } = await usher.container.jobs.runNow('operations.apply');
      await usher.container.jobs.waitForRun(runId);
      return usher.container.jobs.getRun(runId);
    };
    usher.clock.advance(MINUTE_MS);
    expect(await run()).toMatchObject({ status: 'succeeded', message: 'Applied 1 operation.' });
    expect((await operationRows(usher)).find((r) => r.member_id === account.memberId)!.status).toBe('done');
    expect((await run()).message).toBe('No operation was due.');
  });
});
