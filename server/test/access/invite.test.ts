import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  demoSeed,
  startJellyfinFake,
  startPlexFakes,
  TEMPLATE_USER_NAME,
  type MediaBrowserFake,
  type PlexFakes,
} from '../../../fakes/src/index.js';
import { createTestUsher, setupAdmin, TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { libraryIds, operationRows } from '../media/support/operations.js';
import { addPlexServer } from '../media/support/plex-server.js';

/** A new library group holding exactly these libraries (by title) of the server. */
async function groupOf(usher: TestUsher, admin: TestClient, serverId: string, name: string, titles: string[]): Promise<string> {
  const id = (await admin.post('/api/admin/library-groups', { name })).json().id as string;
  const libs = await usher.db.handle.db.selectFrom('libraries').select(['id', 'title']).where('server_id', '=', serverId).execute();
  for (const lib of libs.filter((l) => titles.includes(l.title)))
    expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: id })).statusCode).toBe(200);
  return id;
}

const plan = (name: string, libraryGroupIds: string[], extra: Record<string, unknown> = {}) => ({
  name,
  costMinor: 1000,
  duration: { unit: 'days', count: 30 },
  libraryGroupIds,
  ...extra,
});

/** Row counts of everything an invite writes, to prove a refused one wrote nothing. */
async function footprint(usher: TestUsher) {
  const db = usher.db.handle.db;
  const count = async (table: 'members' | 'payments' | 'member_placements' | 'operations') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    members: await count('members'),
    payments: await count('payments'),
    placements: await count('member_placements'),
    operations: await count('operations'),
  };
}

