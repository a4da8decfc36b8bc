import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { seatsUsed } from '../../src/domain/placement.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

describeEachDb('two invites at once for the last seat of a server', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  const fakes: MediaBrowserFake[] = [];
  let planId: string;
  const serverIds: string[] = [];

  async function addServer(name: string) {
    const fake = await startJellyfinFake({ serverName: name });
    fakes.push(fake);
    fake.seed(demoSeed({ users: 1, items: false, userPrefix: `${name}-` }));
    const id = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: fake.url, apiKey: fake.apiKey, enabled: true })).json()
      .id as string;
    await usher.container.sync.settled(id);
    const movies = await usher.db.handle.db
      .selectFrom('libraries')
      .select('id')
      .where('server_id', '=', id)
      .where('title', '=', 'Movies')
      .executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    serverIds.push(id);
    return id;
  }

  /** Leaves exactly `free` seats on the server (0 disables the second server as a fallback). */
  async function leaveSeats(serverId: string, free: number) {
    const seat = (await usher.container.invites.seats()).find((s) => s.id === serverId)!;
    await usher.db.handle.db
      .updateTable('servers')
      .set({ max_users: seatsUsed(seat) + free })
      .where('id', '=', serverId)
      .execute();
  }

  const counts = async () => {
    const db = usher.db.handle.db;
    const n = async (table: 'members' | 'payments' | 'member_placements') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { members: await n('members'), payments: await n('payments'), placements: await n('member_placements') };
  };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await addServer('den');
    await addServer('loft');
    planId = (
      await admin.post('/api/admin/plans', {
        name: 'Monthly',
        costMinor: 1000,
        duration: { unit: 'days', count: 30 },
        libraryGroupIds: ['group-standard'],
      })
    ).json().id as string;
  });
  afterAll(() => Promise.all(fakes.map((f) => f.close())));

  it('the admin chose the server: exactly one invite takes the seat, the other gets no_capacity and changes nothing', async () => {
    const [den] = serverIds;
    await leaveSeats(den!, 1);
    const before = await counts();
    const [a, b] = await Promise.all([
      admin.post('/api/admin/members/invite', { email: 'first@example.com', planId, serverId: den }),
      admin.post('/api/admin/members/invite', { email: 'second@example.com', planId, serverId: den }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect((a.statusCode === 409 ? a : b).json().error.code).toBe('no_capacity');
    expect(await counts()).toEqual({ members: before.members + 1, payments: before.payments + 1, placements: before.placements + 1 });
    const seat = (await usher.container.invites.seats()).find((s) => s.id === den)!;
    expect(seatsUsed(seat)).toBe(seat.maxUsers);
    expect(await usher.db.handle.db.selectFrom('invite_claims').selectAll().execute()).toEqual([]);
  });

  it('automatic placement: the loser is placed on the other server when it has room', async () => {
    const [den, loft] = serverIds;
    await leaveSeats(den!, 1);
    await leaveSeats(loft!, 1);
    const results = await Promise.all([
      usher.container.invites.invite({ email: 'auto-a@example.com', planId }, { type: 'system', id: null, label: 'test', ip: null }),
      usher.container.invites.invite({ email: 'auto-b@example.com', planId }, { type: 'system', id: null, label: 'test', ip: null }),
    ]);
    expect(results.map((r) => r.serverId).sort()).toEqual([den, loft].sort());
    const seats = await usher.container.invites.seats();
    for (const id of [den, loft]) {
      const seat = seats.find((s) => s.id === id)!;
      expect(seatsUsed(seat)).toBe(seat.maxUsers);
    }
  });

  it('automatic placement with every server full after the race: no_capacity, nothing written', async () => {
    const [den, loft] = serverIds;
    await leaveSeats(den!, 1);
    await leaveSeats(loft!, 0);
    const before = await counts();
    const results = await Promise.allSettled([
      usher.container.invites.invite({ email: 'last-a@example.com', planId }, { type: 'system', id: null, label: 'test', ip: null }),
      usher.container.invites.invite({ email: 'last-b@example.com', planId }, { type: 'system', id: null, label: 'test', ip: null }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'no_capacity' } });
    expect(await counts()).toEqual({ members: before.members + 1, payments: before.payments + 1, placements: before.placements + 1 });
  });
});
