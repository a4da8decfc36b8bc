import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

describeEachDb('a Jellyfin account re-created after deletion: the member gets the new password by email, once', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let planId: string;

  const pass = async () => {
    await usher.container.access.reconcileAll();
    await usher.container.operations.applyDue();
  };
  const advance = async (ms: number) => {
    usher.clock.advance(ms);
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  };
  const mails = () =>
    usher.db.handle.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('recipient', '=', 'comeback@example.com')
      .orderBy('created_at')
      .execute();
  const passwordIn = (body: string) => /Password: (\S+)/.exec(body)?.[1];

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME, syncSharedLibraries: true } });
    await admin.put('/api/admin/settings/subscriptions', { values: { deleteAfterDays: 0 } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 1, items: false, userPrefix: 'jf-' }));
    serverId = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).json()
      .id as string;
    await usher.container.sync.settled(serverId);
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'Movies')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    planId = (
      await admin.post('/api/admin/plans', { name: 'Monthly', costMinor: 1000, duration: { unit: 'days', count: 30 }, libraryGroupIds: ['group-standard'] })
    ).json().id as string;
  });
  afterAll(() => jellyfin.close());

  it('invite, expiry deletes the account, a renewal re-creates it and emails the new password', async () => {
    const invited = await admin.post('/api/admin/members/invite', { email: 'comeback@example.com', username: 'comeback', planId, sendNotification: true });
    expect(invited.statusCode).toBe(201);
    const memberId = invited.json().memberId as string;
    await usher.container.access.settled();
    await pass();
    const firstUser = jellyfin.state.findUser('comeback')!;
    expect(firstUser).toBeDefined();
    expect(await mails()).toHaveLength(1);

    // Expired, and "delete after 0 days": the account goes; the next sync leaves the trace "was on Den".
    await advance(31 * DAY_MS);
    for (let i = 0; i < 3 && jellyfin.state.findUser('comeback'); i++) await pass();
    expect(jellyfin.state.findUser('comeback')).toBeUndefined();
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    expect(await mails()).toHaveLength(1);

    const now = usher.clock.now().getTime();
    const renewal = await admin.post(`/api/admin/members/${memberId}/payments`, {
      planId,
      from: new Date(now).toISOString(),
      to: new Date(now + 30 * DAY_MS).toISOString(),
    });
    expect(renewal.statusCode).toBe(201);
    await usher.container.access.settled();
    await pass();
    const again = jellyfin.state.findUser('comeback')!;
    expect(again).toBeDefined();
    expect(again.id).not.toBe(firstUser.id);
    const sent = await mails();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body_text).toContain('Username: comeback');
    const [first, second] = sent.map((m) => passwordIn(m.body_text));
    expect(second).toMatch(/\S{12,}/);
    expect(second).not.toBe(first);

    // Further passes change nothing and send nothing more.
    await pass();
    await pass();
    expect(await mails()).toHaveLength(2);
  });
});
