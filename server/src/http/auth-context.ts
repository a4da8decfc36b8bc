import type { Login, Session } from '../modules/auth/auth.repository.js';
import type { Actor } from '../modules/audit/audit.service.js';
import type { Role } from '../modules/roles/roles.repository.js';
import { grants, type Permission } from '../modules/roles/permissions.js';
import type { Ceiling } from '../domain/permission-ceiling.js';

/** Who is making the request, resolved once per request by the auth plugin. */
export type AuthContext =
  | { kind: 'anonymous' }
  /** Password accepted, second factor pending: may only finish the 2FA step or log out. */
  | { kind: 'second_factor'; session: Session; login: Login }
  | { kind: 'login'; session: Session; login: Login; role: Role }
  /** `createdBy`: the login the key acts for (its permissions cap the key's). */
  | { kind: 'api_key'; keyId: string; keyName: string; role: Role; createdBy: string };

export function permissionsOf(auth: AuthContext): string[] {
  return auth.kind === 'login' || auth.kind === 'api_key' ? auth.role.permissions : [];
}

export function can(auth: AuthContext, permission: Permission): boolean {
  return grants(permissionsOf(auth), permission);
}

/** What a caller may hand out: the services check every grant, assignment and edit against it. */
export function ceilingOf(auth: AuthContext): Ceiling {
  switch (auth.kind) {
    case 'login':
      return { permissions: auth.role.permissions, roleId: auth.role.id, loginId: auth.login.id };
    case 'api_key':
      return { permissions: auth.role.permissions, roleId: auth.role.id, loginId: auth.createdBy };
    default:
      return { permissions: [], roleId: null, loginId: null };
  }
}

export function actorOf(auth: AuthContext, ip: string | null): Actor {
  switch (auth.kind) {
    case 'login':
    case 'second_factor':
      return { type: 'login', id: auth.login.id, label: auth.login.email, ip };
    case 'api_key':
      return { type: 'api_key', id: auth.keyId, label: auth.keyName, ip };
    case 'anonymous':
      return { type: 'anonymous', id: null, label: null, ip };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
  interface FastifyContextConfig {
    /** Required on every /api/admin route: the permission a caller needs. */
    permission?: Permission;
    /** Routes that accept a second-factor-pending session (finish 2FA, log out). */
    allowSecondFactor?: boolean;
  }
}
