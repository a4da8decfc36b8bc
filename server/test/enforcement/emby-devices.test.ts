import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startEmbyFake, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { DAY_MS } from '../../src/domain/calendar.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

describeEachDb('Emby device cap: cap 2, three devices → the oldest deleted, only the two left allowed; below the cap → all allowed', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let emby: MediaBrowserFake;
  let serverId: string;
  let memberId: string;
  let planId: string;

  const user = () => emby.state.findUser('em-0001')!;
  const addDevice = (name: string, daysAgo: number) => {
    const device = emby.state.touchDevice(user(), name, 'Emby Theater', '203.0.113.20');
    device.dateLastActivity = new Date(Date.now() - daysAgo * DAY_MS).toISOString();
    return device.id;
  };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await usher.container.operations.stop();
    emby = await startEmbyFake({ serverName: 'Attic' });
    emby.seed(demoSeed({ users: 2, items: false, userPrefix: 'em-' }));
    serverId = (await admin.post('/api/admin/servers', { kind: 'emby', url: emby.url, apiKey: emby.apiKey, enabled: true })).json().id as string;
    await usher.container.sync.settled(serverId);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
    const expiresAt = new Date(usher.clock.now().getTime() + 365 * DAY_MS).toISOString();
    await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'expiring', expiresAt });
    memberId = (
      await usher.db.handle.db
        .selectFrom('member_accounts')
        .select('member_id')
        .where('server_id', '=', serverId)
        .where('remote_id', '=', user().id)
        .executeTakeFirstOrThrow()
    ).member_id!;
    const movies = await usher.db.handle.db.selectFrom('libraries').select('id').where('server_id', '=', serverId).where('title', '=', 'Movies').executeTakeFirstOrThrow();
    expect((await admin.put(`/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
    const plan = await admin.post('/api/admin/plans', {
      name: 'Two screens',
      costMinor: 1000,
      duration: { unit: 'days', count: 30 },
      libraryGroupIds: ['group-standard'],
      maxEmbyDevices: 2,
    });
    expect(plan.statusCode).toBe(201);
    planId = plan.json().id as string;
    await usher.db.handle.db.deleteFrom('payments').where('member_id', '=', memberId).execute();
    const now = usher.clock.now().getTime();
    const paid = await admin.post(`/api/admin/members/${memberId}/payments`, {
      planId: plan.json().id,
      from: new Date(now).toISOString(),
      to: new Date(now + 30 * DAY_MS).toISOString(),
    });
    expect(paid.statusCode).toBe(201);
  });
  afterAll(() => emby.close());

  it('over the cap: the oldest device is deleted on the server, the other two stay allowed, new devices are refused', async () => {
    const tv = addDevice('Living-room TV', 20);
    const phone = addDevice('Phone', 5);
    const laptop = addDevice('Laptop', 1);
    // The other member has no capped plan: their device and policy are left alone.
    const other = emby.state.touchDevice(emby.state.findUser('em-0002')!, 'Other TV', 'Emby Theater', '203.0.113.30');
    await usher.container.embyDevices.enforceAll();
    expect(emby.state.devices.has(tv)).toBe(false);
    expect(emby.state.devices.has(phone)).toBe(true);
    expect(emby.state.devices.has(laptop)).toBe(true);
    expect(emby.state.devices.has(other.id)).toBe(true);
    expect(user().policy.EnableAllDevices).toBe(false);
    expect([...(user().policy.EnabledDevices as string[])].sort()).toEqual([phone, laptop].sort());
    expect(emby.state.findUser('em-0002')!.policy.EnableAllDevices).toBe(true);

    // The admin's Devices card lists the two left, most recent first.
    const listed = (await admin.get(`/api/admin/members/${memberId}/devices`)).json();
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ serverId, serverName: 'Attic', cap: 2, error: null });
    expect(listed.items[0].devices.map((d: { name: string }) => d.name)).toEqual(['Laptop', 'Phone']);

    // A second run with nothing to change writes nothing.
    const posts = emby.state.policyPosts.length;
    await usher.container.embyDevices.enforceAll();
    expect(emby.state.policyPosts.length).toBe(posts);
  });

  it('the admin deletes a device: back below the cap, "Allow all devices" is switched on again', async () => {
    const listed = (await admin.get(`/api/admin/members/${memberId}/devices`)).json();
    const phone = listed.items[0].devices.find((d: { name: string }) => d.name === 'Phone').id as string;
    // Someone else's device cannot be deleted through this member.
    const foreign = [...emby.state.devices.values()].find((d) => d.name === 'Other TV')!.id;
    expect((await admin.delete(`/api/admin/members/${memberId}/devices/${serverId}/${foreign}`)).statusCode).toBe(404);
    expect(emby.state.devices.has(foreign)).toBe(true);

    expect((await admin.delete(`/api/admin/members/${memberId}/devices/${serverId}/${phone}`)).statusCode).toBe(200);
    expect(emby.state.devices.has(phone)).toBe(false);
    await usher.container.embyDevices.enforceAll();
    expect(user().policy.EnableAllDevices).toBe(true);
  });

  it('the cap is lifted: an account Usher restricted is opened again, one the admin restricted by hand is left alone', async () => {
    addDevice('Tablet', 3);
    addDevice('Console', 2);
    await usher.container.embyDevices.enforceAll();
    expect(user().policy.EnableAllDevices).toBe(false);
    // The other member (no cap) was restricted on the server by the admin, not by Usher.
    emby.state.findUser('em-0002')!.policy.EnableAllDevices = false;

    expect((await admin.patch(`/api/admin/plans/${planId}`, { maxEmbyDevices: null })).statusCode).toBe(200);
    await usher.container.embyDevices.enforceAll();
    expect(user().policy.EnableAllDevices).toBe(true);
    expect(emby.state.findUser('em-0002')!.policy.EnableAllDevices).toBe(false);

    // Opened once: the next run writes nothing.
    const posts = emby.state.policyPosts.length;
    await usher.container.embyDevices.enforceAll();
    expect(emby.state.policyPosts.length).toBe(posts);
  });
});
