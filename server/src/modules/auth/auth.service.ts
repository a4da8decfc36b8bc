import type { Clock } from '../../platform/clock.js';
import { addMs, DAY_MS, MINUTE_MS } from '../../platform/clock.js';
import { hashToken, newId, randomDigits, randomToken } from '../../platform/ids.js';
import type { SecretBox } from '../../platform/secrets.js';
import { AppError, badRequest, conflict, forbidden, tooManyRequests, unauthorized } from '../../http/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import { ADMIN_ROLE_ID, type Role, type RolesRepository } from '../roles/roles.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { AuthRepository, Login, Session } from './auth.repository.js';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './password-policy.js';
import { verifyTotp } from './totp.js';
import { passwordCheckKey, secondFactorKey, type LoginThrottleService } from './login-throttle.service.js';

const LOGIN_CODE_TTL_MS = 10 * MINUTE_MS;
const LOGIN_CODE_MAX_ATTEMPTS = 5;
const LOGIN_CODES_PER_WINDOW = 5;
const SECOND_FACTOR_TTL_MS = 10 * MINUTE_MS;

export interface AuthenticatedSession {
  session: Session;
  login: Login;
  role: Role;
}

export interface IssuedSession {
  token: string;
  session: Session;
}

export type LoginOutcome =
  | { status: 'ok'; issued: IssuedSession; login: Login }
  | { status: 'second_factor'; issued: IssuedSession; methods: ('totp' | 'email' | 'recovery')[] };

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export function assertPasswordAcceptable(password: string): void {
  const problems = passwordProblems(password);
  if (problems.length > 0) {
    // "Too common" is not something a password "needs", so it reads as its own sentence.
    const needs = problems.filter((p) => p.code !== 'common').map((p) => p.message);
    const sentences = [needs.length > 0 ? `The password needs ${needs.join(', ')}.` : '', problems.some((p) => p.code === 'common') ? 'This password is too common; choose another.' : ''];
    throw badRequest('weak_password', sentences.filter(Boolean).join(' '), {
      field: 'password',
      problems: problems.map((p) => p.code),
    });
  }
}

export function loginActor(login: Pick<Login, 'id' | 'email'>, ip: string | null): Actor {
  return { type: 'login', id: login.id, label: login.email, ip };
}

export class AuthService {
  private setupToken: string | null = null;

  constructor(
    private readonly repo: AuthRepository,
    private readonly roles: RolesRepository,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottleService,
  ) {}

  // ---- first run ---------------------------------------------------------------------------

  async needsSetup(): Promise<boolean> {
    return (await this.repo.countActiveAdmins(ADMIN_ROLE_ID)) === 0;
  }

  /** A fresh one-time token for this process, printed to the log while no administrator exists. */
  issueSetupToken(): string {
    this.setupToken = randomToken(18);
    return this.setupToken;
  }

  async completeSetup(input: { token: string; email: string; password: string }, info: RequestInfo): Promise<IssuedSession> {
    if (!(await this.needsSetup())) throw conflict('setup_done', 'Usher is already set up; log in instead.');
    if (!this.setupToken || !timingSafeEqualStrings(input.token, this.setupToken)) {
      await this.audit.record({ type: 'anonymous', id: null, label: input.email, ip: info.ip }, 'setup.refused');
      throw forbidden('invalid_setup_token', 'The setup token is wrong. Copy it from the server log.');
    }
    const login = await this.createLogin({ email: input.email, password: input.password, roleId: ADMIN_ROLE_ID, confirmed: true });
    this.setupToken = null;
    await this.audit.record(loginActor(login, info.ip), 'setup.completed', { type: 'login', id: login.id });
    return this.issueSession(login, 'full', info);
  }

