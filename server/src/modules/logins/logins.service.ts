import type { Clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { AuthRepository, Login } from '../auth/auth.repository.js';
import type { AuthService } from '../auth/auth.service.js';
import type { LoginThrottleService } from '../auth/login-throttle.service.js';
import type { TwoFactorService } from '../auth/two-factor.service.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import { checkAssignRole, checkGrant, checkManageLogin, type Ceiling } from '../../domain/permission-ceiling.js';
import type { ApiKeysService } from '../api-keys/api-keys.service.js';
import { enforce } from '../roles/ceiling.js';
import { ADMIN_ROLE_ID, type Role, type RolesRepository } from '../roles/roles.repository.js';
import type { LoginSort, LoginsRepository } from './logins.repository.js';

/**
 * The admin's Site Logins panel. The last enabled administrator can never be removed or demoted;
 * nobody hands out or touches a role above their own (domain/permission-ceiling.ts); the keys a
 * login created go when it is disabled, deleted or demoted below them.
 */
export class LoginsService {
  constructor(
    private readonly repo: LoginsRepository,
    private readonly authRepo: AuthRepository,
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
    private readonly roles: RolesRepository,
    private readonly notifications: NotificationService,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Logins with `lockedUntil`: failed attempts currently slow down logins from unknown addresses. */
  async search(query: { q?: string | undefined; roleId?: string | undefined; sort: LoginSort; order: 'asc' | 'desc'; offset: number; limit: number }) {
    const result = await this.repo.search(query);
    const locked = await this.throttle.lockedUntil(result.items);
    return { ...result, items: result.items.map((item) => ({ ...item, lockedUntil: locked.get(item.id) ?? null })) };
  }

  /** Forgets the failed attempts that throttle a login (password, second factor, password checks). */
  async unlock(id: string, actor: Actor): Promise<void> {
    const login = await this.get(id);
    await this.throttle.unlock(login);
    await this.audit.record(actor, 'login.unlock', { type: 'login', id });
  }

  async get(id: string): Promise<Login> {
    const login = await this.authRepo.findLogin(id);
    if (!login) throw notFound('login_not_found', 'No login has that id.');
    return login;
  }

  async create(input: { email: string; password: string; roleId: string; displayName?: string | undefined }, actor: Actor, ceiling: Ceiling) {
    enforce(checkGrant(ceiling, (await this.role(input.roleId)).permissions));
    const login = await this.auth.createLogin({ ...input, confirmed: true });
    await this.audit.record(actor, 'login.create', { type: 'login', id: login.id }, { email: login.email, roleId: input.roleId });
    return login;
  }

  async setPassword(id: string, password: string, actor: Actor, ceiling: Ceiling): Promise<void> {
    await this.getManageable(id, ceiling);
    await this.auth.setPassword(id, password);
    await this.authRepo.deleteSessionsOf(id);
    await this.audit.record(actor, 'login.set_password', { type: 'login', id });
  }

  async setRole(id: string, roleId: string, actor: Actor, ceiling: Ceiling): Promise<void> {
    const login = await this.get(id);
    const role = await this.role(roleId);
    enforce(checkAssignRole(ceiling, { id, role: await this.role(login.roleId) }, role));
    if (login.roleId === roleId) return;
    if (login.roleId === ADMIN_ROLE_ID) await this.assertNotLastAdmin(login);
    await this.authRepo.updateLogin(id, { role_id: roleId }, this.clock.now().toISOString());
    await this.audit.record(actor, 'login.set_role', { type: 'login', id }, { from: login.roleId, to: roleId });
    await this.apiKeys.revokeOutrankedKeysOf(id, role.permissions, actor);
  }

  async setDisabled(id: string, disabled: boolean, actor: Actor, ceiling: Ceiling): Promise<void> {
    const login = await this.getManageable(id, ceiling);
    if (disabled && login.roleId === ADMIN_ROLE_ID) await this.assertNotLastAdmin(login);
    await this.authRepo.updateLogin(id, { disabled }, this.clock.now().toISOString());
    if (disabled) {
      await this.authRepo.deleteSessionsOf(id);
      await this.apiKeys.revokeOutrankedKeysOf(id, null, actor);
    }
    await this.audit.record(actor, disabled ? 'login.disable' : 'login.enable', { type: 'login', id });
  }

  /** Admins can turn on emailed codes for a login (the reference's action) or turn all 2FA off. */
  async setTwoFactor(id: string, enabled: boolean, actor: Actor, ceiling: Ceiling): Promise<void> {
    const login = await this.getManageable(id, ceiling);
    if (enabled) {
      if (!(await this.notifications.emailConfigured())) {
        throw badRequest('email_not_configured', 'Emailed codes need working email settings first.');
      }
      await this.authRepo.updateLogin(id, { email_otp_enabled: true }, this.clock.now().toISOString());
      await this.audit.record(actor, 'auth.2fa_enabled', { type: 'login', id }, { method: 'email' });
    } else {
      await this.twoFactor.disableTwoFactor(login, actor);
    }
  }

  async updateProfile(id: string, patch: { displayName: string | null }, actor: Actor): Promise<Login> {
    await this.get(id);
    await this.authRepo.updateLogin(id, { display_name: patch.displayName }, this.clock.now().toISOString());
    await this.audit.record(actor, 'login.update_profile', { type: 'login', id });
    return this.get(id);
  }

  async delete(id: string, actor: Actor, ceiling: Ceiling): Promise<void> {
    const login = await this.getManageable(id, ceiling);
    if (login.roleId === ADMIN_ROLE_ID) await this.assertNotLastAdmin(login);
    // Before the row goes: deleting it clears the keys' creator, and with it who they belonged to.
    await this.apiKeys.revokeOutrankedKeysOf(id, null, actor);
    await this.authRepo.deleteLogin(id);
    await this.audit.record(actor, 'login.delete', { type: 'login', id }, { email: login.email });
  }

  private async getManageable(id: string, ceiling: Ceiling): Promise<Login> {
    const login = await this.get(id);
    enforce(checkManageLogin(ceiling, { id, role: await this.role(login.roleId) }));
    return login;
  }

  private async role(id: string): Promise<Role> {
    const role = await this.roles.find(id);
    if (!role) throw badRequest('unknown_role', 'That role does not exist.');
    return role;
  }

  private async assertNotLastAdmin(login: Login): Promise<void> {
    if (login.disabled) return;
    if ((await this.authRepo.countActiveAdmins(ADMIN_ROLE_ID)) <= 1) {
      throw conflict('last_admin', 'This is the last administrator; make another login an administrator first.');
    }
  }
}
