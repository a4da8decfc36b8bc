import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../../../fakes/src/index.js';
import type { FakePlexAccount } from '../../../fakes/src/plex/plex-tv-types.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import type { CheckResult } from '../../src/modules/enforcement/enforcement.service.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { addPlexServer } from '../media/support/plex-server.js';
import { delay, until } from '../adapters/support/plex.js';

const POLL_MS = 1_500;

/**
 * The session monitor against the fake Plex server: the websocket event makes a check within a
 * second, the poll catches what events miss, and each plan rule stops exactly the streams it should.
 */
describeEachDb('Stream enforcement on Plex: limits, transcoding, 4K, permanent members, events and polling', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  const checks: CheckResult[] = [];
  const account: Record<string, FakePlexAccount> = {};
  const memberId: Record<string, string> = {};

  const terminationsOf = (sessionIds: string[]) => pms.terminations.filter((t) => sessionIds.includes(t.sessionId));
  const monitor = () => usher.container.sessionMonitor;
  /** The monitor's first check of the server is done, so later streams are "newer". */
  const monitorReady = async () => {
    monitor().start();
    await until(() => checks.length > 0, 5_000);
  };

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 4, pendingInvitesPerServer: 0, serverNames: ['Alpha'], plexPass: true });
    pms = fakes.servers[0]!;
    const url = fakes.plexTvUrl;
    usher = track(
      await createTestUsher(
        dialect,
        { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url },
        { sessionMonitor: { pollIntervalMs: POLL_MS, renewEveryMs: 200, eventDebounceMs: 50, onCheck: (r) => checks.push(r) } },
      ),
    );
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    ({ serverId } = await addPlexServer(admin, fakes.owner.token));
    await usher.container.sync.settled(serverId);
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt });
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { allow4kTranscoding: false })).statusCode).toBe(200);

    const plan = async (name: string, extra: Record<string, unknown>) =>
      (await admin.post('/api/admin/plans', { name, costMinor: 500, duration: { unit: 'days', count: 30 }, libraryGroupIds: ['group-standard'], ...extra })).json()
        .id as string;
    const plans = {
      duo: await plan('Duo', { maxStreams: 2 }),
      direct: await plan('Direct only', { allowTranscoding: false }),
      open: await plan('Open', {}),
      solo: await plan('Solo', { maxStreams: 1, allowTranscoding: false }),
    };
    const roles = ['duo', 'direct', 'open', 'permanent'] as const;
    const rows = await usher.db.handle.db.selectFrom('member_accounts').select(['member_id', 'remote_id']).where('server_id', '=', serverId).execute();
    for (const [i, role] of roles.entries()) {
      const a = fakes.members[0]![i]!;
      account[role] = a;
      memberId[role] = rows.find((r) => r.remote_id === String(a.id))!.member_id!;
      await usher.db.handle.db.deleteFrom('payments').where('member_id', '=', memberId[role]).execute();
      const planId = role === 'permanent' ? plans.solo : plans[role];
      expect((await admin.post(`/api/admin/members/${memberId[role]}/payments`, { planId })).statusCode).toBe(201);
    }
    expect((await admin.put(`/api/admin/members/${memberId.permanent}/permanent`, { permanent: true })).statusCode).toBe(200);
    await usher.container.access.settled();
  });
  afterEach(async () => {
    await monitor().stop();
    pms.notifications.refuseUpgrades = false;
    for (const key of [...pms.sessions.keys()]) pms.stopSession(key);
    checks.length = 0;
  });
  afterAll(() => fakes.close());

  it('a 3rd stream on a 2-stream plan: the newest is stopped with the message within 2 s of the event; the others play on', async () => {
    await monitorReady();
    await until(() => pms.notifications.clientCount > 0, 5_000);
    const first = fakes.startSession(pms, account.duo!, { player: 'Living room' });
    const second = fakes.startSession(pms, account.duo!, { player: 'Phone' });
    await until(() => checks.some((c) => c.sessions === 2), 3_000);
    usher.clock.advance(60_000);
    const sentAt = Date.now();
    const third = fakes.startSession(pms, account.duo!, { player: 'Tablet', ip: '203.0.113.77' });
    await until(() => terminationsOf([third.sessionId]).length > 0, 2_000);
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    expect(terminationsOf([third.sessionId])[0]!.reason).toMatch(/allows 2 streams at a time/);
    expect(terminationsOf([first.sessionId, second.sessionId])).toEqual([]);
    expect(pms.sessions.has(first.sessionKey) && pms.sessions.has(second.sessionKey)).toBe(true);

    // Recorded once: a warning with its count, an audit entry, the stream's history row, one email.
    const warnings = (await admin.get(`/api/admin/members/${memberId.duo}/warnings`)).json();
    expect(warnings.counts).toEqual({ stream_limit: 1 });
    expect(warnings.items[0]).toMatchObject({ kind: 'stream_limit', serverName: 'Alpha', details: { stopped: true, maxStreams: 2, device: 'Tablet' } });
    const audit = await usher.db.handle.db.selectFrom('audit_log').select('details').where('action', '=', 'enforcement.stop').execute();
    expect(audit).toHaveLength(1);
    const history = (await admin.get(`/api/admin/activity/history?memberId=${memberId.duo}`)).json();
    expect(history.items.find((h: { stoppedFor: string | null }) => h.stoppedFor)).toMatchObject({ stoppedFor: 'stream_limit', ip: '203.0.113.77' });
    await until(() => usher.smtp.messages.some((m) => m.subject.includes('A stream was stopped')), 5_000);
  });

  it('with events off, the 3rd stream is stopped within one poll interval; a member under the limit is not', async () => {
    pms.notifications.refuseUpgrades = true;
    const before = pms.terminations.length;
    await monitorReady();
    fakes.startSession(pms, account.duo!, {});
    fakes.startSession(pms, account.duo!, {});
    fakes.startSession(pms, account.open!, {});
    await until(() => checks.some((c) => c.sessions === 3), POLL_MS + 1_000);
    usher.clock.advance(60_000);
    const startedAt = Date.now();
    const third = fakes.startSession(pms, account.duo!, {});
    await until(() => terminationsOf([third.sessionId]).length > 0, POLL_MS + 1_000);
    expect(Date.now() - startedAt).toBeLessThanOrEqual(POLL_MS + 500);
    expect(pms.terminations.slice(before).map((t) => t.sessionId)).toEqual([third.sessionId]);
    expect(pms.sessions.size).toBe(3);
  });

  it('a no-transcode plan loses its transcoding session and keeps its direct play; a 4K transcode on this server is stopped', async () => {
    await monitorReady();
    const transcoding = fakes.startSession(pms, account.direct!, { transcode: true });
    const direct = fakes.startSession(pms, account.direct!, { transcode: false });
    const fourK = fakes.startSession(pms, account.open!, { transcode: true, source4k: true });
    const hd = fakes.startSession(pms, account.open!, { transcode: true, source4k: false });
    const direct4k = fakes.startSession(pms, account.open!, { transcode: false, source4k: true });
    await until(() => terminationsOf([transcoding.sessionId, fourK.sessionId]).length === 2, 3_000);
    await delay(300);
    expect(terminationsOf([transcoding.sessionId])[0]!.reason).toMatch(/does not allow transcoding/);
    expect(terminationsOf([fourK.sessionId])[0]!.reason).toMatch(/does not transcode 4K/);
    expect(terminationsOf([direct.sessionId, hd.sessionId, direct4k.sessionId])).toEqual([]);
  });

  it('a permanent member is never stopped by default, whatever their plan says', async () => {
    await monitorReady();
    const sessions = [
      fakes.startSession(pms, account.permanent!, { transcode: true, source4k: true }),
      fakes.startSession(pms, account.permanent!, { transcode: true }),
      fakes.startSession(pms, account.permanent!, {}),
    ];
    await until(() => checks.some((c) => c.sessions === 3), 3_000);
    await delay(400);
    expect(terminationsOf(sessions.map((s) => s.sessionId))).toEqual([]);
    const now = (await admin.get('/api/admin/activity/now-playing')).json();
    expect(now.servers[0].sessions.map((s: { verdict: string }) => s.verdict)).toEqual(['exempt', 'exempt', 'exempt']);
  });

  it('a monitor that loses the websocket keeps enforcing by polling, then reconnects and reacts to events again', async () => {
    await monitorReady();
    await until(() => pms.notifications.clientCount > 0, 5_000);
    const connectionsBefore = pms.notifications.connections;
    pms.notifications.refuseUpgrades = true;
    pms.notifications.dropAll();
    fakes.startSession(pms, account.duo!, {});
    fakes.startSession(pms, account.duo!, {});
    await until(() => checks.some((c) => c.sessions === 2), POLL_MS + 1_000);
    usher.clock.advance(60_000);
    const polled = fakes.startSession(pms, account.duo!, {});
    await until(() => terminationsOf([polled.sessionId]).length > 0, POLL_MS + 1_000);
    expect(pms.notifications.clientCount).toBe(0);

    pms.notifications.refuseUpgrades = false;
    await until(() => pms.notifications.clientCount > 0, 10_000);
    expect(pms.notifications.connections).toBeGreaterThan(connectionsBefore);
    usher.clock.advance(60_000);
    const sentAt = Date.now();
    const evented = fakes.startSession(pms, account.duo!, {});
    await until(() => terminationsOf([evented.sessionId]).length > 0, 2_000);
    expect(Date.now() - sentAt).toBeLessThan(1_000);
  });
});