  /**
   * USHER_ADMIN_EMAIL/PASSWORD: creates the first administrator without the wizard. When the email
   * already has a login (anyone may have registered it), that login is taken over by the environment:
   * its password becomes USHER_ADMIN_PASSWORD, its address is confirmed, its second factors, recovery
   * codes and sessions are removed, so whoever registered it keeps no way in.
   */
  async ensureHeadlessAdmin(email: string, password: string): Promise<boolean> {
    if (!(await this.needsSetup())) return false;
    const existing = await this.repo.findLoginByEmail(email);
    const systemEnv = { type: 'system' as const, id: null, label: 'environment', ip: null };
    if (existing) {
      assertPasswordAcceptable(password);
      const now = this.clock.now().toISOString();
      await this.repo.updateLogin(
        existing.id,
        {
          role_id: ADMIN_ROLE_ID,
          disabled: false,
          password_hash: await hashPassword(password),
          email_confirmed_at: existing.emailConfirmedAt ?? now,
          totp_enabled: false,
          totp_secret: null,
          email_otp_enabled: false,
        },
        now,
      );
      await this.repo.replaceRecoveryCodes(existing.id, []);
      await this.repo.deleteSessionsOf(existing.id);
      await this.audit.record(systemEnv, 'setup.headless_admin_took_over', { type: 'login', id: existing.id });
    } else {
      await this.createLogin({ email, password, roleId: ADMIN_ROLE_ID, confirmed: true });
    }
    await this.audit.record(systemEnv, 'setup.headless_admin', { type: 'login', id: email.toLowerCase() });
    return true;
  }

  // ---- logins ------------------------------------------------------------------------------

  async createLogin(input: {
    email: string;
    password: string | null;
    roleId: string;
    confirmed: boolean;
    displayName?: string | null;
    discord?: { username: string; id: string } | null;
  }): Promise<Login> {
    const email = input.email.trim().toLowerCase();
    if (await this.repo.findLoginByEmail(email)) throw conflict('email_taken', 'A login with this email already exists.');
    if (input.password !== null) assertPasswordAcceptable(input.password);
    if (!(await this.roles.find(input.roleId))) throw badRequest('unknown_role', 'That role does not exist.');
    const now = this.clock.now().toISOString();
    const id = newId();
    await this.repo.insertLogin({
      id,
      email,
      passwordHash: input.password === null ? null : await hashPassword(input.password),
      roleId: input.roleId,
      displayName: input.displayName ?? null,
      discordUsername: input.discord?.username ?? null,
      discordId: input.discord?.id ?? null,
      emailConfirmedAt: input.confirmed ? now : null,
      now,
    });
    return (await this.repo.findLogin(id))!;
  }

  async setPassword(loginId: string, password: string): Promise<void> {
    assertPasswordAcceptable(password);
    await this.repo.updateLogin(loginId, { password_hash: await hashPassword(password) }, this.clock.now().toISOString());
  }

  // ---- login / logout ----------------------------------------------------------------------

  async login(input: { email: string; password: string }, info: RequestInfo): Promise<LoginOutcome> {
    const email = input.email.trim().toLowerCase();
    const now = this.clock.now();
    try {
      await this.throttle.assertAllowed(email, info.ip, { knownIpExempt: true });
    } catch (error) {
      await this.audit.record({ type: 'anonymous', id: null, label: email, ip: info.ip }, 'auth.login_throttled');
      throw error;
    }
    const login = await this.repo.findLoginByEmail(email);
    const passwordOk = login ? await verifyPassword(login.passwordHash, input.password) : (await burnPasswordCheck(input.password), false);
    if (!login || !passwordOk) {
      await this.throttle.failed(email, info.ip);
      await this.audit.record({ type: 'anonymous', id: login?.id ?? null, label: email, ip: info.ip }, 'auth.login_failed');
      throw unauthorized('invalid_credentials', 'The email or password is wrong.');
    }
    if (login.disabled) throw forbidden('login_disabled', 'This login is disabled. Contact the site administrator.');
    const registration = await this.settings.get('registration');
    if (!login.emailConfirmedAt && registration.requireEmailConfirmation) {
      throw forbidden('email_not_confirmed', 'Confirm your email address first: use the link we emailed you.');
    }
    await this.throttle.succeeded(email, info.ip);
    const methods = this.secondFactorMethods(login);
    if (methods.length > 0) {
      const issued = await this.issueSession(login, 'second_factor', info);
      // Past the limit the last code sent still works; the password step itself is not refused.
      if (!login.totpEnabled && login.emailOtpEnabled && (await this.mayMailLoginCode(login))) await this.sendLoginCode(login);
      await this.audit.record(loginActor(login, info.ip), 'auth.password_ok_awaiting_2fa');
      return { status: 'second_factor', issued, methods };
    }
    await this.repo.updateLogin(login.id, { last_login_at: now.toISOString() }, now.toISOString());
    await this.audit.record(loginActor(login, info.ip), 'auth.login');
    return { status: 'ok', issued: await this.issueSession(login, 'full', info), login };
  }

