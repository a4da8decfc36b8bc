import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from './support/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { totpCode } from '../src/modules/auth/totp.js';
import { MINUTE_MS } from '../src/platform/clock.js';
import { MembersRepository } from '../src/modules/members/members.repository.js';
import { systemActor } from '../src/modules/audit/audit.service.js';

function linkToken(text: string): string {
  const match = /token=([\w-]+)/.exec(text);
  if (!match) throw new Error(`no token link in: ${text}`);
  return match[1]!;
}

describeEachDb('first-run setup', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
  });

  it('refuses a wrong setup token and creates nothing', async () => {
    const client = new TestClient(usher.app);
    const res = await client.post('/api/setup', { token: 'wrong', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('invalid_setup_token');
    expect((await client.get('/api/setup')).json()).toEqual({ needsSetup: true });
  });

  it('refuses a weak password with the rules it breaks', async () => {
    const res = await new TestClient(usher.app).post('/api/setup', { token: usher.setupToken, email: ADMIN_EMAIL, password: 'password' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('weak_password');
    expect(res.json().error.details.problems).toEqual(expect.arrayContaining(['no_upper', 'no_digit', 'no_special']));
  });

  it('creates the first administrator with the token, then refuses a second setup', async () => {
    const client = new TestClient(usher.app);
    const res = await client.post('/api/setup', { token: usher.setupToken, email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json().login.role.builtin).toBe('administrator');
    expect((await client.get('/api/admin/logins')).statusCode).toBe(200);
    const again = await new TestClient(usher.app).post('/api/setup', { token: usher.setupToken, email: 'x@example.com', password: ADMIN_PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_done');
  });
});

describeEachDb('login, CSRF and rate limits', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('sets an HttpOnly SameSite=Lax session cookie', async () => {
    const client = new TestClient(usher.app);
    const res = await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = (res.cookies as { name: string; httpOnly?: boolean; sameSite?: string }[]).find((c) => c.name === 'usher_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('refuses a cookie-authenticated mutation without the CSRF header, and changes nothing', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/admin/roles', payload: { name: 'Support', permissions: [] }, csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
    const wrong = await admin.request({
      method: 'POST',
      url: '/api/admin/roles',
      payload: { name: 'Support', permissions: [] },
      csrf: false,
      headers: { 'x-csrf-token': 'forged' },
    });
    expect(wrong.statusCode).toBe(403);
    const roles = (await admin.get('/api/admin/roles')).json().items.map((r: { name: string }) => r.name);
    expect(roles).not.toContain('Support');
    expect((await admin.post('/api/admin/roles', { name: 'Support', permissions: [] })).statusCode).toBe(201);
  });

  it('after 5 wrong passwords, slows the account down for new addresses, never for one it logged in from', async () => {
    await admin.post('/api/admin/logins', { email: 'victim@example.com', password: 'Victim-Pass-1!', roleId: 'role-user' });
    expect((await new TestClient(usher.app, '10.9.9.1').post('/api/auth/login', { email: 'victim@example.com', password: 'Victim-Pass-1!' })).statusCode).toBe(200);
    const attacker = new TestClient(usher.app, '10.9.9.9');
    for (let i = 0; i < 5; i++) {
      const res = await attacker.post('/api/auth/login', { email: 'victim@example.com', password: `Wrong-${i}-Pass!` });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
    const locked = await new TestClient(usher.app, '10.9.9.10').post('/api/auth/login', { email: 'victim@example.com', password: 'Victim-Pass-1!' });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    const home = await new TestClient(usher.app, '10.9.9.1').post('/api/auth/login', { email: 'victim@example.com', password: 'Victim-Pass-1!' });
    expect(home.statusCode).toBe(200);
    // The success from home ended the streak; a new one starts the delay again for strangers.
    for (let i = 0; i < 5; i++) await attacker.post('/api/auth/login', { email: 'victim@example.com', password: `Wrong-${i}-Again!` });
    usher.clock.advance(16 * MINUTE_MS);
    const after = await new TestClient(usher.app, '10.9.9.10').post('/api/auth/login', { email: 'victim@example.com', password: 'Victim-Pass-1!' });
    expect(after.statusCode).toBe(200);
  });

  it('limits login attempts per IP address', async () => {
    const client = new TestClient(usher.app, '10.7.7.7');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await client.post('/api/auth/login', { email: `nobody${i}@example.com`, password: 'Whatever-1!' });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const other = await new TestClient(usher.app, '10.7.7.8').post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(other.statusCode).toBe(200);
  });

  it('logs out and forgets the session', async () => {
    const client = new TestClient(usher.app, '10.1.1.1');
    await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await client.get('/api/auth/session')).json().authenticated).toBe(false);
    expect((await client.get('/api/admin/logins')).statusCode).toBe(401);
  });
});

describeEachDb('registration, confirmation and password reset', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    await setupAdmin(usher);
  });

  it('registers, refuses login until the emailed link confirms the address', async () => {
    const client = new TestClient(usher.app, '10.2.2.2');
    const res = await client.post('/api/auth/register', { email: 'Customer@Example.com', password: 'Customer-Pass-3!' });
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('confirmation_sent');
    const blocked = await client.post('/api/auth/login', { email: 'customer@example.com', password: 'Customer-Pass-3!' });
    expect(blocked.json().error.code).toBe('email_not_confirmed');
    const mail = await usher.smtp.waitFor((m) => m.to.includes('customer@example.com') && /Confirm/.test(m.subject));
    expect(mail.text).toContain('https://usher.example.com/confirm?token=');
    expect((await client.post('/api/auth/confirm', { token: linkToken(mail.text) })).statusCode).toBe(200);
    const ok = await client.post('/api/auth/login', { email: 'customer@example.com', password: 'Customer-Pass-3!' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().session.login.isAdmin).toBe(false);
  });

  it('refuses registration when it is turned off', async () => {
    await usher.container.settings.update('registration', { values: { enabled: false } }, { type: 'system', id: null, label: null, ip: null });
    const res = await new TestClient(usher.app, '10.2.2.3').post('/api/auth/register', { email: 'late@example.com', password: 'Customer-Pass-3!' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('registration_closed');
    await usher.container.settings.update('registration', { values: { enabled: true } }, { type: 'system', id: null, label: null, ip: null });
  });

  it('with public registration off, only emails of existing members may register', async () => {
    await usher.container.settings.update('registration', { values: { publicEnabled: false } }, systemActor);
    // The answer does not tell who is a member: the mailbox owner learns it by email.
    const stranger = await new TestClient(usher.app, '10.2.2.4').post('/api/auth/register', { email: 'stranger@example.com', password: 'Customer-Pass-3!' });
    expect(stranger.statusCode).toBe(201);
    expect(stranger.json()).toEqual({ status: 'confirmation_sent' });
    const told = await usher.smtp.waitFor((m) => m.to.includes('stranger@example.com'));
    expect(told.text).toContain('open only to');
    expect(await usher.db.handle.db.selectFrom('logins').select('id').where('email', '=', 'stranger@example.com').executeTakeFirst()).toBeUndefined();
    await new MembersRepository(usher.db.handle.db).insertMembers(
      [{ id: 'member-1', email: 'Viewer@Example.com', username: 'viewer', displayName: null, permanent: false, source: 'import', importExpiresAt: null }],
      usher.clock.now().toISOString(),
    );
    const member = await new TestClient(usher.app, '10.2.2.5').post('/api/auth/register', { email: 'viewer@example.com', password: 'Customer-Pass-3!' });
    expect(member.statusCode).toBe(201);
    await usher.container.settings.update('registration', { values: { publicEnabled: true } }, systemActor);
  });

  it('asks for Discord username and ID when the operator requires them', async () => {
    await usher.container.settings.update('registration', { values: { requireDiscord: true } }, systemActor);
    const client = new TestClient(usher.app, '10.2.2.6');
    const missing = await client.post('/api/auth/register', { email: 'gamer@example.com', password: 'Customer-Pass-3!' });
    expect(missing.json().error.code).toBe('discord_required');
    const badId = await client.post('/api/auth/register', { email: 'gamer@example.com', password: 'Customer-Pass-3!', discordUsername: 'gamer', discordId: 'gamer#1234' });
    expect(badId.json().error.code).toBe('validation_failed');
    const ok = await client.post('/api/auth/register', { email: 'gamer@example.com', password: 'Customer-Pass-3!', discordUsername: 'gamer', discordId: '123456789012345678' });
    expect(ok.statusCode).toBe(201);
    const row = await usher.db.handle.db.selectFrom('logins').select(['discord_username', 'discord_id']).where('email', '=', 'gamer@example.com').executeTakeFirstOrThrow();
    expect(row).toEqual({ discord_username: 'gamer', discord_id: '123456789012345678' });
    expect((await client.get('/api/public/site')).json().registrationRequiresDiscord).toBe(true);
    await usher.container.settings.update('registration', { values: { requireDiscord: false } }, systemActor);
  });

  it('resets a password once; the link cannot be reused and expires after 30 minutes', async () => {
    const client = new TestClient(usher.app, '10.3.3.3');
    expect((await client.post('/api/auth/password/forgot', { email: ADMIN_EMAIL })).statusCode).toBe(202);
    expect((await client.post('/api/auth/password/forgot', { email: 'ghost@example.com' })).statusCode).toBe(202);
    const mail = await usher.smtp.waitFor((m) => m.to.includes(ADMIN_EMAIL) && /Reset/.test(m.subject));
    const token = linkToken(mail.text);
    const reset = await client.post('/api/auth/password/reset', { token, password: 'Brand-New-Pass-5!' });
    expect(reset.statusCode).toBe(200);
    const reuse = await client.post('/api/auth/password/reset', { token, password: 'Other-New-Pass-6!' });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error.code).toBe('token_used');
    expect((await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: 'Brand-New-Pass-5!' })).statusCode).toBe(200);

    await client.post('/api/auth/password/forgot', { email: ADMIN_EMAIL });
    const second = await usher.smtp.waitFor((m) => /Reset/.test(m.subject) && !m.text.includes(token));
    usher.clock.advance(31 * MINUTE_MS);
    const expired = await client.post('/api/auth/password/reset', { token: linkToken(second.text), password: 'Late-New-Pass-7!' });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('token_expired');
    expect((await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: 'Late-New-Pass-7!' })).statusCode).toBe(401);
  });
});