describeEachDb('Invite on Jellyfin: member, payment and placement at once; the account follows the plan', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let libs: Map<string, string>;
  let gold: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    jellyfin = await startJellyfinFake({ serverName: 'Den' });
    jellyfin.seed(demoSeed({ users: 2, items: false, userPrefix: 'jf-' }));
    serverId = (
      await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
    ).json().id;
    await usher.container.sync.settled(serverId);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const movies = await groupOf(usher, admin, serverId, 'Movies only', ['Movies']);
    libs = await libraryIds(usher, serverId);
    const res = await admin.post(
      '/api/admin/plans',
      plan('Gold', [movies], { maxStreams: 2, allowDownloads: true, allowTranscoding: false }),
    );
    expect(res.statusCode).toBe(201);
    gold = res.json().id;
  });
  afterAll(() => jellyfin.close());

  it('with sync off the invite records member, payment and placement; the dry run lists the provision, nothing is written', async () => {
    const res = await admin.post('/api/admin/members/invite', {
      email: 'Newbie@Example.com',
      username: 'newbie',
      planId: gold,
      paypalEmail: 'payer@example.com',
      transactionId: '2026-12-05-Venmo-1',
      period: { periods: 2 },
      sendNotification: true,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ serverId, serverName: 'Den', placementRule: 'any', notification: 'after_provision' });
    expect(body.member).toMatchObject({
      email: 'newbie@example.com',
      username: 'newbie',
      paypalEmail: 'payer@example.com',
      source: 'invite',
      status: { state: 'active', planName: 'Gold' },
    });
    const payment = await usher.db.handle.db
      .selectFrom('payments')
      .selectAll()
      .where('member_id', '=', body.memberId)
      .executeTakeFirstOrThrow();
    expect(payment).toMatchObject({
      gateway: 'manual',
      amount_minor: 2000,
      transaction_id: '2026-12-05-Venmo-1',
      sequence_number: 1,
      payer_email: 'payer@example.com',
    });
    expect(new Date(payment.period_to).getTime() - new Date(payment.period_from).getTime()).toBe(60 * 86_400_000);

    await usher.container.access.settled();
    expect(await operationRows(usher)).toEqual([]);
    expect(jellyfin.state.findUser('newbie')).toBeUndefined();
    const placement = await admin.get(`/api/admin/members/${body.memberId}/placement`);
    expect(placement.json()).toEqual({
      placement: { serverId, serverName: 'Den', rule: 'any', preferredLocationId: null, error: null, decidedAt: expect.any(String) },
    });
    expect((await admin.get('/api/admin/members/nope/placement')).statusCode).toBe(404);
    const dry = (await admin.get('/api/admin/access/dry-run')).json();
    expect(dry.placements).toEqual([expect.objectContaining({ memberId: body.memberId, serverId, serverName: 'Den', rule: 'any' })]);
    expect(dry.changes.filter((c: { memberId: string }) => c.memberId === body.memberId)).toEqual([
      expect.objectContaining({
        kind: 'provision',
        serverName: 'Den',
        planName: 'Gold',
        librariesAfter: ['Movies'],
        allowDownloadsAfter: true,
        sessionCap: 2,
      }),
    ]);
  });

  it('once sync is on the pass creates the account with exactly the plan’s folders and caps, links it and emails how to log in', async () => {
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
    const pass = await usher.container.access.reconcileAll();
    expect(pass.operations.map((o) => o.kind)).toEqual(['provision']);
    await usher.container.operations.applyDue();
    const user = jellyfin.state.findUser('newbie')!;
    expect(user.policy).toMatchObject({
      EnabledFolders: [libs.get('Movies')],
      EnableAllFolders: false,
      MaxActiveSessions: 2,
      EnableContentDownloading: true,
      EnableVideoPlaybackTranscoding: false,
    });
    const member = await usher.db.handle.db.selectFrom('members').select('id').where('username', '=', 'newbie').executeTakeFirstOrThrow();
    const account = await usher.db.handle.db
      .selectFrom('member_accounts')
      .selectAll()
      .where('server_id', '=', serverId)
      .where('remote_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(account.member_id).toBe(member.id);
    // Linked at once: the next pass (before any sync) neither places nor provisions again.
    const again = await usher.container.access.reconcileAll();
    expect(again.operations).toEqual([]);
    expect(again.placements).toEqual([]);
    const mail = await usher.db.handle.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('recipient', '=', 'newbie@example.com')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body_text).toContain('Username: newbie');
    expect(mail[0]!.body_text).toMatch(/Password: \S{12,}/);
    expect(mail[0]!.body_text).toContain(jellyfin.url);
    // The invite email is sent once, not again on the next provision of anyone.
    expect(
      (
        await usher.db.handle.db
          .selectFrom('member_placements')
          .select('invite_email')
          .where('member_id', '=', member.id)
          .executeTakeFirstOrThrow()
      ).invite_email,
    ).toBeNull();
  });

  it('a duplicate email is refused with 409 member_exists and changes nothing', async () => {
    const before = await footprint(usher);
    const res = await admin.post('/api/admin/members/invite', { email: 'NEWBIE@example.com', planId: gold });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'member_exists', details: { field: 'email' } });
    expect(await footprint(usher)).toEqual(before);
  });

  it('names every refusal: no identifier, unknown plan, unknown server, duplicate transaction', async () => {
    const before = await footprint(usher);
    const none = await admin.post('/api/admin/members/invite', { planId: gold });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('identifier_required');
    const unknownPlan = await admin.post('/api/admin/members/invite', { email: 'a@example.com', planId: 'nope' });
    expect(unknownPlan.statusCode).toBe(404);
    expect(unknownPlan.json().error.code).toBe('unknown_plan');
    const unknownServer = await admin.post('/api/admin/members/invite', { email: 'a@example.com', planId: gold, serverId: 'nope' });
    expect(unknownServer.statusCode).toBe(404);
    expect(unknownServer.json().error.code).toBe('unknown_server');
    const duplicateTx = await admin.post('/api/admin/members/invite', {
      email: 'a@example.com',
      planId: gold,
      transactionId: '2026-12-05-Venmo-1',
    });
    expect(duplicateTx.statusCode).toBe(409);
    expect(duplicateTx.json().error.code).toBe('duplicate_transaction');
    const badEmail = await admin.post('/api/admin/members/invite', { email: 'not-an-email', planId: gold });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.code).toBe('validation_failed');
    const anonymous = await new TestClient(usher.app).post('/api/admin/members/invite', { email: 'a@example.com', planId: gold });
    expect(anonymous.statusCode).toBe(401);
    expect(await footprint(usher)).toEqual(before);
  });

  it('validate (the bulk dry run) writes nothing, and rows sharing one seat count see each other', async () => {
    const used = Number(
      (
        await usher.db.handle.db
          .selectFrom('member_accounts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('server_id', '=', serverId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: used + 1 })).statusCode).toBe(200);
    const before = await footprint(usher);
    const invites = usher.container.invites;
    const seats = await invites.seats();
    const first = await invites.validate({ email: 'row1@example.com', planId: gold }, { seats });
    expect(first.target).toMatchObject({ serverId, rule: 'any' });
    await expect(invites.validate({ email: 'row2@example.com', planId: gold }, { seats })).rejects.toMatchObject({
      status: 409,
      code: 'no_capacity',
    });
    // Without the batch's seats the second row alone would fit.
    expect((await invites.validate({ email: 'row2@example.com', planId: gold })).target.serverId).toBe(serverId);
    expect(await footprint(usher)).toEqual(before);
    expect(await usher.db.handle.db.selectFrom('alerts').selectAll().where('kind', '=', 'placement_failed').execute()).toEqual([]);
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: 0 })).statusCode).toBe(200);
  });

  it('a full server: 409 no_capacity, an admin alert, nothing created', async () => {
    const seats = Number(
      (
        await usher.db.handle.db
          .selectFrom('member_accounts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('server_id', '=', serverId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: seats })).statusCode).toBe(200);
    const before = await footprint(usher);
    const auto = await admin.post('/api/admin/members/invite', { email: 'late@example.com', planId: gold });
    expect(auto.statusCode).toBe(409);
    expect(auto.json().error.code).toBe('no_capacity');
    expect(auto.json().error.message).toMatch(/1 full/);
    const chosen = await admin.post('/api/admin/members/invite', { email: 'late@example.com', planId: gold, serverId });
    expect(chosen.statusCode).toBe(409);
    expect(chosen.json().error).toMatchObject({ code: 'no_capacity', details: { field: 'serverId' } });
    expect(await footprint(usher)).toEqual(before);
    const alerts = await usher.db.handle.db.selectFrom('alerts').selectAll().where('kind', '=', 'placement_failed').execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toContain('late@example.com');
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { maxUsers: 0 })).statusCode).toBe(200);
  });

  it('a disabled server gets no placements', async () => {
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: false })).statusCode).toBe(200);
    const before = await footprint(usher);
    const res = await admin.post('/api/admin/members/invite', { email: 'off@example.com', planId: gold });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/disabled/);
    const chosen = await admin.post('/api/admin/members/invite', { email: 'off@example.com', planId: gold, serverId });
    expect(chosen.statusCode).toBe(409);
    expect(chosen.json().error.code).toBe('server_disabled');
    expect(await footprint(usher)).toEqual(before);
    expect((await admin.patch(`/api/admin/servers/${serverId}`, { enabled: true })).statusCode).toBe(200);
  });

  it('a server without the plan’s groups is refused when chosen (422)', async () => {
    const empty = (await admin.post('/api/admin/library-groups', { name: 'Nowhere' })).json().id as string;
    const nowhere = (await admin.post('/api/admin/plans', plan('Nowhere', [empty]))).json().id as string;
    const res = await admin.post('/api/admin/members/invite', { email: 'x@example.com', planId: nowhere, serverId });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('server_lacks_plan');
  });

  it('the hourly pass: an active member no server can take gets a per-member error and an alert, and no operation', async () => {
    const empty = (await admin.post('/api/admin/library-groups', { name: 'Elsewhere' })).json().id as string;
    const elsewhere = (await admin.post('/api/admin/plans', plan('Elsewhere', [empty]))).json().id as string;
    // Writes off, so the invite's own immediate pass cannot provision before the group leaves the server.
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: false } })).statusCode).toBe(200);
    // Invited onto Den while it carried the group, which then left it (the library went back to Standard).
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', serverId)
      .where('title', '=', 'Music')
      .executeTakeFirst();
    const lib =
      movies ??
      (await usher.db.handle.db
        .selectFrom('libraries')
        .select('id')
        .where('server_id', '=', serverId)
        .where('title', '!=', 'Movies')
        .executeTakeFirstOrThrow());
    expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: empty })).statusCode).toBe(200);
    const invited = await admin.post('/api/admin/members/invite', { username: 'stranded', planId: elsewhere });
    expect(invited.statusCode).toBe(201);
    const memberId = invited.json().memberId as string;
    expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    await usher.container.access.settled();
    const opsBefore = (await operationRows(usher)).length;

    const pass = await usher.container.access.reconcileAll();
    expect(pass.unplaced).toEqual([
      expect.objectContaining({
        memberId,
        memberLabel: 'stranded',
        message: expect.stringMatching(/without all of the plan's library groups/),
      }),
    ]);
    expect(pass.operations.filter((o) => o.memberId === memberId)).toEqual([]);
    expect((await operationRows(usher)).length).toBe(opsBefore);
    const stored = await usher.db.handle.db
      .selectFrom('member_placements')
      .selectAll()
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ server_id: null, error: expect.stringMatching(/No server can take this member/) });
    expect((await admin.get(`/api/admin/members/${memberId}/placement`)).json().placement).toMatchObject({
      serverId: null,
      serverName: null,
      error: expect.stringMatching(/No server/),
    });
    const alerts = await usher.db.handle.db
      .selectFrom('alerts')
      .selectAll()
      .where('dedupe_key', '=', `placement_failed:${memberId}`)
      .execute();
    expect(alerts).toHaveLength(1);
    expect(jellyfin.state.findUser('stranded')).toBeUndefined();
  });
});

