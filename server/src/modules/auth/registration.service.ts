import type { Clock } from '../../platform/clock.js';
import { addMs, HOUR_MS, MINUTE_MS } from '../../platform/clock.js';
import { hashToken, newId, randomToken } from '../../platform/ids.js';
import { badRequest, forbidden } from '../../http/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import { USER_ROLE_ID } from '../roles/roles.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { AuthRepository, Login } from './auth.repository.js';
import { assertPasswordAcceptable, loginActor, type AuthService, type RequestInfo } from './auth.service.js';
import { hashPassword } from './password-policy.js';

const RESET_TTL_MS = 30 * MINUTE_MS;
const CONFIRM_TTL_MS = 48 * HOUR_MS;

/** What registration needs to know from the rest of Usher (members, media servers). */
export interface RegistrationChecks {
  /** Whether an email belongs to a member Usher tracks (public registration off lets only them in). */
  isKnownMember(email: string): Promise<boolean>;
  /** With "Require Emby Connect" on: why this email cannot be used, or null when it can. */
  embyConnectProblem(email: string): Promise<string | null>;
}

/** Signing up, confirming the email address, and resetting a forgotten password by email. */
export class RegistrationService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly auth: AuthService,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly registrationChecks: RegistrationChecks,
  ) {}

  // ---- registration and email confirmation -------------------------------------------------

  /**
   * Answers the same whether or not the email already has a login, or may register at all: the
   * answer is what a new sign-up gets, and what differs (a login exists, only members may register)
   * is told to the mailbox owner by email. The password is hashed on every path, so the timing does
   * not tell either.
   */
  async register(
    input: { email: string; password: string; displayName?: string | undefined; discordUsername?: string | undefined; discordId?: string | undefined },
    info: RequestInfo,
  ): Promise<{ status: 'confirmation_sent' | 'registered' }> {
    const registration = await this.settings.get('registration');
    if (!registration.enabled) throw forbidden('registration_closed', 'Registration is closed on this site.');
    if (registration.requireDiscord && (!input.discordUsername || !input.discordId)) {
      throw badRequest('discord_required', 'Enter your Discord username and your numeric Discord user ID.');
    }
    assertPasswordAcceptable(input.password);
    const answer = { status: registration.requireEmailConfirmation ? ('confirmation_sent' as const) : ('registered' as const) };
    const email = input.email.trim().toLowerCase();
    const existing = await this.repo.findLoginByEmail(email);
    // With public registration off, only people who already share one of the servers may sign up.
    const outsider = !existing && !registration.publicEnabled && !(await this.registrationChecks.isKnownMember(email));
    if (existing || outsider) {
      await hashPassword(input.password);
      await this.notifications.enqueueEmail({
        to: email,
        event: existing ? 'registration_attempt' : 'registration_members_only',
        vars: { resetUrl: await this.link('/forgot-password') },
        idempotencyKey: `registration-attempt-${newId()}`,
      });
      this.notifications.kick();
      await this.audit.record({ type: 'anonymous', id: existing?.id ?? null, label: email, ip: info.ip }, existing ? 'auth.register_existing' : 'auth.register_not_member');
      return answer;
    }
    const embyProblem = await this.registrationChecks.embyConnectProblem(email);
    if (embyProblem) throw badRequest('emby_connect_required', embyProblem);
    const login = await this.auth.createLogin({
      email,
      password: input.password,
      roleId: USER_ROLE_ID,
      confirmed: !registration.requireEmailConfirmation,
      displayName: input.displayName ?? null,
      discord: input.discordUsername && input.discordId ? { username: input.discordUsername, id: input.discordId } : null,
    });
    await this.audit.record(loginActor(login, info.ip), 'auth.register', { type: 'login', id: login.id });
    if (registration.requireEmailConfirmation) await this.sendConfirmation(login);
    return answer;
  }

  async resendConfirmation(email: string): Promise<void> {
    const login = await this.repo.findLoginByEmail(email);
    if (login && !login.emailConfirmedAt) await this.sendConfirmation(login);
  }

  private async sendConfirmation(login: Login): Promise<void> {
    const token = await this.issueToken(login.id, 'confirm_email', CONFIRM_TTL_MS);
    await this.notifications.enqueueEmail({
      to: login.email,
      event: 'account_confirmation',
      vars: { link: await this.link(`/confirm?token=${token.value}`), expiresHours: CONFIRM_TTL_MS / HOUR_MS },
      idempotencyKey: `confirm-${token.id}`,
    });
    this.notifications.kick();
  }

  async confirmEmail(token: string, info: RequestInfo): Promise<void> {
    const row = await this.takeToken('confirm_email', token);
    const now = this.clock.now().toISOString();
    await this.repo.updateLogin(row.login_id, { email_confirmed_at: now }, now);
    const login = await this.repo.findLogin(row.login_id);
    if (login) await this.audit.record(loginActor(login, info.ip), 'auth.email_confirmed');
  }

  // ---- password reset ----------------------------------------------------------------------

  /** Always succeeds from the caller's view, so it cannot be used to discover accounts. */
  async requestPasswordReset(email: string, info: RequestInfo): Promise<void> {
    const login = await this.repo.findLoginByEmail(email.trim());
    if (!login || login.disabled) {
      // Roughly the work of the real path (a token and its hash), so the answer time tells nothing.
      hashToken(randomToken(32));
      await this.link('/reset-password');
      return;
    }
    await this.repo.invalidateOpenTokens(login.id, 'password_reset', this.clock.now().toISOString());
    const token = await this.issueToken(login.id, 'password_reset', RESET_TTL_MS);
    await this.notifications.enqueueEmail({
      to: login.email,
      event: 'password_reset',
      vars: { link: await this.link(`/reset-password?token=${token.value}`), expiresMinutes: RESET_TTL_MS / MINUTE_MS },
      idempotencyKey: `reset-${token.id}`,
    });
    this.notifications.kick();
    await this.audit.record(loginActor(login, info.ip), 'auth.password_reset_requested');
  }

  async resetPassword(input: { token: string; password: string }, info: RequestInfo): Promise<void> {
    assertPasswordAcceptable(input.password);
    const row = await this.takeToken('password_reset', input.token);
    const now = this.clock.now().toISOString();
    // A reset proves control of the mailbox, so it also confirms the address.
    await this.repo.updateLogin(
      row.login_id,
      { password_hash: await hashPassword(input.password), email_confirmed_at: now },
      now,
    );
    await this.repo.deleteSessionsOf(row.login_id);
    const login = await this.repo.findLogin(row.login_id);
    if (login) await this.audit.record(loginActor(login, info.ip), 'auth.password_reset');
  }

  private async issueToken(loginId: string, purpose: 'confirm_email' | 'password_reset', ttlMs: number) {
    const value = randomToken(32);
    const id = newId();
    const now = this.clock.now();
    await this.repo.insertToken({
      id,
      loginId,
      purpose,
      tokenHash: hashToken(value),
      now: now.toISOString(),
      expiresAt: addMs(now, ttlMs).toISOString(),
    });
    return { id, value };
  }

  /** Validates and consumes a single-use token; reuse, expiry and unknown tokens are one error each. */
  private async takeToken(purpose: 'confirm_email' | 'password_reset', token: string) {
    const row = await this.repo.findTokenByHash(purpose, hashToken(token));
    if (!row) throw badRequest('invalid_token', 'This link is not valid. Ask for a new one.');
    if (row.used_at) throw badRequest('token_used', 'This link was already used. Ask for a new one.');
    const now = this.clock.now().toISOString();
    if (row.expires_at <= now) throw badRequest('token_expired', 'This link has expired. Ask for a new one.');
    if (!(await this.repo.consumeToken(row.id, now))) {
      throw badRequest('token_used', 'This link was already used. Ask for a new one.');
    }
    return row;
  }

  private async link(path: string): Promise<string> {
    const { siteUrl } = await this.settings.get('general');
    return `${(siteUrl || 'http://localhost:8080').replace(/\/$/, '')}${path}`;
  }
}