describeEachDb('two-factor authentication', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('enrols an authenticator app, then requires its code; recovery codes work once', async () => {
    const start = await admin.post('/api/auth/2fa/totp/start');
    expect(start.statusCode).toBe(200);
    const { secret, uri } = start.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const bad = await admin.post('/api/auth/2fa/totp/enable', { code: '000000' });
    expect(bad.statusCode).toBe(400);
    const noPassword = await admin.post('/api/auth/2fa/totp/enable', { code: totpCode(secret, usher.clock.now()), password: 'Not-The-Pass-1!' });
    expect(noPassword.json().error.code).toBe('wrong_password');
    const enabled = await admin.post('/api/auth/2fa/totp/enable', { code: totpCode(secret, usher.clock.now()), password: ADMIN_PASSWORD });
    expect(enabled.statusCode).toBe(200);
    const recoveryCodes: string[] = enabled.json().recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    // The code that turned the app on is spent; the login below uses the next one.
    usher.clock.advance(30_000);

    const client = new TestClient(usher.app, '10.4.4.4');
    const login = await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(login.json().status).toBe('second_factor');
    expect((await client.get('/api/admin/logins')).statusCode).toBe(401);
    const wrong = await client.post('/api/auth/2fa/verify', { method: 'totp', code: '123456' });
    expect(wrong.statusCode).toBe(401);
    const right = await client.post('/api/auth/2fa/verify', { method: 'totp', code: totpCode(secret, usher.clock.now()) });
    expect(right.statusCode).toBe(200);
    expect((await client.get('/api/admin/logins')).statusCode).toBe(200);

    const viaRecovery = new TestClient(usher.app, '10.4.4.5');
    await viaRecovery.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect((await viaRecovery.post('/api/auth/2fa/verify', { method: 'recovery', code: recoveryCodes[0] })).statusCode).toBe(200);
    const reuse = new TestClient(usher.app, '10.4.4.6');
    await reuse.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect((await reuse.post('/api/auth/2fa/verify', { method: 'recovery', code: recoveryCodes[0] })).statusCode).toBe(401);

    expect((await admin.post('/api/auth/2fa/disable', { password: ADMIN_PASSWORD })).statusCode).toBe(200);
  });

  it('emails a login code that works once and expires', async () => {
    expect((await admin.post('/api/auth/2fa/email', { enabled: true, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    const client = new TestClient(usher.app, '10.5.5.5');
    const login = await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(login.json().status).toBe('second_factor');
    expect(login.json().session.secondFactorMethods).toContain('email');
    const mail = await usher.smtp.waitFor((m) => /login code/.test(m.subject));
    const code = /(\d{6})/.exec(mail.subject)![1]!;
    expect((await client.post('/api/auth/2fa/verify', { method: 'email', code })).statusCode).toBe(200);

    const late = new TestClient(usher.app, '10.5.5.6');
    await late.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const second = await usher.smtp.waitFor((m) => /login code/.test(m.subject) && !m.subject.includes(code));
    usher.clock.advance(11 * MINUTE_MS);
    const lateCode = /(\d{6})/.exec(second.subject)![1]!;
    expect((await late.post('/api/auth/2fa/verify', { method: 'email', code: lateCode })).statusCode).toBe(401);
  });

  it('an administrator without 2FA is refused admin routes when the operator requires it', async () => {
    await admin.post('/api/auth/2fa/disable', { password: ADMIN_PASSWORD });
    expect((await admin.put('/api/admin/settings/security', { values: { requireTwoFactorForAdmins: true } })).statusCode).toBe(200);
    const res = await admin.get('/api/admin/logins');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('two_factor_required');
    expect((await admin.get('/api/auth/session')).json().login.twoFactorRequired).toBe(true);
  });
});

describe('password policy', () => {
  it('is enforced when an admin sets a password', async () => {
    const { passwordProblems } = await import('../src/modules/auth/password-policy.js');
    expect(passwordProblems('Abcdefg1!')).toEqual([]);
    expect(passwordProblems('P@ssword1!').map((p) => p.code)).toEqual(['common']);
    expect(passwordProblems('short').map((p) => p.code)).toContain('too_short');
  });
});