  secondFactorMethods(login: Login): ('totp' | 'email' | 'recovery')[] {
    const methods: ('totp' | 'email' | 'recovery')[] = [];
    if (login.totpEnabled) methods.push('totp', 'recovery');
    if (login.emailOtpEnabled) methods.push('email');
    return methods;
  }

  private async mayMailLoginCode(login: Login): Promise<boolean> {
    const since = addMs(this.clock.now(), -LOGIN_CODE_TTL_MS).toISOString();
    return (await this.repo.countTokensSince(login.id, 'login_code', since)) < LOGIN_CODES_PER_WINDOW;
  }

  /** Emails a fresh login code; at most LOGIN_CODES_PER_WINDOW per login per window, from any address. */
  async sendLoginCode(login: Login): Promise<void> {
    const now = this.clock.now();
    if (!(await this.mayMailLoginCode(login))) {
      throw tooManyRequests(`Too many login codes were sent; use the last one or try again in ${LOGIN_CODE_TTL_MS / MINUTE_MS} minutes.`, LOGIN_CODE_TTL_MS / 1000);
    }
    await this.repo.invalidateOpenTokens(login.id, 'login_code', now.toISOString());
    const code = randomDigits(6);
    const id = newId();
    await this.repo.insertToken({
      id,
      loginId: login.id,
      purpose: 'login_code',
      tokenHash: hashToken(`${login.id}:${code}`),
      now: now.toISOString(),
      expiresAt: addMs(now, LOGIN_CODE_TTL_MS).toISOString(),
    });
    await this.notifications.enqueueEmail({
      to: login.email,
      event: 'login_code',
      vars: { code, expiresMinutes: LOGIN_CODE_TTL_MS / MINUTE_MS },
      idempotencyKey: `login-code-${id}`,
    });
    this.notifications.kick();
  }

  /**
   * Completes a second-factor session with a TOTP code, a recovery code or an emailed code. The
   * pending session is replaced by a new one (new id and CSRF token), so a session id planted or seen
   * before the second factor is worth nothing after it.
   */
  async verifySecondFactor(
    auth: { session: Session; login: Login },
    input: { method: 'totp' | 'email' | 'recovery'; code: string },
    info: RequestInfo,
  ): Promise<IssuedSession> {
    const { session, login } = auth;
    if (session.stage !== 'second_factor') throw conflict('already_verified', 'This session needs no second factor.');
    const now = this.clock.now();
    const key = secondFactorKey(login.id);
    await this.throttle.assertAllowed(key, info.ip, { knownIpExempt: false });
    const code = input.code.replace(/[\s-]/g, '');
    let ok = false;
    if (input.method === 'totp' && login.totpEnabled && login.totpSecret) {
      ok = await this.acceptTotp(login, code);
    } else if (input.method === 'recovery' && login.totpEnabled) {
      ok = await this.repo.useRecoveryCode(login.id, hashToken(code.toLowerCase()), now.toISOString());
    } else if (input.method === 'email' && login.emailOtpEnabled) {
      ok = await this.consumeLoginCode(login.id, code);
    }
    if (!ok) {
      await this.throttle.failed(key, info.ip);
      await this.audit.record(loginActor(login, info.ip), 'auth.2fa_failed', undefined, { method: input.method });
      throw unauthorized('invalid_code', 'That code is wrong, was already used or has expired.');
    }
    await this.throttle.succeeded(key, info.ip);
    await this.repo.deleteSession(session.id);
    const issued = await this.issueSession(login, 'full', info);
    await this.repo.updateLogin(login.id, { last_login_at: now.toISOString() }, now.toISOString());
    await this.audit.record(loginActor(login, info.ip), 'auth.login', undefined, { secondFactor: input.method });
    return issued;
  }

