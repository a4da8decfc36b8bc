import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountDelayMs, THROTTLE, throttleDecision } from '../src/domain/login-throttle.js';
import { installAuth, isUnder } from '../src/http/auth-plugin.js';
import { isSecretKey, redactDeep } from '../src/http/logger.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { totpCode } from '../src/modules/auth/totp.js';
import { REMOVED_BODY } from '../src/modules/notifications/outbox.repository.js';
import { DAY_MS } from '../src/platform/clock.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from './support/app.js';

function linkToken(text: string): string {
  const match = /token=([\w-]+)/.exec(text);
  if (!match) throw new Error(`no token link in: ${text}`);
  return match[1]!;
}

function cookieOf(res: { cookies: unknown }, name: string) {
  return (res.cookies as { name: string; value: string; secure?: boolean }[]).find((c) => c.name === name);
}

describe('log redaction', () => {
  it('names secrets by key, alone or compounded, in any case', () => {
    for (const key of ['token', 'password', 'apiKey', 'api_key', 'key', 'code', 'authorization', 'secret', 'resetToken', 'plexToken', 'X-Api-Key', 'recoveryCodes', 'newPassword', 'cookie']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['statusCode', 'email', 'reqId', 'url', 'method', 'outboxId', 'attempts']) expect(isSecretKey(key), key).toBe(false);
  });

  it('censors secret keys at any depth and leaves other lines untouched', () => {
    const line = { a: { b: { c: { d: { e: [{ resetToken: 'deep-secret', ok: 1 }] } } } }, api_key: 'k', statusCode: 200, hasPassword: true };
    const out = redactDeep(line) as typeof line;
    expect(JSON.stringify(out)).not.toContain('deep-secret');
    expect(out.api_key).toBe('[redacted]');
    expect(out.statusCode).toBe(200);
    expect(out.hasPassword).toBe(true);
    expect(out.a.b.c.d.e[0]!.ok).toBe(1);
    const plain = { msg: 'x', n: 1, nested: { url: '/a' } };
    expect(redactDeep(plain)).toBe(plain);
  });
});

describe('throttle rules', () => {
  it('delays an account progressively up to a cap, and limits an address hard', () => {
    expect(accountDelayMs(THROTTLE.freeFailures - 1)).toBe(0);
    expect(accountDelayMs(THROTTLE.freeFailures)).toBe(THROTTLE.baseDelayMs);
    expect(accountDelayMs(THROTTLE.freeFailures + 1)).toBe(2 * THROTTLE.baseDelayMs);
    expect(accountDelayMs(1000)).toBe(THROTTLE.maxDelayMs);
    const now = new Date('2026-03-01T12:00:00Z');
    const last = new Date(now.getTime() - 1000).toISOString();
    const base = { accountFailures: 50, lastAccountFailureAt: last, ipFailures: 0 };
    expect(throttleDecision({ ...base, knownIp: false }, now)).toMatchObject({ allowed: false, reason: 'account' });
    expect(throttleDecision({ ...base, knownIp: true }, now)).toEqual({ allowed: true });
    expect(throttleDecision({ ...base, knownIp: true, ipFailures: THROTTLE.ipMaxFailures }, now)).toMatchObject({ allowed: false, reason: 'ip' });
  });
});

describe('auth gate prefixes', () => {
  it('matches /api/admin and /api/portal exactly as well as their children', () => {
    expect(isUnder('/api/admin', '/api/admin')).toBe(true);
    expect(isUnder('/api/admin/logins', '/api/admin')).toBe(true);
    expect(isUnder('/api/administrator', '/api/admin')).toBe(false);
    expect(isUnder('/api/portal', '/api/portal')).toBe(true);
  });
});

