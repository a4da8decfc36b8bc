import type { Clock } from '../../platform/clock.js';
import { MINUTE_MS } from '../../platform/clock.js';
import { hashToken, newId, randomToken } from '../../platform/ids.js';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import { checkGrant, checkManageKey, covers, type Ceiling } from '../../domain/permission-ceiling.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { enforce } from '../roles/ceiling.js';
import type { Role, RolesRepository } from '../roles/roles.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { ApiKeysRepository, KeyGrant } from './api-keys.repository.js';

const KEY_PREFIX = 'ush_';

export interface AuthenticatedKey {
  id: string;
  name: string;
  role: Role;
  /** The login the key acts for; always set for a key that is honoured. */
  createdBy: string;
}

/**
 * API keys act with the permissions of the role they are scoped to; the key is shown once. A key
 * never outranks the login that created it: it is honoured only while that login is enabled, still
 * holds every permission of the key's role, and (when staff must use 2FA) has a second factor.
 */
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly roles: RolesRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list() {
    return this.repo.list();
  }

  async create(input: { name: string; roleId: string }, actor: Actor, ceiling: Ceiling) {
    const role = await this.roles.find(input.roleId);
    if (!role) throw badRequest('unknown_role', 'That role does not exist.');
    if (role.builtin === 'user') throw badRequest('role_not_allowed', 'API keys cannot use the User role; pick an admin role.');
    enforce(checkGrant(ceiling, role.permissions));
    // A key minted by a key belongs to the same login, so revoking that login's keys reaches it too.
    if (ceiling.loginId === null) throw forbidden('key_needs_login', 'API keys are minted by a login (or a key a login created).');
    const secret = randomToken(30);
    const key = `${KEY_PREFIX}${secret}`;
    const id = newId();
    await this.repo.insert({
      id,
      name: input.name,
      prefix: key.slice(0, 10),
      keyHash: hashToken(key),
      roleId: role.id,
      createdBy: ceiling.loginId,
      now: this.clock.now().toISOString(),
    });
    await this.audit.record(actor, 'api_key.create', { type: 'api_key', id }, { name: input.name, role: role.name });
    return { id, key };
  }

  async revoke(id: string, actor: Actor, ceiling: Ceiling): Promise<void> {
    const key = await this.repo.findActive(id);
    if (!key) throw notFound('api_key_not_found', 'No active API key has that id.');
    enforce(checkManageKey(ceiling, key.permissions));
    await this.revokeAll([key], actor, 'revoked');
  }

  /**
   * Revokes the keys a login created that its permissions no longer cover; `null` (the login was
   * disabled or deleted) revokes all of them.
   */
  async revokeOutrankedKeysOf(loginId: string, permissions: readonly string[] | null, actor: Actor): Promise<void> {
    const keys = await this.repo.activeCreatedBy(loginId);
    const outranked = permissions === null ? keys : keys.filter((k) => !covers(permissions, k.permissions));
    await this.revokeAll(outranked, actor, permissions === null ? 'creator_removed' : 'creator_demoted');
  }

  /** After a role lost permissions: revokes its holders' keys that now outrank them. */
  async revokeOutrankedKeysOfRole(roleId: string, permissions: readonly string[], actor: Actor): Promise<void> {
    const keys = await this.repo.activeCreatedByHoldersOf(roleId);
    await this.revokeAll(keys.filter((k) => !covers(permissions, k.permissions)), actor, 'creator_demoted');
  }

  async authenticate(key: string): Promise<AuthenticatedKey | null> {
    if (!key.startsWith(KEY_PREFIX)) return null;
    const row = await this.repo.findActiveByHash(hashToken(key));
    if (!row?.creator || row.creator.disabled) return null;
    const [role, creatorRole] = await Promise.all([this.roles.find(row.roleId), this.roles.find(row.creator.roleId)]);
    if (!role || !creatorRole || !covers(creatorRole.permissions, role.permissions)) return null;
    if (!row.creator.twoFactor && (await this.settings.get('security')).requireTwoFactorForAdmins) {
      throw forbidden(
        'two_factor_required',
        'Staff must use two-factor authentication: the login that created this key has to turn it on before the key works again.',
      );
    }
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > MINUTE_MS) {
      await this.repo.touch(row.id, now.toISOString());
    }
    return { id: row.id, name: row.name, role, createdBy: row.creator.id };
  }

  private async revokeAll(keys: KeyGrant[], actor: Actor, reason: string): Promise<void> {
    const now = this.clock.now().toISOString();
    for (const key of keys) {
      if (!(await this.repo.revoke(key.id, now))) continue;
      await this.audit.record(actor, 'api_key.revoke', { type: 'api_key', id: key.id }, reason === 'revoked' ? undefined : { name: key.name, reason });
    }
  }
}
