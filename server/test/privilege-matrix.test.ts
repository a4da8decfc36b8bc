import { beforeAll, expect, it } from 'vitest';
import { ALL_PERMISSIONS, type Permission } from '../src/modules/roles/permissions.js';
import { ADMIN_ROLE_ID, USER_ROLE_ID } from '../src/modules/roles/roles.repository.js';
import { createRole, idOf, keyCaller, mintKey, sessionCaller, snapshot, type Caller, type Method } from './support/admin-callers.js';
import { createTestUsher, loginAs, setupAdmin, type TestClient, type TestUsher } from './support/app.js';
import { describeEachDb, trackDisposables } from './support/db.js';

const WRITE_PERMISSIONS = ALL_PERMISSIONS.filter((p) => p.endsWith('.write'));

describeEachDb('privilege escalation matrix', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let owner: TestClient;
  let ownerId: string;
  let secondAdminId: string;
  let customerId: string;
  let bigRoleId: string;
  let emptyRoleId: string;
  let ownerKeyId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    owner = await setupAdmin(usher);
    ownerId = await idOf(owner);
    // Every permission there is, but not "*": still below a full administrator.
    bigRoleId = await createRole(owner, 'Everything but admin', [...ALL_PERMISSIONS]);
    emptyRoleId = await createRole(owner, 'Nothing yet', []);
    const second = await owner.post('/api/admin/logins', {
      email: 'second-admin@example.com',
      password: 'Second-Admin-2!',
      roleId: ADMIN_ROLE_ID,
    });
    secondAdminId = second.json().id as string;
    expect((await owner.put(`/api/admin/logins/${secondAdminId}/two-factor`, { enabled: true })).statusCode).toBe(200);
    customerId = (
      await owner.post('/api/admin/logins', { email: 'customer@example.com', password: 'Customer-Pass-3!', roleId: USER_ROLE_ID })
    ).json().id as string;
    ownerKeyId = (await mintKey(owner, 'owner automation', ADMIN_ROLE_ID)).id;
  });

  /**
   * Each escalation path, with the permission that lets a caller reach it at all and the code the
   * ceiling answers with once it does. `self` is the login the caller acts for.
   */
  function attempts(self: { loginId: string; roleId: string }) {
    let n = 0;
    const email = () => `escalate-${Date.now().toString(36)}-${n++}@example.com`;
    const all = [...ALL_PERMISSIONS];
    return [
      [
        'create an administrator login',
        'logins.write',
        'admin_only',
        'POST',
        '/api/admin/logins',
        () => ({ email: email(), password: 'Escalate-Pass-9!', roleId: ADMIN_ROLE_ID }),
      ],
      [
        'create a login with a bigger role',
        'logins.write',
        'permission_ceiling',
        'POST',
        '/api/admin/logins',
        () => ({ email: email(), password: 'Escalate-Pass-9!', roleId: bigRoleId }),
      ],
      [
        'change its own role',
        'logins.write',
        'own_role',
        'PUT',
        `/api/admin/logins/${self.loginId}/role`,
        () => ({ roleId: ADMIN_ROLE_ID }),
      ],
      [
        'promote a customer to administrator',
        'logins.write',
        'admin_only',
        'PUT',
        `/api/admin/logins/${customerId}/role`,
        () => ({ roleId: ADMIN_ROLE_ID }),
      ],
      [
        'promote a customer to a bigger role',
        'logins.write',
        'permission_ceiling',
        'PUT',
        `/api/admin/logins/${customerId}/role`,
        () => ({ roleId: bigRoleId }),
      ],
      [
        'reset the owner’s password',
        'logins.write',
        'admin_only',
        'PUT',
        `/api/admin/logins/${ownerId}/password`,
        () => ({ password: 'Taken-Over-77!' }),
      ],
      [
        'reset another admin’s password',
        'logins.write',
        'admin_only',
        'PUT',
        `/api/admin/logins/${secondAdminId}/password`,
        () => ({ password: 'Taken-Over-77!' }),
      ],
      [
        'reset another admin’s 2FA',
        'logins.write',
        'admin_only',
        'PUT',
        `/api/admin/logins/${secondAdminId}/two-factor`,
        () => ({ enabled: false }),
      ],
      ['disable an admin', 'logins.write', 'admin_only', 'PUT', `/api/admin/logins/${secondAdminId}/disabled`, () => ({ disabled: true })],
      ['delete an admin', 'logins.write', 'admin_only', 'DELETE', `/api/admin/logins/${secondAdminId}`, () => undefined],
      ['edit its own role', 'roles.write', 'own_role', 'PATCH', `/api/admin/roles/${self.roleId}`, () => ({ permissions: all })],
      [
        'create a bigger role',
        'roles.write',
        'permission_ceiling',
        'POST',
        '/api/admin/roles',
        () => ({ name: email(), permissions: all }),
      ],
      ['grow another role', 'roles.write', 'permission_ceiling', 'PATCH', `/api/admin/roles/${emptyRoleId}`, () => ({ permissions: all })],
      ['shrink a bigger role', 'roles.write', 'permission_ceiling', 'PATCH', `/api/admin/roles/${bigRoleId}`, () => ({ permissions: [] })],
      [
        'mint an administrator key',
        'apikeys.write',
        'admin_only',
        'POST',
        '/api/admin/api-keys',
        () => ({ name: 'escalate', roleId: ADMIN_ROLE_ID }),
      ],
      [
        'mint a bigger key',
        'apikeys.write',
        'permission_ceiling',
        'POST',
        '/api/admin/api-keys',
        () => ({ name: 'escalate', roleId: bigRoleId }),
      ],
      ['revoke an administrator key', 'apikeys.write', 'admin_only', 'DELETE', `/api/admin/api-keys/${ownerKeyId}`, () => undefined],
    ] as const satisfies readonly (readonly [string, Permission, string, Method, string, () => object | undefined])[];
  }

  async function expectEveryPathRefused(caller: Caller, who: string, held: Permission, self: { loginId: string; roleId: string }) {
    const before = await snapshot(usher);
    for (const [what, needed, code, method, url, body] of attempts(self)) {
      const res = await caller.send(method, url, body());
      const label = `${who} holding only ${held}: ${what}`;
      expect(res.statusCode, `${label}: ${res.body}`).toBe(403);
      // The route's permission gate answers "forbidden"; once past it, the ceiling must refuse.
      expect(res.json().error.code, label).toBe(held === needed ? code : 'forbidden');
      expect(res.json().error.message, label).toMatch(/\w+ \w+/);
    }
    expect(await snapshot(usher), `${who} holding only ${held} changed nothing`).toEqual(before);
  }

  for (const permission of WRITE_PERMISSIONS) {
    it(`a role holding only ${permission} cannot escalate, by session or by API key`, async () => {
      const roleId = await createRole(owner, `Only ${permission}`, [permission]);
      const staff = await loginAs(usher, owner, `only-${permission.replace('.', '-')}@example.com`, roleId);
      const staffId = await idOf(staff);
      await expectEveryPathRefused(sessionCaller(staff), 'session', permission, { loginId: staffId, roleId });
      // The owner mints it, so the key acts for the owner: "its own role" is then the owner's.
      const key = await mintKey(owner, `only ${permission}`, roleId);
      await expectEveryPathRefused(keyCaller(usher, key.key), 'API key', permission, { loginId: ownerId, roleId });
    });
  }

  it('checks every write permission there is', () => {
    expect(WRITE_PERMISSIONS).toEqual(expect.arrayContaining(['logins.write', 'roles.write', 'apikeys.write', 'settings.write']));
    expect(WRITE_PERMISSIONS.length).toBeGreaterThanOrEqual(10);
  });

  it('a staff role with logins.write and members.read manages logins within its ceiling', async () => {
    const staffRole = await createRole(owner, 'Helpdesk', ['logins.write', 'logins.read', 'members.read']);
    const readerRole = await createRole(owner, 'Member reader', ['members.read']);
    const staff = await loginAs(usher, owner, 'helpdesk@example.com', staffRole);
    const created = await staff.post('/api/admin/logins', { email: 'reader@example.com', password: 'Reader-Pass-44!', roleId: readerRole });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await staff.put(`/api/admin/logins/${id}/role`, { roleId: USER_ROLE_ID })).statusCode).toBe(200);
    expect((await staff.put(`/api/admin/logins/${id}/role`, { roleId: readerRole })).statusCode).toBe(200);
    expect((await staff.put(`/api/admin/logins/${id}/password`, { password: 'Reader-Pass-55!' })).statusCode).toBe(200);
    expect((await staff.put(`/api/admin/logins/${id}/two-factor`, { enabled: true })).statusCode).toBe(200);
    expect((await staff.put(`/api/admin/logins/${id}/disabled`, { disabled: true })).statusCode).toBe(200);
    expect((await staff.delete(`/api/admin/logins/${id}`)).statusCode).toBe(200);
    // One permission more than it holds is one too many, and says which.
    const writerRole = await createRole(owner, 'Member writer', ['members.read', 'members.write']);
    const refused = await staff.post('/api/admin/logins', { email: 'writer@example.com', password: 'Writer-Pass-66!', roleId: writerRole });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'permission_ceiling', details: { missing: ['members.write'] } });
  });

  it('a role editor creates and edits roles below itself, never its own', async () => {
    const editorRole = await createRole(owner, 'Role editor', ['roles.write', 'roles.read', 'members.read', 'members.write']);
    const editor = await loginAs(usher, owner, 'role-editor@example.com', editorRole);
    const made = await editor.post('/api/admin/roles', { name: 'Readers', permissions: ['members.read'] });
    expect(made.statusCode).toBe(201);
    const grown = await editor.patch(`/api/admin/roles/${made.json().id}`, { permissions: ['members.read', 'members.write'] });
    expect(grown.json().permissions).toEqual(['members.read', 'members.write']);
    expect((await editor.delete(`/api/admin/roles/${made.json().id}`)).statusCode).toBe(200);
    expect((await editor.patch(`/api/admin/roles/${editorRole}`, { name: 'Renamed' })).json().error.code).toBe('own_role');
  });

  it('a key minter mints keys below itself, which work and belong to it', async () => {
    const minterRole = await createRole(owner, 'Key minter', ['apikeys.write', 'apikeys.read', 'members.read']);
    const readerRole = await createRole(owner, 'Key reader', ['members.read']);
    const minter = await loginAs(usher, owner, 'minter@example.com', minterRole);
    const minterId = await idOf(minter);
    const key = await mintKey(minter, 'reader script', readerRole);
    expect((await keyCaller(usher, key.key).send('GET', '/api/admin/members')).statusCode).toBe(200);
    // A key minted by a key belongs to the same login.
    const minterKey = await mintKey(minter, 'minter script', minterRole);
    const child = await keyCaller(usher, minterKey.key).send('POST', '/api/admin/api-keys', { name: 'child', roleId: readerRole });
    expect(child.statusCode).toBe(201);
    const listed = (await owner.get('/api/admin/api-keys')).json().items as { id: string; createdBy: string | null }[];
    expect(listed.find((k) => k.id === child.json().id)?.createdBy).toBe(minterId);
    expect((await minter.delete(`/api/admin/api-keys/${key.id}`)).statusCode).toBe(200);
  });
});