describeEachDb('auth hardening', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('a reset link visit, a reset and a login write no token or password to the log', async () => {
    const client = new TestClient(usher.app, '10.20.0.1');
    await client.post('/api/auth/password/forgot', { email: ADMIN_EMAIL });
    const mail = await usher.smtp.waitFor((m) => m.to.includes(ADMIN_EMAIL) && /Reset/.test(m.subject));
    const token = linkToken(mail.text);
    await client.get(`/reset-password?token=${token}`);
    await client.get(`/api/auth/session?token=${token}`);
    expect((await client.post('/api/auth/password/reset', { token, password: 'Logged-Nowhere-4!' })).statusCode).toBe(200);
    expect((await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: 'Logged-Nowhere-4!' })).statusCode).toBe(200);
    usher.container.log.info({ job: { plex: { accounts: [{ plexToken: 'plex-secret-1' }] } }, resetToken: token }, 'a line with nested secrets');
    const logs = usher.logs.join('');
    expect(logs).toContain('/reset-password');
    expect(logs).toContain('a line with nested secrets');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('Logged-Nowhere-4!');
    expect(logs).not.toContain('plex-secret-1');
    // Back to the password the other tests use.
    await usher.container.auth.setPassword((await usher.container.logins.search({ q: ADMIN_EMAIL, sort: 'email', order: 'asc', offset: 0, limit: 1 })).items[0]!.id, ADMIN_PASSWORD);
  });

  it('the outbox keeps no one-time link once sent, and forgets sent mail after the retention', async () => {
    await new TestClient(usher.app, '10.20.0.2').post('/api/auth/password/forgot', { email: ADMIN_EMAIL });
    await usher.container.notifications.deliverDue();
    const rows = await usher.db.handle.db.selectFrom('notification_outbox').selectAll().where('recipient', '=', ADMIN_EMAIL).execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(row.body_text).toBe(REMOVED_BODY);
      expect(row.body_text).not.toContain('token=');
      expect(row.subject).toBe('Reset your Usher password');
    }
    await usher.container.settings.update('email', { values: { outboxRetentionDays: 10 } }, systemActor);
    usher.clock.advance(9 * DAY_MS);
    const { jobs } = usher.container;
    let run = await jobs.runNow('email.prune');
    await jobs.waitForRun(run.runId);
    expect((await jobs.getRun(run.runId)).message).toBe('Deleted 0 old emails.');
    usher.clock.advance(2 * DAY_MS);
    run = await jobs.runNow('email.prune');
    await jobs.waitForRun(run.runId);
    expect((await jobs.getRun(run.runId)).message).toMatch(/^Deleted [1-9]\d* old emails?\.$/);
    const left = await usher.db.handle.db.selectFrom('notification_outbox').select('id').where('recipient', '=', ADMIN_EMAIL).execute();
    expect(left).toEqual([]);
    await usher.container.settings.update('email', { values: { outboxRetentionDays: 30 } }, systemActor);
    // Sessions expire with time too: log the shared admin client in again.
    admin = new TestClient(usher.app);
    expect((await admin.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).statusCode).toBe(200);
  });

  it('registering an email that has a login answers like a new sign-up and tells the owner', async () => {
    const before = await usher.db.handle.db.selectFrom('logins').select('id').execute();
    const taken = await new TestClient(usher.app, '10.20.0.3').post('/api/auth/register', { email: ADMIN_EMAIL.toUpperCase(), password: 'Takeover-Pass-8!' });
    const fresh = await new TestClient(usher.app, '10.20.0.4').post('/api/auth/register', { email: 'brand-new@example.com', password: 'Takeover-Pass-8!' });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.json()).toEqual(fresh.json());
    const told = await usher.smtp.waitFor((m) => m.to.includes(ADMIN_EMAIL) && /tried to sign up/.test(m.subject));
    expect(told.text).toContain('https://usher.example.com/forgot-password');
    const after = await usher.db.handle.db.selectFrom('logins').select('id').execute();
    expect(after.length).toBe(before.length + 1);
    expect((await new TestClient(usher.app, '10.20.0.5').post('/api/auth/login', { email: ADMIN_EMAIL, password: 'Takeover-Pass-8!' })).statusCode).toBe(401);
    const weak = await new TestClient(usher.app, '10.20.0.6').post('/api/auth/register', { email: ADMIN_EMAIL, password: 'weak' });
    expect(weak.json().error.code).toBe('weak_password');
  });

  it('cookies are Secure when the site URL is https, not when it is http', async () => {
    const secure = await new TestClient(usher.app, '10.20.0.7').post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(cookieOf(secure, 'usher_session')?.secure).toBe(true);
    expect(cookieOf(secure, 'usher_csrf')?.secure).toBe(true);
    await usher.container.settings.update('general', { values: { siteUrl: 'http://usher.example.com' } }, systemActor);
    const plain = await new TestClient(usher.app, '10.20.0.7').post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(cookieOf(plain, 'usher_session')?.secure).toBeFalsy();
    await usher.container.settings.update('general', { values: { siteUrl: 'https://usher.example.com' } }, systemActor);
  });

  it('a TOTP code works once; the second factor issues a new session id and CSRF token', async () => {
    const user = await loginAs(usher, admin, 'totp-user@example.com', 'role-user');
    const { secret } = (await user.post('/api/auth/2fa/totp/start')).json() as { secret: string };
    expect((await user.post('/api/auth/2fa/totp/enable', { code: totpCode(secret, usher.clock.now()), password: 'Another-Pass-7?' })).statusCode).toBe(200);
    usher.clock.advance(30_000);
    const code = totpCode(secret, usher.clock.now());

    const first = new TestClient(usher.app, '10.21.0.1');
    const pending = await first.post('/api/auth/login', { email: 'totp-user@example.com', password: 'Another-Pass-7?' });
    const pendingSession = cookieOf(pending, 'usher_session')!.value;
    const pendingCsrf = first.csrf;
    const verified = await first.post('/api/auth/2fa/verify', { method: 'totp', code });
    expect(verified.statusCode).toBe(200);
    expect(cookieOf(verified, 'usher_session')!.value).not.toBe(pendingSession);
    expect(first.csrf).not.toBe(pendingCsrf);
    expect(verified.json().csrfToken).toBe(first.csrf);
    expect((await first.get('/api/auth/session')).json().authenticated).toBe(true);
    const stale = await usher.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `usher_session=${pendingSession}` } });
    expect(stale.json().authenticated).toBe(false);

    const replay = new TestClient(usher.app, '10.21.0.2');
    await replay.post('/api/auth/login', { email: 'totp-user@example.com', password: 'Another-Pass-7?' });
    const refused = await replay.post('/api/auth/2fa/verify', { method: 'totp', code });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_code');
    usher.clock.advance(30_000);
    expect((await replay.post('/api/auth/2fa/verify', { method: 'totp', code: totpCode(secret, usher.clock.now()) })).statusCode).toBe(200);
  });

  it('checks of the own password are throttled per login, even with the right password', async () => {
    const user = await loginAs(usher, admin, 'guessed@example.com', 'role-user');
    for (let i = 0; i < THROTTLE.freeFailures; i++) {
      const res = await user.post('/api/auth/2fa/disable', { password: `Wrong-Guess-${i}!` });
      expect(res.json().error.code).toBe('wrong_password');
    }
    const blocked = await user.post('/api/auth/password/change', { currentPassword: 'Another-Pass-7?', newPassword: 'Stolen-Session-9!' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    usher.clock.advance(THROTTLE.baseDelayMs + 1000);
    expect((await user.post('/api/auth/password/change', { currentPassword: 'Another-Pass-7?', newPassword: 'Own-Choice-Pass-9!' })).statusCode).toBe(200);
  });

  it('login codes are emailed at most five times in ten minutes per login', async () => {
    const user = await loginAs(usher, admin, 'mailed-codes@example.com', 'role-user');
    expect((await user.post('/api/auth/2fa/email', { enabled: true, password: 'Another-Pass-7?' })).statusCode).toBe(200);
    const client = new TestClient(usher.app, '10.24.0.1');
    expect((await client.post('/api/auth/login', { email: 'mailed-codes@example.com', password: 'Another-Pass-7?' })).json().status).toBe('second_factor');
    for (let i = 0; i < 4; i++) expect((await client.post('/api/auth/2fa/email-code')).statusCode).toBe(200);
    const refused = await client.post('/api/auth/2fa/email-code');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toContain('Too many login codes');
    const codes = await usher.db.handle.db
      .selectFrom('auth_tokens')
      .innerJoin('logins', 'logins.id', 'auth_tokens.login_id')
      .select('auth_tokens.id')
      .where('logins.email', '=', 'mailed-codes@example.com')
      .where('purpose', '=', 'login_code')
      .execute();
    expect(codes).toHaveLength(5);
    // The password step still works; the last code sent stays valid.
    expect((await new TestClient(usher.app, '10.24.0.2').post('/api/auth/login', { email: 'mailed-codes@example.com', password: 'Another-Pass-7?' })).statusCode).toBe(200);
  });

  it('an address with too many failures is refused for every account; other addresses are not', async () => {
    const info = { ip: '10.22.0.1', userAgent: null };
    for (let i = 0; i < THROTTLE.ipMaxFailures; i++) {
      await expect(usher.container.auth.login({ email: `spray${i}@example.com`, password: 'Spray-Pass-1!' }, info)).rejects.toMatchObject({ status: 401 });
    }
    await expect(usher.container.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, info)).rejects.toMatchObject({ status: 429 });
    await expect(usher.container.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { ip: '10.22.0.2', userAgent: null })).resolves.toMatchObject({
      status: 'ok',
    });
  });

  it('the Logins page shows a throttled login as locked; Unlock (logins.write, audited) frees it', async () => {
    await admin.post('/api/admin/logins', { email: 'locked@example.com', password: 'Locked-Pass-1!', roleId: 'role-user' });
    const attacker = new TestClient(usher.app, '10.23.0.1');
    for (let i = 0; i < THROTTLE.freeFailures; i++) await attacker.post('/api/auth/login', { email: 'locked@example.com', password: `Nope-${i}-Pass!` });
    const item = async () =>
      ((await admin.get('/api/admin/logins?q=locked@example.com')).json().items as { id: string; lockedUntil: string | null }[])[0]!;
    const locked = await item();
    expect(locked.lockedUntil).not.toBeNull();
    const owner = new TestClient(usher.app, '10.23.0.2');
    expect((await owner.post('/api/auth/login', { email: 'locked@example.com', password: 'Locked-Pass-1!' })).statusCode).toBe(429);

    const reader = await loginAs(usher, admin, 'reader@example.com', (await admin.post('/api/admin/roles', { name: 'Login reader', permissions: ['logins.read'] })).json().id);
    expect((await reader.post(`/api/admin/logins/${locked.id}/unlock`)).statusCode).toBe(403);
    expect((await item()).lockedUntil).not.toBeNull();

    expect((await admin.post(`/api/admin/logins/${locked.id}/unlock`)).statusCode).toBe(200);
    expect((await item()).lockedUntil).toBeNull();
    expect((await owner.post('/api/auth/login', { email: 'locked@example.com', password: 'Locked-Pass-1!' })).statusCode).toBe(200);
    const audit = await usher.db.handle.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'login.unlock').execute();
    expect(audit).toEqual([{ action: 'login.unlock', target_id: locked.id }]);
  });

  it('the auth gate guards a route at /api/admin itself', async () => {
    const app = Fastify();
    await app.register(cookie);
    installAuth(app, usher.container);
    expect(() => app.get('/api/admin', () => ({ ok: true }))).toThrow(/declares no permission/);
    app.get('/api/admin', { config: { permission: 'logins.read' } }, () => ({ ok: true }));
    app.get('/api/portal', () => ({ ok: true }));
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/api/admin' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/portal' })).statusCode).toBe(401);
    await app.close();
  });
});

