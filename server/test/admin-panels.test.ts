import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from './support/db.js';
import { ADMIN_EMAIL, createTestUsher, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { systemActor } from '../src/modules/audit/audit.service.js';

describeEachDb('site logins panel', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let adminId: string;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    adminId = (await admin.get('/api/auth/session')).json().login.id;
  });

  it('adds logins, pages, sorts and searches them', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await admin.post('/api/admin/logins', { email: `user${String(i).padStart(2, '0')}@example.com`, password: 'Member-Pass-1!', roleId: 'role-user' });
      expect(res.statusCode).toBe(201);
    }
    const page = (await admin.get('/api/admin/logins?page=2&pageSize=5&sort=email&order=asc')).json();
    expect(page.total).toBe(13);
    expect(page.items.map((i: { email: string }) => i.email)).toEqual(['user04@example.com', 'user05@example.com', 'user06@example.com', 'user07@example.com', 'user08@example.com']);
    const found = (await admin.get('/api/admin/logins?q=USER1')).json();
    expect(found.items.map((i: { email: string }) => i.email)).toEqual(['user10@example.com', 'user11@example.com']);
    const duplicate = await admin.post('/api/admin/logins', { email: 'USER01@example.com', password: 'Member-Pass-1!', roleId: 'role-user' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('email_taken');
  });

  it('never deletes, disables or demotes the last administrator', async () => {
    for (const res of [
      await admin.delete(`/api/admin/logins/${adminId}`),
      await admin.put(`/api/admin/logins/${adminId}/disabled`, { disabled: true }),
    ]) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('last_admin');
    }
    // Demoting oneself is refused before the last-administrator rule is even reached.
    const demote = await admin.put(`/api/admin/logins/${adminId}/role`, { roleId: 'role-user' });
    expect(demote.statusCode).toBe(403);
    expect(demote.json().error.code).toBe('own_role');
    const second = (await admin.post('/api/admin/logins', { email: 'second-admin@example.com', password: 'Second-Admin-2!', roleId: 'role-administrator' })).json().id;
    expect((await admin.delete(`/api/admin/logins/${second}`)).statusCode).toBe(200);
  });

  it('sets a password (and logs the login out), disables, and deletes', async () => {
    const id = (await admin.post('/api/admin/logins', { email: 'staff@example.com', password: 'Staff-Pass-12!', roleId: 'role-user' })).json().id;
    const staff = new TestClient(usher.app, '10.40.0.1');
    expect((await staff.post('/api/auth/login', { email: 'staff@example.com', password: 'Staff-Pass-12!' })).statusCode).toBe(200);
    expect((await admin.put(`/api/admin/logins/${id}/password`, { password: 'weak' })).statusCode).toBe(400);
    expect((await admin.put(`/api/admin/logins/${id}/password`, { password: 'Staff-Pass-34!' })).statusCode).toBe(200);
    expect((await staff.get('/api/auth/session')).json().authenticated).toBe(false);
    expect((await admin.put(`/api/admin/logins/${id}/disabled`, { disabled: true })).statusCode).toBe(200);
    const refused = await new TestClient(usher.app, '10.40.0.2').post('/api/auth/login', { email: 'staff@example.com', password: 'Staff-Pass-34!' });
    expect(refused.json().error.code).toBe('login_disabled');
    expect((await admin.put(`/api/admin/logins/${id}/two-factor`, { enabled: true })).statusCode).toBe(200);
    const listed = (await admin.get('/api/admin/logins?q=staff')).json().items[0];
    expect(listed).toMatchObject({ disabled: true, twoFactor: { totp: false, email: true } });
    expect((await admin.delete(`/api/admin/logins/${id}`)).statusCode).toBe(200);
    expect((await admin.delete(`/api/admin/logins/${id}`)).statusCode).toBe(404);
  });
});

