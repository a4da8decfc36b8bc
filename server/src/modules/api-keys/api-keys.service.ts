import type { Clock } from '../../platform/clock.js';
import { MINUTE_MS } from '../../platform/clock.js';
import { hashToken, newId, randomToken } from '../../platform/ids.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Role, RolesRepository } from '../roles/roles.repository.js';
import type { ApiKeysRepository } from './api-keys.repository.js';

const KEY_PREFIX = 'ush_';

/** API keys act with the permissions of the role they are scoped to; the key is shown once. */
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly roles: RolesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list() {
    return this.repo.list();
  }

  async create(input: { name: string; roleId: string }, actor: Actor) {
    const role = await this.roles.find(input.roleId);
    if (!role) throw badRequest('unknown_role', 'That role does not exist.');
    if (role.builtin === 'user') throw badRequest('role_not_allowed', 'API keys cannot use the User role; pick an admin role.');
    const secret = randomToken(30);
    const key = `${KEY_PREFIX}${secret}`;
    const id = newId();
    await this.repo.insert({
      id,
      name: input.name,
      prefix: key.slice(0, 10),
      keyHash: hashToken(key),
      roleId: role.id,
      createdBy: actor.type === 'login' ? actor.id : null,
      now: this.clock.now().toISOString(),
    });
    await this.audit.record(actor, 'api_key.create', { type: 'api_key', id }, { name: input.name, role: role.name });
    return { id, key };
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    if (!(await this.repo.revoke(id, this.clock.now().toISOString()))) {
      throw notFound('api_key_not_found', 'No active API key has that id.');
    }
    await this.audit.record(actor, 'api_key.revoke', { type: 'api_key', id });
  }

  async authenticate(key: string): Promise<{ id: string; name: string; role: Role } | null> {
    if (!key.startsWith(KEY_PREFIX)) return null;
    const row = await this.repo.findActiveByHash(hashToken(key));
    if (!row) return null;
    const role = await this.roles.find(row.role_id);
    if (!role) return null;
    const now = this.clock.now();
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > MINUTE_MS) {
      await this.repo.touch(row.id, now.toISOString());
    }
    return { id: row.id, name: row.name, role };
  }
}