describeEachDb('Invite on Plex: a share with exactly the plan’s section ids and allowSync per plan', (dialect) => {
  const track = trackDisposables();
  let fakes: PlexFakes;
  let usher: TestUsher;
  let admin: TestClient;
  let serverId: string;
  let machineId: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 2, pendingInvitesPerServer: 0, serverNames: ['Alpha'] });
    const url = fakes.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    ({ serverId, machineId } = await addPlexServer(admin, fakes.owner.token));
    await usher.container.sync.settled(serverId);
    expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
  });
  afterAll(() => fakes.close());

  it('the invite shares the plan’s sections with allowSync on; the pending invite is linked and counted', async () => {
    const libs = await usher.db.handle.db
      .selectFrom('libraries')
      .select(['title', 'remote_id'])
      .where('server_id', '=', serverId)
      .orderBy('title')
      .execute();
    expect(libs.length).toBeGreaterThan(1);
    const chosen = libs.slice(0, 2);
    const group = await groupOf(
      usher,
      admin,
      serverId,
      'Chosen',
      chosen.map((l) => l.title),
    );
    const planId = (await admin.post('/api/admin/plans', plan('Plex plan', [group], { allowDownloads: true }))).json().id as string;

    const res = await admin.post('/api/admin/members/invite', { email: 'friend@example.com', planId, serverId, sendNotification: true });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ serverId, placementRule: 'manual' });
    await usher.container.access.settled();
    expect(await usher.container.operations.applyDue()).toMatchObject({ applied: 1, failed: 0 });

    const share = fakes.plexTv.state.sharesOfServer(machineId).find((s) => s.invitedEmail.toLowerCase() === 'friend@example.com')!;
    expect(share).toBeDefined();
    expect(share.sectionIds.map(String).sort()).toEqual(chosen.map((l) => l.remote_id).sort());
    expect(share.allLibraries).toBe(false);
    expect(share.settings.allowSync).toBe(true);

    const account = await usher.db.handle.db
      .selectFrom('member_accounts')
      .selectAll()
      .where('member_id', '=', res.json().memberId)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ server_id: serverId, state: 'pending' });
    const seats = await usher.container.placement.seats();
    expect(seats.find((s) => s.id === serverId)).toMatchObject({ pendingInvites: 1 });
    const mail = await usher.db.handle.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('recipient', '=', 'friend@example.com')
      .executeTakeFirstOrThrow();
    expect(mail.body_text).toContain('app.plex.tv');
    expect(mail.body_text).not.toContain('Password');
  });
});
