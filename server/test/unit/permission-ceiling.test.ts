import { describe, expect, it } from 'vitest';
import {
  checkAssignRole,
  checkEditRole,
  checkGrant,
  checkManageKey,
  checkManageLogin,
  covers,
  missingPermissions,
  SYSTEM_CEILING,
  type Ceiling,
} from '../../src/domain/permission-ceiling.js';

const admin = { id: 'role-administrator', permissions: ['*'] };
const customer = { id: 'role-user', permissions: [] as string[] };
const helpdesk = { id: 'role-helpdesk', permissions: ['logins.write', 'members.read'] };
const reader = { id: 'role-reader', permissions: ['members.read'] };
const billing = { id: 'role-billing', permissions: ['payments.read'] };

const staff: Ceiling = { permissions: helpdesk.permissions, roleId: helpdesk.id, loginId: 'login-staff' };
const owner: Ceiling = { permissions: ['*'], roleId: admin.id, loginId: 'login-owner' };

describe('permission ceiling', () => {
  it('covers subsets only, and "*" only with "*"', () => {
    expect(covers(['a', 'b'], ['a'])).toBe(true);
    expect(covers(['a', 'b'], [])).toBe(true);
    expect(covers(['a'], ['a', 'b'])).toBe(false);
    expect(covers(['*'], ['a', '*'])).toBe(true);
    expect(covers(['a', 'b'], ['*'])).toBe(false);
    expect(missingPermissions(['a'], ['c', 'b', 'a', 'b'])).toEqual(['b', 'c']);
  });

  it('grants what the caller holds and nothing more', () => {
    expect(checkGrant(staff, reader.permissions)).toBeNull();
    expect(checkGrant(staff, customer.permissions)).toBeNull();
    expect(checkGrant(staff, billing.permissions)).toMatchObject({ code: 'permission_ceiling', details: { missing: ['payments.read'] } });
    expect(checkGrant(staff, admin.permissions)?.code).toBe('admin_only');
    expect(checkGrant(owner, admin.permissions)).toBeNull();
    expect(checkGrant(SYSTEM_CEILING, admin.permissions)).toBeNull();
  });

  it('only a full administrator manages an administrator login, and no one a login above them', () => {
    expect(checkManageLogin(staff, { id: 'l1', role: admin })?.code).toBe('admin_only');
    expect(checkManageLogin(staff, { id: 'l1', role: billing })?.code).toBe('permission_ceiling');
    expect(checkManageLogin(staff, { id: 'l1', role: reader })).toBeNull();
    expect(checkManageLogin(staff, { id: 'l1', role: customer })).toBeNull();
    expect(checkManageLogin(owner, { id: 'l1', role: admin })).toBeNull();
  });

  it('nobody changes their own role, nor assigns a role above theirs', () => {
    expect(checkAssignRole(staff, { id: 'login-staff', role: helpdesk }, reader)?.code).toBe('own_role');
    expect(checkAssignRole(owner, { id: 'login-owner', role: admin }, reader)?.code).toBe('own_role');
    expect(checkAssignRole(staff, { id: 'l1', role: customer }, admin)?.code).toBe('admin_only');
    expect(checkAssignRole(staff, { id: 'l1', role: customer }, billing)?.code).toBe('permission_ceiling');
    expect(checkAssignRole(staff, { id: 'l1', role: billing }, customer)?.code).toBe('permission_ceiling');
    expect(checkAssignRole(staff, { id: 'l1', role: customer }, reader)).toBeNull();
    expect(checkAssignRole(SYSTEM_CEILING, { id: 'l1', role: customer }, admin)).toBeNull();
  });

  it('nobody edits the role they hold or a role above theirs, nor adds permissions they lack', () => {
    expect(checkEditRole(staff, helpdesk, ['logins.write'])?.code).toBe('own_role');
    expect(checkEditRole(staff, helpdesk)?.code).toBe('own_role');
    expect(checkEditRole(staff, billing)?.code).toBe('permission_ceiling');
    expect(checkEditRole(staff, reader, ['members.read', 'members.write'])).toMatchObject({
      code: 'permission_ceiling',
      details: { missing: ['members.write'] },
    });
    expect(checkEditRole(staff, reader, ['members.read', 'logins.write'])).toBeNull();
    expect(checkEditRole(owner, billing, ['payments.read', 'payments.write'])).toBeNull();
  });

  it('keys above the caller are not theirs to revoke', () => {
    expect(checkManageKey(staff, admin.permissions)?.code).toBe('admin_only');
    expect(checkManageKey(staff, billing.permissions)?.code).toBe('permission_ceiling');
    expect(checkManageKey(staff, reader.permissions)).toBeNull();
  });
});
