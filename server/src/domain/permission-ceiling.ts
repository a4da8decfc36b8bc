/**
 * The permission ceiling: nobody grants more than they hold. A caller (a session's login or an API
 * key) may only create, assign, edit or mint a role, login or key whose permissions are a subset of
 * its own; nobody edits the role they act with nor changes their own role; and only a full
 * administrator ("*") touches an administrator's login. Pure: the services load the records and
 * turn a refusal into a 403.
 */

/** What the caller holds and who it is, as far as the ceiling cares. */
export interface Ceiling {
  /** The caller's permissions; "*" is a full administrator. */
  permissions: readonly string[];
  /** The role the caller acts with (a session's role, an API key's role); null for Usher itself. */
  roleId: string | null;
  /**
   * The login acting: the session's login, or for an API key the login that created it (a key acts
   * on its creator's behalf, so it cannot change its creator's role either). Null for Usher itself.
   */
  loginId: string | null;
}

/** The CLI and Usher's own jobs act with no ceiling. */
export const SYSTEM_CEILING: Ceiling = { permissions: ['*'], roleId: null, loginId: null };

export type RefusalCode = 'permission_ceiling' | 'own_role' | 'admin_only';

export interface Refusal {
  code: RefusalCode;
  message: string;
  details?: { missing: string[] };
}

interface RoleLike {
  id: string;
  permissions: readonly string[];
}

interface LoginLike {
  id: string;
  role: RoleLike;
}

export function isFullAdmin(permissions: readonly string[]): boolean {
  return permissions.includes('*');
}

/** The permissions in `wanted` that `held` does not include ("*" is only covered by "*"). */
export function missingPermissions(held: readonly string[], wanted: readonly string[]): string[] {
  if (isFullAdmin(held)) return [];
  return [...new Set(wanted.filter((p) => !held.includes(p)))].sort();
}

export function covers(held: readonly string[], wanted: readonly string[]): boolean {
  return missingPermissions(held, wanted).length === 0;
}

function ceilingRefusal(held: readonly string[], wanted: readonly string[], what: string): Refusal | null {
  const missing = missingPermissions(held, wanted);
  if (missing.length === 0) return null;
  if (missing.includes('*')) {
    return { code: 'admin_only', message: `Only a full administrator can ${what} with administrator rights.` };
  }
  return {
    code: 'permission_ceiling',
    message: `You can only ${what} with permissions you hold yourself; missing: ${missing.join(', ')}.`,
    details: { missing },
  };
}

/** Creating a role with, creating a login with, or minting a key with these permissions. */
export function checkGrant(ceiling: Ceiling, permissions: readonly string[]): Refusal | null {
  return ceilingRefusal(ceiling.permissions, permissions, 'give out a role');
}

/** Setting a login's password, resetting its 2FA, disabling or deleting it, changing its role. */
export function checkManageLogin(ceiling: Ceiling, target: LoginLike): Refusal | null {
  if (isFullAdmin(target.role.permissions) && !isFullAdmin(ceiling.permissions)) {
    return { code: 'admin_only', message: 'Only a full administrator can change an administrator’s login.' };
  }
  const missing = missingPermissions(ceiling.permissions, target.role.permissions);
  if (missing.length === 0) return null;
  return {
    code: 'permission_ceiling',
    message: `This login’s role holds permissions you do not (${missing.join(', ')}); only someone who holds them can change it.`,
    details: { missing },
  };
}

export function checkAssignRole(ceiling: Ceiling, target: LoginLike, role: RoleLike): Refusal | null {
  if (ceiling.loginId !== null && target.id === ceiling.loginId) {
    return { code: 'own_role', message: 'You cannot change your own role; ask another administrator.' };
  }
  return checkManageLogin(ceiling, target) ?? checkGrant(ceiling, role.permissions);
}

/** Renaming, changing the permissions of, or deleting a role. */
export function checkEditRole(ceiling: Ceiling, role: RoleLike, newPermissions?: readonly string[]): Refusal | null {
  if (ceiling.roleId !== null && role.id === ceiling.roleId) {
    return { code: 'own_role', message: 'You cannot change the role you hold; ask another administrator.' };
  }
  return (
    ceilingRefusal(ceiling.permissions, role.permissions, 'change a role') ??
    (newPermissions ? ceilingRefusal(ceiling.permissions, newPermissions, 'give a role permissions') : null)
  );
}

/** Revoking a key: one above the caller's ceiling belongs to someone who holds more than the caller. */
export function checkManageKey(ceiling: Ceiling, keyPermissions: readonly string[]): Refusal | null {
  return ceilingRefusal(ceiling.permissions, keyPermissions, 'revoke a key');
}
