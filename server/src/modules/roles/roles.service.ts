import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { checkEditRole, checkGrant, type Ceiling } from '../../domain/permission-ceiling.js';
import type { ApiKeysService } from '../api-keys/api-keys.service.js';
import { enforce } from './ceiling.js';
import { isPermission } from './permissions.js';
import type { Role, RolesRepository } from './roles.repository.js';

/**
 * Custom roles; Administrator and User are built in and cannot be changed or deleted. Nobody edits
 * the role they hold, or any role or permission above their own (domain/permission-ceiling.ts).
 */
export class RolesService {
  constructor(
    private readonly repo: RolesRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(): Promise<Role[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<Role> {
    const role = await this.repo.find(id);
    if (!role) throw notFound('role_not_found', 'No role has that id.');
    return role;
  }

  async create(input: { name: string; permissions: string[] }, actor: Actor, ceiling: Ceiling): Promise<Role> {
    const permissions = this.checkPermissions(input.permissions);
    enforce(checkGrant(ceiling, permissions));
    if (await this.repo.findByName(input.name)) throw conflict('role_name_taken', 'A role with this name exists.');
    const id = newId();
    await this.repo.insert({ id, name: input.name, permissions, now: this.clock.now().toISOString() });
    await this.audit.record(actor, 'role.create', { type: 'role', id }, { name: input.name, permissions });
    return this.get(id);
  }

  async update(id: string, input: { name?: string | undefined; permissions?: string[] | undefined }, actor: Actor, ceiling: Ceiling): Promise<Role> {
    const role = await this.get(id);
    if (role.builtin) throw conflict('role_builtin', `The ${role.name} role is built in and cannot be changed.`);
    const permissions = input.permissions && this.checkPermissions(input.permissions);
    enforce(checkEditRole(ceiling, role, permissions));
    const other = input.name ? await this.repo.findByName(input.name) : undefined;
    if (other && other.id !== id) throw conflict('role_name_taken', 'A role with this name exists.');
    await this.repo.update(id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(permissions ? { permissions } : {}),
      now: this.clock.now().toISOString(),
    });
    await this.audit.record(actor, 'role.update', { type: 'role', id }, { name: input.name, permissions });
    // Fewer permissions demote every holder: their keys above the new ceiling go.
    if (permissions) await this.apiKeys.revokeOutrankedKeysOfRole(id, permissions, actor);
    return this.get(id);
  }

  async delete(id: string, actor: Actor, ceiling: Ceiling): Promise<void> {
    const role = await this.get(id);
    if (role.builtin) throw conflict('role_builtin', `The ${role.name} role is built in and cannot be deleted.`);
    enforce(checkEditRole(ceiling, role));
    const usage = await this.repo.usage(id);
    if (usage.logins > 0 || usage.apiKeys > 0) {
      throw conflict('role_in_use', 'Move the logins and API keys using this role to another role first.', usage);
    }
    await this.repo.delete(id);
    await this.audit.record(actor, 'role.delete', { type: 'role', id }, { name: role.name });
  }

  private checkPermissions(permissions: string[]): string[] {
    const unknown = permissions.filter((p) => !isPermission(p));
    if (unknown.length > 0) throw badRequest('unknown_permission', `Unknown permissions: ${unknown.join(', ')}.`, { unknown });
    return [...new Set(permissions)].sort();
  }
}