describeEachDb('USHER_ADMIN_EMAIL naming a self-registered login', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
  });

  it('takes the login over: the environment password, a confirmed email, no other factor or session', async () => {
    await usher.container.settings.update('registration', { values: { requireEmailConfirmation: false } }, systemActor);
    const squatter = new TestClient(usher.app, '10.30.0.1');
    expect((await squatter.post('/api/auth/register', { email: 'boss@example.com', password: 'Squatter-Pass-1!' })).statusCode).toBe(201);
    expect((await squatter.post('/api/auth/login', { email: 'boss@example.com', password: 'Squatter-Pass-1!' })).statusCode).toBe(200);
    await squatter.post('/api/auth/2fa/email', { enabled: true, password: 'Squatter-Pass-1!' });

    expect(await usher.container.auth.ensureHeadlessAdmin('boss@example.com', 'Env-Admin-Pass-9!')).toBe(true);

    expect((await squatter.get('/api/auth/session')).json().authenticated).toBe(false);
    expect((await new TestClient(usher.app, '10.30.0.2').post('/api/auth/login', { email: 'boss@example.com', password: 'Squatter-Pass-1!' })).statusCode).toBe(401);
    const operator = new TestClient(usher.app, '10.30.0.3');
    const res = await operator.post('/api/auth/login', { email: 'boss@example.com', password: 'Env-Admin-Pass-9!' });
    expect(res.json().status).toBe('ok');
    expect(res.json().session.login.isAdmin).toBe(true);
    const row = await usher.db.handle.db
      .selectFrom('logins')
      .select(['email_confirmed_at', 'email_otp_enabled', 'totp_enabled'])
      .where('email', '=', 'boss@example.com')
      .executeTakeFirstOrThrow();
    expect(row.email_confirmed_at).not.toBeNull();
    expect(Boolean(row.email_otp_enabled)).toBe(false);
    expect(Boolean(row.totp_enabled)).toBe(false);
    expect(await usher.container.auth.ensureHeadlessAdmin('boss@example.com', 'Env-Admin-Pass-9!')).toBe(false);
  });
});