  /** A TOTP code is accepted once: its time step must be later than the last one accepted. */
  async acceptTotp(login: Login, code: string): Promise<boolean> {
    if (!login.totpSecret) return false;
    const lastStep = await this.repo.totpLastStep(login.id);
    const step = verifyTotp(this.secrets.decrypt(login.totpSecret, { table: 'logins', column: 'totp_secret', rowId: login.id }), code, this.clock.now(), lastStep);
    if (step === null) return false;
    return this.repo.advanceTotpStep(login.id, step);
  }

  private async consumeLoginCode(loginId: string, code: string): Promise<boolean> {
    const token = await this.repo.latestOpenToken(loginId, 'login_code');
    if (!token) return false;
    const nowIso = this.clock.now().toISOString();
    if (token.expires_at <= nowIso || token.attempts >= LOGIN_CODE_MAX_ATTEMPTS) return false;
    if (token.token_hash !== hashToken(`${loginId}:${code}`)) {
      await this.repo.bumpTokenAttempts(token.id);
      return false;
    }
    return this.repo.consumeToken(token.id, nowIso);
  }

  async logout(session: Session, login: Login, info: RequestInfo): Promise<void> {
    await this.repo.deleteSession(session.id);
    await this.audit.record(loginActor(login, info.ip), 'auth.logout');
  }

  /** Resolves a session cookie; slides the expiry at most once a minute to spare writes. */
  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    const session = await this.repo.findSession(hashToken(token));
    if (!session) return null;
    const now = this.clock.now();
    if (session.expiresAt <= now.toISOString()) {
      await this.repo.deleteSession(session.id);
      return null;
    }
    if (session.stage === 'second_factor' && addMs(new Date(session.createdAt), SECOND_FACTOR_TTL_MS) <= now) {
      await this.repo.deleteSession(session.id);
      return null;
    }
    const login = await this.repo.findLogin(session.loginId);
    if (!login || login.disabled) return null;
    const role = await this.roles.find(login.roleId);
    if (!role) return null;
    if (session.stage === 'full' && now.getTime() - new Date(session.lastSeenAt).getTime() > MINUTE_MS) {
      const { sessionDays } = await this.settings.get('security');
      await this.repo.touchSession(session.id, now.toISOString(), addMs(now, sessionDays * DAY_MS).toISOString());
    }
    return { session, login, role };
  }

  private async issueSession(login: Login, stage: Session['stage'], info: RequestInfo): Promise<IssuedSession> {
    const token = randomToken(32);
    const now = this.clock.now();
    const { sessionDays } = await this.settings.get('security');
    const session: Session = {
      id: hashToken(token),
      loginId: login.id,
      csrfToken: randomToken(24),
      stage,
      createdAt: now.toISOString(),
      expiresAt: addMs(now, stage === 'full' ? sessionDays * DAY_MS : SECOND_FACTOR_TTL_MS).toISOString(),
      lastSeenAt: now.toISOString(),
    };
    await this.repo.insertSession({ ...session, ip: info.ip, userAgent: info.userAgent?.slice(0, 300) ?? null });
    return { token, session };
  }

  async changeOwnPassword(login: Login, input: { currentPassword: string; newPassword: string }, session: Session, info: RequestInfo) {
    await this.verifyOwnPassword(login, input.currentPassword, info);
    await this.setPassword(login.id, input.newPassword);
    await this.repo.deleteSessionsOf(login.id, session.id);
    await this.audit.record(loginActor(login, info.ip), 'auth.password_changed');
  }

  /** Confirms the caller's own password before a sensitive change; throttled per login and per address. */
  async verifyOwnPassword(login: Login, password: string, info: RequestInfo): Promise<void> {
    const key = passwordCheckKey(login.id);
    await this.throttle.assertAllowed(key, info.ip, { knownIpExempt: false });
    if (!(await verifyPassword(login.passwordHash, password))) {
      await this.throttle.failed(key, info.ip);
      await this.audit.record(loginActor(login, info.ip), 'auth.password_check_failed');
      throw new AppError(400, 'wrong_password', 'The current password is wrong.');
    }
    await this.throttle.succeeded(key, info.ip);
  }
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  return hashToken(a) === hashToken(b);
}
