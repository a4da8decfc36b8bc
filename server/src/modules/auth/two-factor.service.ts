import type { Clock } from '../../platform/clock.js';
import { hashToken, newId, randomToken } from '../../platform/ids.js';
import type { SecretBox } from '../../platform/secrets.js';
import { badRequest, conflict } from '../../http/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { AuthRepository, Login } from './auth.repository.js';
import { loginActor, type RequestInfo } from './auth.service.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';

const RECOVERY_CODE_COUNT = 10;

/** Setting up and removing second factors: an authenticator app with recovery codes, or emailed codes. */
export class TwoFactorService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async beginTotp(login: Login): Promise<{ secret: string; uri: string }> {
    if (login.totpEnabled) throw conflict('totp_enabled', 'An authenticator app is already set up; turn it off first.');
    const secret = newTotpSecret();
    await this.repo.updateLogin(login.id, { totp_secret: this.secrets.encrypt(secret, { table: 'logins', column: 'totp_secret', rowId: login.id }) }, this.clock.now().toISOString());
    const { siteName } = await this.settings.get('general');
    return { secret, uri: totpUri(secret, login.email, siteName) };
  }

  async enableTotp(login: Login, code: string, info: RequestInfo): Promise<{ recoveryCodes: string[] }> {
    if (login.totpEnabled) throw conflict('totp_enabled', 'An authenticator app is already set up.');
    if (!login.totpSecret) throw badRequest('totp_not_started', 'Start the authenticator setup first.');
    const step = verifyTotp(this.secrets.decrypt(login.totpSecret, { table: 'logins', column: 'totp_secret', rowId: login.id }), code.replace(/\s/g, ''), this.clock.now());
    if (step === null) throw badRequest('invalid_code', 'That code is wrong; check the time on your phone and try again.');
    await this.repo.updateLogin(login.id, { totp_enabled: true }, this.clock.now().toISOString());
    // The code that proved the app works is spent: it cannot also finish a login.
    await this.repo.advanceTotpStep(login.id, step);
    const recoveryCodes = await this.regenerateRecoveryCodes(login.id);
    await this.audit.record(loginActor(login, info.ip), 'auth.2fa_enabled', { type: 'login', id: login.id }, { method: 'totp' });
    return { recoveryCodes };
  }

  async regenerateRecoveryCodes(loginId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const raw = randomToken(8).toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(10, '0').slice(0, 10);
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await this.repo.replaceRecoveryCodes(
      loginId,
      codes.map((c) => ({ id: newId(), hash: hashToken(c.replace('-', '')) })),
    );
    return codes;
  }

  async setEmailOtp(login: Login, enabled: boolean, info: RequestInfo): Promise<void> {
    if (enabled && !(await this.notifications.emailConfigured())) {
      throw badRequest('email_not_configured', 'Emailed codes need working email settings first.');
    }
    await this.repo.updateLogin(login.id, { email_otp_enabled: enabled }, this.clock.now().toISOString());
    await this.audit.record(loginActor(login, info.ip), enabled ? 'auth.2fa_enabled' : 'auth.2fa_disabled', { type: 'login', id: login.id }, { method: 'email' });
  }

  /** Turns every second factor off: by the login itself (password required) or an admin. */
  async disableTwoFactor(target: Login, actor: Actor): Promise<void> {
    await this.repo.updateLogin(
      target.id,
      { totp_enabled: false, totp_secret: null, email_otp_enabled: false },
      this.clock.now().toISOString(),
    );
    await this.repo.replaceRecoveryCodes(target.id, []);
    await this.audit.record(actor, 'auth.2fa_disabled', { type: 'login', id: target.id }, { method: 'all' });
  }

  remainingRecoveryCodes(loginId: string): Promise<number> {
    return this.repo.countUnusedRecoveryCodes(loginId);
  }
}
