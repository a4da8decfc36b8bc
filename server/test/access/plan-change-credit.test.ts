import { beforeAll, expect, it } from 'vitest';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';

const NOW = '2026-03-01T00:00:00.000Z';
const DAY_MS = 86_400_000;
const day = (n: number) => new Date(Date.parse(NOW) + n * DAY_MS).toISOString();

async function addMember(usher: TestUsher, id: string) {
  await usher.db.handle.db
    .insertInto('members')
    .values({
      id,
      email: `${id}@example.com`,
      username: id,
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
}

/** Bulk "change plan" (reference §6.13): the unused value becomes time on the new plan; nobody is charged. */
describeEachDb('Bulk plan change with credit', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let cheap: string;
  let dear: string;
  let free: string;

  const payments = async (id: string) => (await admin.get(`/api/admin/members/${id}/payments`)).json().items as Record<string, unknown>[];
  const bulk = async (ids: string[], planId: string) => {
    const res = await admin.post('/api/admin/members/bulk', { ids, action: 'change_plan', planId });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().results as { id: string; ok: boolean; error: { code: string } | null }[];
  };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    usher.clock.set(new Date(NOW));
    admin = await setupAdmin(usher);
    const plan = async (name: string, costMinor: number) =>
      (
        await admin.post('/api/admin/plans', {
          name,
          costMinor,
          duration: { unit: 'days', count: 30 },
          libraryGroupIds: ['group-standard'],
        })
      ).json().id as string;
    cheap = await plan('Cheap', 1500);
    dear = await plan('Dear', 3000);
    free = await plan('Free', 0);
  });

  it('moving to a dearer plan: 20 unused days of a 1500/30-day payment (1000) buy 10 days on a 3000/30-day plan', async () => {
    await addMember(usher, 'a');
    expect((await admin.post('/api/admin/members/a/payments', { planId: cheap, from: day(-10), to: day(20) })).statusCode).toBe(201);
    expect(await bulk(['a'], dear)).toEqual([{ id: 'a', ok: true, error: null }]);
    const [credit, ended] = await payments('a');
    expect(credit).toMatchObject({
      planName: 'Dear',
      amountMinor: 1000,
      from: NOW,
      to: day(10),
      gateway: 'manual',
      notes: expect.stringContaining('credit of 1000'),
    });
    expect(ended).toMatchObject({
      planName: 'Cheap',
      amountMinor: 500,
      to: NOW,
      notes: expect.stringContaining('Ended early by a plan change'),
    });
    expect((await admin.get('/api/admin/members/a')).json().status).toMatchObject({ state: 'active', planName: 'Dear', until: day(10) });
  });

  it('and back: the credit is valued at its own rate, so the time doubles again (value conserved)', async () => {
    usher.clock.set(new Date(day(4)));
    expect(await bulk(['a'], cheap)).toEqual([{ id: 'a', ok: true, error: null }]);
    // 6 of 10 days of 1000 unused = 600 = 12 days at 50 a day.
    expect((await payments('a'))[0]).toMatchObject({ planName: 'Cheap', amountMinor: 600, from: day(4), to: day(16) });
    usher.clock.set(new Date(NOW));
  });

  it('an imported member’s free default-plan time and an admin extension are carried over as time', async () => {
    await addMember(usher, 'b');
    // What an import records: a zero-amount payment on the default plan, then an admin extension.
    expect((await admin.post('/api/admin/members/b/payments', { planId: cheap, amountMinor: 0, from: NOW, to: day(45) })).statusCode).toBe(
      201,
    );
    expect((await admin.post('/api/admin/members/bulk', { ids: ['b'], action: 'extend', days: 5 })).statusCode).toBe(200);
    expect(await bulk(['b'], dear)).toEqual([{ id: 'b', ok: true, error: null }]);
    const all = await payments('b');
    expect(all.filter((p) => p.planName === 'Dear')).toHaveLength(1);
    expect(all.find((p) => p.planName === 'Dear')).toMatchObject({
      planName: 'Dear',
      amountMinor: 0,
      from: NOW,
      to: day(50),
      notes: expect.stringContaining('unpaid time carried over'),
    });
    expect((await admin.get('/api/admin/members/b')).json().status).toMatchObject({ state: 'active', planName: 'Dear', until: day(50) });
  });

  it('a free new plan keeps the paid time as time and notes the credit it could not apply', async () => {
    await addMember(usher, 'c');
    await admin.post('/api/admin/members/c/payments', { planId: dear, from: day(-20), to: day(10) });
    expect(await bulk(['c'], free)).toEqual([{ id: 'c', ok: true, error: null }]);
    expect((await payments('c'))[0]).toMatchObject({
      planName: 'Free',
      amountMinor: 0,
      from: NOW,
      to: day(10),
      notes: expect.stringContaining('credit of 1000 USD minor units not applied'),
    });
  });

  it('refuses members with nothing running and changes nothing for them', async () => {
    await addMember(usher, 'd');
    await admin.post('/api/admin/members/d/payments', { planId: cheap, from: day(-40), to: day(-10) });
    const before = await payments('d');
    expect(await bulk(['d'], dear)).toEqual([{ id: 'd', ok: false, error: expect.objectContaining({ code: 'no_current_period' }) }]);
    expect(await payments('d')).toEqual(before);
  });
});
