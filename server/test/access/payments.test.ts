import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

const NOW = '2026-03-01T12:00:00.000Z';

async function addMember(usher: TestUsher, id: string, permanent = false) {
  await usher.db.handle.db
    .insertInto('members')
    .values({ id, email: `${id}@example.com`, username: id, display_name: null, login_id: null, permanent, source: 'invite', import_expires_at: null, deleted_at: null, created_at: NOW, updated_at: NOW })
    .execute();
}

describeEachDb('payments decide the member status', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let planId: string;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    planId = (await admin.post('/api/admin/plans', { name: 'Monthly', costMinor: 1299, duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'] })).json().id;
    await admin.post('/api/admin/plans', { name: 'Weekly', costMinor: 300, duration: { unit: 'days', count: 7 }, libraryGroupIds: ['group-standard'] });
  });

  it('a member without payments is expired; a permanent one is permanent', async () => {
    await addMember(usher, 'm-none');
    await addMember(usher, 'm-perm', true);
    expect((await admin.get('/api/admin/members/m-none')).json().status).toMatchObject({ state: 'expired', reason: 'no_payments' });
    expect((await admin.get('/api/admin/members/m-perm')).json().status).toMatchObject({ state: 'permanent', reason: 'permanent' });
  });

  it('a payment without dates covers the next plan period from now, at the plan cost in the site currency', async () => {
    await addMember(usher, 'm-pay');
    const res = await admin.post('/api/admin/members/m-pay/payments', { planId, transactionId: 'TX-1', payerEmail: 'Payer@Example.com', notes: 'cash' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ planId, planName: 'Monthly', amountMinor: 1299, currency: 'USD', from: NOW, to: '2026-04-01T12:00:00.000Z', gateway: 'manual', transactionId: 'TX-1', sequenceNumber: 0, payerEmail: 'payer@example.com' });
    const detail = (await admin.get('/api/admin/members/m-pay')).json();
    expect(detail.status).toMatchObject({ state: 'active', reason: 'payment', until: '2026-04-01T12:00:00.000Z', planName: 'Monthly' });
    const listed = (await admin.get('/api/admin/members?q=m-pay')).json().items[0];
    expect(listed.status.state).toBe('active');
  });

  it('the next payment starts where the covering one ends (pay-as-you-go renewal)', async () => {
    const second = (await admin.post('/api/admin/members/m-pay/payments', { planId })).json();
    expect(second).toMatchObject({ from: '2026-04-01T12:00:00.000Z', to: '2026-05-01T12:00:00.000Z' });
    expect((await admin.get('/api/admin/members/m-pay')).json().status.until).toBe('2026-05-01T12:00:00.000Z');
    const items = (await admin.get('/api/admin/members/m-pay/payments')).json().items;
    expect(items.map((p: { from: string }) => p.from)).toEqual(['2026-04-01T12:00:00.000Z', NOW]);
  });

  it('refuses a duplicate transaction, a bad period, an unknown plan or member, naming the rule', async () => {
    const dup = await admin.post('/api/admin/members/m-pay/payments', { planId, transactionId: 'TX-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('duplicate_transaction');
    expect((await admin.post('/api/admin/members/m-pay/payments', { planId, transactionId: 'TX-1', sequenceNumber: 1 })).statusCode).toBe(201);
    const backwards = await admin.post('/api/admin/members/m-pay/payments', { planId, from: '2026-05-01T00:00:00Z', to: '2026-04-01T00:00:00Z' });
    expect(backwards.json().error.code).toBe('period_invalid');
    expect((await admin.post('/api/admin/members/m-pay/payments', { planId: 'nope' })).json().error.code).toBe('unknown_plan');
    expect((await admin.post('/api/admin/members/nobody/payments', { planId })).statusCode).toBe(404);
    const bad = await admin.post('/api/admin/members/m-pay/payments', { planId, amountMinor: 1.5 });
    expect(bad.json().error.code).toBe('validation_failed');
    expect(JSON.stringify(bad.json().error.details)).toContain('minor units');
  });

  it('edits and deletes payments, audited; expiry follows the clock', async () => {
    await addMember(usher, 'm-edit');
    const p = (await admin.post('/api/admin/members/m-edit/payments', { planId, from: '2026-02-01T00:00:00Z', to: '2026-03-02T00:00:00Z' })).json();
    expect((await admin.get('/api/admin/members/m-edit')).json().status.state).toBe('active');
    usher.clock.set(new Date('2026-03-02T00:00:00.000Z'));
    // Half-open: at `to` the member is expired.
    expect((await admin.get('/api/admin/members/m-edit')).json().status).toMatchObject({ state: 'expired', reason: 'expired', expiredAt: '2026-03-02T00:00:00.000Z' });
    const edited = await admin.patch(`/api/admin/payments/${p.id}`, { to: '2026-03-10T00:00:00.000Z', notes: 'extended' });
    expect(edited.json()).toMatchObject({ to: '2026-03-10T00:00:00.000Z', notes: 'extended', amountMinor: 1299 });
    expect((await admin.get('/api/admin/members/m-edit')).json().status.state).toBe('active');
    expect((await admin.patch(`/api/admin/payments/${p.id}`, { from: '2026-03-11T00:00:00.000Z' })).json().error.code).toBe('period_invalid');
    expect((await admin.delete(`/api/admin/payments/${p.id}`)).statusCode).toBe(200);
    expect((await admin.get('/api/admin/members/m-edit')).json().status.reason).toBe('no_payments');
    expect((await admin.delete(`/api/admin/payments/${p.id}`)).statusCode).toBe(404);
    const actions = (await usher.db.handle.db.selectFrom('audit_log').select('action').where('target_id', '=', 'm-edit').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['payment.add', 'payment.update', 'payment.delete']));
    usher.clock.set(new Date(NOW));
  });
});
