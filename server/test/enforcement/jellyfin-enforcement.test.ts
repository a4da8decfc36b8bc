import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { MediaBrowserFake } from '../../../fakes/src/index.js';
import { createContainer, type Container } from '../../src/container.js';
import { createLogger } from '../../src/http/logger.js';
import type { CheckResult } from '../../src/modules/enforcement/enforcement.service.js';
import { createTestUsher, loginAs, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { jellyfinWithMembers } from '../media/support/jellyfin-members.js';
import { delay, until } from '../adapters/support/plex.js';

const LEASE_TTL_MS = 30_000;

describeEachDb('Stream enforcement on Jellyfin: message then stop, the lease between instances, activity permissions', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let soloMember: string;
  const checks: CheckResult[] = [];
  let second: Container | null = null;

  beforeAll(async () => {
    usher = track(
      await createTestUsher(dialect, {}, { sessionMonitor: { instanceId: 'instance-a', pollIntervalMs: 2_000, renewEveryMs: 100, eventDebounceMs: 50, leaseTtlMs: LEASE_TTL_MS, onCheck: (r) => checks.push(r) } }),
    );
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 2, userPrefix: 'jf-', enabled: true }));
    await usher.container.operations.stop();
    const solo = (
      await admin.post('/api/admin/plans', { name: 'Solo', costMinor: 500, duration: { unit: 'days', count: 30 }, libraryGroupIds: ['group-standard'], maxStreams: 1 })
    ).json().id as string;
    const row = await usher.db.handle.db
      .selectFrom('member_accounts')
      .select('member_id')
      .where('server_id', '=', serverId)
      .where('username', '=', 'jf-0001')
      .executeTakeFirstOrThrow();
    soloMember = row.member_id!;
    expect((await admin.put(`/api/admin/members/${soloMember}/permanent`, { permanent: false })).statusCode).toBe(200);
    expect((await admin.post(`/api/admin/members/${soloMember}/payments`, { planId: solo })).statusCode).toBe(201);
    await usher.container.access.settled();
  });
  afterEach(async () => {
    await usher.container.sessionMonitor.stop();
    if (second) {
      await second.sessionMonitor.stop();
      await second.mediaRegistry.close();
      second = null;
    }
    for (const id of [...jellyfin.state.sessions.keys()]) jellyfin.state.stopPlayback(jellyfin.state.sessions.get(id)!);
    checks.length = 0;
  });
  afterAll(() => jellyfin.close());

  const stopsOf = (sessionId: string) => jellyfin.state.commands.filter((c) => c.sessionId === sessionId && c.command === 'Stop');

  it('a 2nd stream on a 1-stream plan gets the on-screen message first, then the stop; the first plays on', async () => {
    usher.container.sessionMonitor.start();
    await until(() => checks.length > 0, 5_000);
    const first = jellyfin.state.startPlayback({ user: 'jf-0001', device: 'TV' });
    await until(() => checks.some((c) => c.sessions === 1), 3_000);
    usher.clock.advance(60_000);
    const secondStream = jellyfin.state.startPlayback({ user: 'jf-0001', device: 'Laptop' });
    await until(() => stopsOf(secondStream.id).length > 0, 2_000);
    const message = jellyfin.state.messages.find((m) => m.sessionId === secondStream.id);
    expect(message?.text).toMatch(/allows 1 stream at a time/);
    expect(message!.at <= stopsOf(secondStream.id)[0]!.at).toBe(true);
    expect(stopsOf(first.id)).toEqual([]);
    expect(jellyfin.state.sessions.has(first.id)).toBe(true);
  });

  it('the lease: a second instance waits while the first renews, and takes over once it stops renewing', async () => {
    const a = usher.container.sessionMonitor;
    a.start();
    await until(() => a.isHolder && a.watchedServerIds.includes(serverId), 5_000);
    const bChecks: CheckResult[] = [];
    second = createContainer({
      env: usher.container.env,
      database: usher.db.handle,
      secrets: usher.container.secrets,
      log: createLogger('silent'),
      clock: usher.clock,
      sessionMonitor: { instanceId: 'instance-b', pollIntervalMs: 2_000, renewEveryMs: 100, eventDebounceMs: 50, leaseTtlMs: LEASE_TTL_MS, onCheck: (r) => bChecks.push(r) },
    });
    const b = second.sessionMonitor;
    b.start();
    await delay(500);
    expect({ a: a.isHolder, b: b.isHolder, bWatches: b.watchedServerIds }).toEqual({ a: true, b: false, bWatches: [] });

    // The first instance dies: no release, no renewal. Until the lease expires nobody else watches.
    await a.abandon();
    await delay(300);
    expect(b.isHolder).toBe(false);
    usher.clock.advance(LEASE_TTL_MS + 1_000);
    await until(() => b.isHolder && b.watchedServerIds.includes(serverId), 2_000);
    expect((await admin.get('/api/admin/activity/now-playing')).json().monitor.holder).toBe('instance-b');

    // …and enforces.
    await until(() => bChecks.length > 0, 5_000);
    jellyfin.state.startPlayback({ user: 'jf-0001', device: 'TV' });
    await until(() => bChecks.some((c) => c.sessions === 1), 3_000);
    usher.clock.advance(60_000);
    const extra = jellyfin.state.startPlayback({ user: 'jf-0001', device: 'Phone' });
    await until(() => stopsOf(extra.id).length > 0, 3_000);
  });

  it('activity (with IP addresses) needs activity.read; warnings need members.read; a differing server-side cap is reported', async () => {
    const role = (await admin.post('/api/admin/roles', { name: 'Support', permissions: ['members.read'] })).json().id as string;
    const support = await loginAs(usher, admin, 'support@example.com', role);
    expect((await support.get('/api/admin/activity/now-playing')).statusCode).toBe(403);
    expect((await support.get('/api/admin/activity/history')).statusCode).toBe(403);
    expect((await support.get(`/api/admin/members/${soloMember}/warnings`)).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/nope/warnings')).statusCode).toBe(404);

    // Remote writes are off here, so Jellyfin still has the template's cap, not the plan's 1.
    const caps = (await support.get('/api/admin/activity/stream-caps')).json();
    expect(caps.items).toEqual([expect.objectContaining({ memberId: soloMember, serverKind: 'jellyfin', username: 'jf-0001', expectedCap: 1 })]);
    expect(caps.items[0].sessionCap).not.toBe(1);
  });
});