describeEachDb('roles', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('keeps the built-in roles immutable', async () => {
    expect((await admin.patch('/api/admin/roles/role-administrator', { name: 'Boss' })).json().error.code).toBe('role_builtin');
    expect((await admin.delete('/api/admin/roles/role-user')).json().error.code).toBe('role_builtin');
  });

  it('refuses unknown permissions and deleting a role in use', async () => {
    const bad = await admin.post('/api/admin/roles', { name: 'Odd', permissions: ['logins.read', 'launch.rockets'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.unknown).toEqual(['launch.rockets']);
    const role = (await admin.post('/api/admin/roles', { name: 'Billing', permissions: ['payments.read'] })).json();
    await admin.post('/api/admin/logins', { email: 'billing@example.com', password: 'Billing-Pass-1!', roleId: role.id });
    const inUse = await admin.delete(`/api/admin/roles/${role.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('role_in_use');
    const updated = await admin.patch(`/api/admin/roles/${role.id}`, { permissions: ['payments.read', 'payments.write'] });
    expect(updated.json().permissions).toEqual(['payments.read', 'payments.write']);
  });
});

describeEachDb('audit log and alerts', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('records security events and admin changes with actor, target and IP', async () => {
    await new TestClient(usher.app, '10.50.0.9').post('/api/auth/login', { email: ADMIN_EMAIL, password: 'Wrong-Pass-1!' });
    await admin.put('/api/admin/settings/general', { values: { siteName: 'Night Owl TV' } });
    const role = (await admin.post('/api/admin/roles', { name: 'Helpdesk', permissions: ['logins.read'] })).json();
    const login = (await admin.post('/api/admin/logins', { email: 'help@example.com', password: 'Helpdesk-Pass-1!', roleId: 'role-user' })).json();
    await admin.put(`/api/admin/logins/${login.id}/role`, { roleId: role.id });

    const entries = (await admin.get('/api/admin/audit?pageSize=100')).json().items as { action: string; actorLabel: string | null; ip: string | null; targetId: string | null; details: unknown }[];
    const actions = entries.map((e) => e.action);
    for (const action of ['setup.completed', 'auth.login_failed', 'settings.update', 'role.create', 'login.create', 'login.set_role']) {
      expect(actions).toContain(action);
    }
    const failed = entries.find((e) => e.action === 'auth.login_failed')!;
    expect(failed.ip).toBe('10.50.0.9');
    const roleChange = entries.find((e) => e.action === 'login.set_role')!;
    expect(roleChange).toMatchObject({ actorLabel: ADMIN_EMAIL, targetId: login.id, details: { from: 'role-user', to: role.id } });
    expect(entries.find((e) => e.action === 'settings.update')!.details).toEqual({ fields: ['siteName'] });

    const filtered = (await admin.get('/api/admin/audit?action=login.')).json();
    expect(filtered.items.every((e: { action: string }) => e.action.startsWith('login.'))).toBe(true);
    const searched = (await admin.get('/api/admin/audit?q=helpdesk')).json();
    expect(searched.total).toBeGreaterThan(0);
  });

  it('raises alerts once per dedupe key, counts unread, emails the admin contact and marks read', async () => {
    await usher.container.settings.update('general', { values: { adminEmail: 'alerts@example.com' } }, systemActor);
    const first = await usher.container.alerts.raise({ kind: 'token_invalid', severity: 'error', title: 'Plex token rejected', message: 'Replace the token.', dedupeKey: 'plex-token-1' });
    const again = await usher.container.alerts.raise({ kind: 'token_invalid', severity: 'error', title: 'Plex token rejected', message: 'Replace the token.', dedupeKey: 'plex-token-1' });
    expect(first).not.toBeNull();
    expect(again).toBeNull();
    expect((await admin.get('/api/admin/alerts/unread-count')).json().unread).toBe(1);
    const mail = await usher.smtp.waitFor((m) => m.to.includes('alerts@example.com'));
    expect(mail.subject).toContain('Plex token rejected');
    expect(mail.text).toContain('https://usher.example.com/admin/alerts');
    expect((await admin.post('/api/admin/alerts/read', { all: true })).json().marked).toBe(1);
    expect((await admin.get('/api/admin/alerts')).json()).toMatchObject({ unread: 0, total: 1 });
    expect(await usher.container.alerts.raise({ kind: 'token_invalid', severity: 'error', title: 'Plex token rejected', message: 'Again.', dedupeKey: 'plex-token-1' })).not.toBeNull();
  });
});

describeEachDb('settings storage', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('stores only what differs from the defaults; secrets are set, kept and cleared explicitly', async () => {
    await admin.put('/api/admin/settings/registration', { values: { requireDiscord: true } });
    const row = await usher.db.handle.db.selectFrom('settings').select('value').where('section', '=', 'registration').executeTakeFirstOrThrow();
    expect(JSON.parse(row.value)).toEqual({ requireDiscord: true });
    await admin.put('/api/admin/settings/registration', { values: { requireDiscord: false } });
    const back = await usher.db.handle.db.selectFrom('settings').select('value').where('section', '=', 'registration').executeTakeFirstOrThrow();
    expect(JSON.parse(back.value)).toEqual({});

    expect((await admin.put('/api/admin/settings/email', { secrets: { password: 'smtp-pass' } })).json().secrets.password).toEqual({ set: true });
    expect((await admin.put('/api/admin/settings/email', { values: { username: 'mailer' } })).json().secrets.password).toEqual({ set: true });
    expect((await usher.container.settings.get('email')).password).toBe('smtp-pass');
    expect((await admin.put('/api/admin/settings/email', { secrets: { password: null } })).json().secrets.password).toEqual({ set: false });
    const sentAsValue = await admin.put('/api/admin/settings/email', { values: { password: 'oops' } });
    expect(sentAsValue.statusCode).toBe(400);
  });

  it('lists every section with its live flag', async () => {
    const items = (await admin.get('/api/admin/settings')).json().items as { section: string; live: boolean; testable: boolean }[];
    expect(items.map((i) => i.section)).toEqual(expect.arrayContaining(['general', 'email', 'registration', 'discord', 'paymentGateways', 'mediaServer', 'referrals', 'content', 'misc']));
    expect(items.filter((i) => i.live).map((i) => i.section)).toEqual([
      'general',
      'email',
      'registration',
      'security',
      'paymentGateways',
      'stripe',
      'paypal',
      'paypalSecondary',
      'plisio',
      'subscriptions',
      'mediaServer',
      'enforcement',
      'content',
    ]);
    for (const testable of ['email', 'stripe', 'paypal', 'paypalSecondary', 'plisio']) {
      expect(items.find((i) => i.section === testable)!.testable).toBe(true);
    }
  });
});
