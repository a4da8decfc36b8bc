import type { LightMyRequestResponse } from 'fastify';
import { Migrator, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import * as m0001 from '../src/db/migrations/0001_foundation.js';
import * as m0002 from '../src/db/migrations/0002_jobs.js';
import * as m0003 from '../src/db/migrations/0003_media_servers.js';
import * as m0004 from '../src/db/migrations/0004_login_discord.js';
import { ALL_PERMISSIONS, type Permission } from '../src/modules/roles/permissions.js';
import { ADMIN_ROLE_ID, USER_ROLE_ID } from '../src/modules/roles/roles.repository.js';
import { hashToken } from '../src/platform/ids.js';
import { ADMIN_PASSWORD, createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { describeEachDb, freshDatabase, trackDisposables } from './support/db.js';

const WRITE_PERMISSIONS = ALL_PERMISSIONS.filter((p) => p.endsWith('.write'));

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Someone calling the admin API: a logged-in session or a bearer API key. */
interface Caller {
  send(method: Method, url: string, payload?: object): Promise<LightMyRequestResponse>;
}

function sessionCaller(client: TestClient): Caller {
  return { send: (method, url, payload) => client.request({ method, url, ...(payload ? { payload } : {}) }) };
}

function keyCaller(usher: TestUsher, key: string): Caller {
  const client = new TestClient(usher.app, '10.77.0.1');
  return {
    send: (method, url, payload) =>
      client.request({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) }),
  };
}

async function idOf(client: TestClient): Promise<string> {
  return (await client.get('/api/auth/session')).json().login.id as string;
}

async function mintKey(client: TestClient, name: string, roleId: string): Promise<{ id: string; key: string }> {
  const res = await client.post('/api/admin/api-keys', { name, roleId });
  if (res.statusCode !== 201) throw new Error(`mint ${name} failed: ${res.body}`);
  return res.json();
}

async function createRole(admin: TestClient, name: string, permissions: string[]): Promise<string> {
  const res = await admin.post('/api/admin/roles', { name, permissions });
  if (res.statusCode !== 201) throw new Error(`role ${name} failed: ${res.body}`);
  return res.json().id as string;
}

/** Everything an escalation could change: who has which role, password, 2FA and state; roles; keys. */
async function snapshot(usher: TestUsher) {
  const db = usher.db.handle.db;
  return {
    logins: await db
      .selectFrom('logins')
      .select(['id', 'email', 'role_id', 'password_hash', 'disabled', 'totp_enabled', 'email_otp_enabled'])
      .orderBy('id')
      .execute(),
    roles: await db.selectFrom('roles').select(['id', 'name', 'permissions']).orderBy('id').execute(),
    keys: await db.selectFrom('api_keys').select(['id', 'role_id', 'revoked_at']).orderBy('id').execute(),
  };
}

async function keyRevoked(usher: TestUsher, id: string): Promise<boolean> {
  const row = await usher.db.handle.db.selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
  return row.revoked_at !== null;
}

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

describeEachDb('API keys follow their creator', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let owner: TestClient;
  let minterRole: string;
  let readerRole: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    owner = await setupAdmin(usher);
    minterRole = await createRole(owner, 'Minter', ['apikeys.write', 'members.read', 'servers.read']);
    readerRole = await createRole(owner, 'Reader', ['members.read']);
  });

  async function staffWithKeys(email: string, roleId: string, keyRoles: string[]) {
    const staff = await loginAs(usher, owner, email, roleId);
    const keys = [];
    for (const [i, keyRole] of keyRoles.entries()) keys.push(await mintKey(staff, `${email} ${i}`, keyRole));
    return { staff, id: await idOf(staff), keys };
  }

  async function works(key: string): Promise<boolean> {
    const res = await keyCaller(usher, key).send('GET', '/api/admin/members');
    if (res.statusCode !== 200) expect(res.json().error.code).toBe('invalid_api_key');
    return res.statusCode === 200;
  }

  it('revokes every key of a disabled login, and they stay revoked when it is enabled again', async () => {
    const { id, keys } = await staffWithKeys('disabled@example.com', minterRole, [readerRole, minterRole]);
    expect(await works(keys[0]!.key)).toBe(true);
    expect((await owner.put(`/api/admin/logins/${id}/disabled`, { disabled: true })).statusCode).toBe(200);
    for (const key of keys) {
      expect(await keyRevoked(usher, key.id)).toBe(true);
      expect(await works(key.key)).toBe(false);
    }
    expect((await owner.put(`/api/admin/logins/${id}/disabled`, { disabled: false })).statusCode).toBe(200);
    expect(await works(keys[0]!.key)).toBe(false);
  });

  it('revokes every key of a deleted login', async () => {
    const { id, keys } = await staffWithKeys('deleted@example.com', minterRole, [readerRole]);
    expect((await owner.delete(`/api/admin/logins/${id}`)).statusCode).toBe(200);
    expect(await keyRevoked(usher, keys[0]!.id)).toBe(true);
    expect(await works(keys[0]!.key)).toBe(false);
  });

  it('on demotion revokes exactly the keys the new role no longer covers', async () => {
    const { id, keys } = await staffWithKeys('demoted@example.com', minterRole, [readerRole, minterRole]);
    const [kept, outranked] = keys as [{ id: string; key: string }, { id: string; key: string }];
    expect((await owner.put(`/api/admin/logins/${id}/role`, { roleId: readerRole })).statusCode).toBe(200);
    expect(await keyRevoked(usher, outranked.id)).toBe(true);
    expect(await works(outranked.key)).toBe(false);
    expect(await keyRevoked(usher, kept.id)).toBe(false);
    expect(await works(kept.key)).toBe(true);
  });

  it('a role that loses permissions takes its holders’ keys above the new set with it', async () => {
    const shrinking = await createRole(owner, 'Shrinking', ['apikeys.write', 'members.read', 'servers.read']);
    const serversRole = await createRole(owner, 'Servers reader', ['servers.read']);
    const { keys } = await staffWithKeys('shrinking@example.com', shrinking, [serversRole, readerRole]);
    const [outranked, kept] = keys as [{ id: string; key: string }, { id: string; key: string }];
    expect((await owner.patch(`/api/admin/roles/${shrinking}`, { permissions: ['apikeys.write', 'members.read'] })).statusCode).toBe(200);
    expect(await keyRevoked(usher, outranked.id)).toBe(true);
    expect(await keyRevoked(usher, kept.id)).toBe(false);
    expect(await works(kept.key)).toBe(true);
  });

  it('refuses a key whose creator no longer covers it, even if it was never revoked', async () => {
    const { id, keys } = await staffWithKeys('bypassed@example.com', minterRole, [minterRole]);
    // As if the role had changed behind the services' back (an old version, a manual SQL fix).
    await usher.db.handle.db.updateTable('logins').set({ role_id: readerRole }).where('id', '=', id).execute();
    expect(await keyRevoked(usher, keys[0]!.id)).toBe(false);
    expect(await works(keys[0]!.key)).toBe(false);
  });

  it('never honours a key that has no creator login', async () => {
    // What a key minted by another key, or left by a deleted login, looked like before the ceiling.
    const key = 'ush_orphaned-key-from-an-older-version-0001';
    await usher.db.handle.db
      .insertInto('api_keys')
      .values({
        id: 'orphan',
        name: 'orphan',
        prefix: key.slice(0, 10),
        key_hash: hashToken(key),
        role_id: ADMIN_ROLE_ID,
        created_by: null,
        created_at: '2026-01-01T00:00:00.000Z',
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    expect(await works(key)).toBe(false);
  });
});

describeEachDb('two-factor for every staff role', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let owner: TestClient;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    owner = await setupAdmin(usher);
  });

  it('blocks staff sessions and keys of logins without 2FA while it is on, customers unaffected', async () => {
    const staffRole = await createRole(owner, 'Support', ['apikeys.write', 'members.read']);
    const staff = await loginAs(usher, owner, 'support@example.com', staffRole);
    const staffId = await idOf(staff);
    const readerRole = await createRole(owner, 'Reader', ['members.read']);
    const staffKey = await mintKey(staff, 'support script', readerRole);
    const customer = await loginAs(usher, owner, 'customer@example.com', USER_ROLE_ID);
    const useKey = () => keyCaller(usher, staffKey.key).send('GET', '/api/admin/members');
    expect((await useKey()).statusCode).toBe(200);

    expect((await owner.post('/api/auth/2fa/email', { enabled: true, password: ADMIN_PASSWORD })).statusCode).toBe(200);
    expect((await owner.put('/api/admin/settings/security', { values: { requireTwoFactorForAdmins: true } })).statusCode).toBe(200);

    const session = await staff.get('/api/admin/members');
    expect(session.statusCode).toBe(403);
    expect(session.json().error.code).toBe('two_factor_required');
    expect((await staff.get('/api/auth/session')).json().login.twoFactorRequired).toBe(true);
    const minted = await staff.post('/api/admin/api-keys', { name: 'another', roleId: readerRole });
    expect(minted.statusCode).toBe(403);
    expect(minted.json().error.code).toBe('two_factor_required');
    const byKey = await useKey();
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().error.code).toBe('two_factor_required');
    expect((await customer.get('/api/auth/session')).json().login.twoFactorRequired).toBe(false);
    expect((await customer.get('/api/portal/account')).statusCode).toBe(200);
    const keysNow = await usher.db.handle.db.selectFrom('api_keys').select('id').execute();
    expect(keysNow).toHaveLength(1);

    // With a second factor the login's session and keys work again.
    expect((await owner.put(`/api/admin/logins/${staffId}/two-factor`, { enabled: true })).statusCode).toBe(200);
    expect((await useKey()).statusCode).toBe(200);
    expect((await staff.get('/api/admin/members')).statusCode).toBe(200);
    expect((await staff.post('/api/admin/api-keys', { name: 'another', roleId: readerRole })).statusCode).toBe(201);

    expect((await owner.put('/api/admin/settings/security', { values: { requireTwoFactorForAdmins: false } })).statusCode).toBe(200);
  });
});

describeEachDb('migration 0005_privilege_ceiling', (dialect) => {
  const track = trackDisposables();

  it('revokes the keys no login answers for, and only those', async () => {
    const fresh = track(await freshDatabase(dialect, { migrate: false }));
    const db = fresh.handle.db;
    // As db/migrate.ts does: on PostgreSQL, Kysely's bookkeeping must live in this file's schema.
    const schema =
      dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
    const upTo0004 = new Migrator({
      db,
      provider: {
        getMigrations: () =>
          Promise.resolve({ '0001_foundation': m0001, '0002_jobs': m0002, '0003_media_servers': m0003, '0004_login_discord': m0004 }),
      },
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const first = await upTo0004.migrateToLatest();
    expect(first.error).toBeUndefined();
    const now = '2026-01-01T00:00:00.000Z';
    await db
      .insertInto('logins')
      .values({
        id: 'creator',
        email: 'creator@example.com',
        password_hash: null,
        role_id: ADMIN_ROLE_ID,
        display_name: null,
        email_confirmed_at: now,
        disabled: false,
        totp_secret: null,
        totp_enabled: false,
        email_otp_enabled: false,
        created_at: now,
        updated_at: now,
        last_login_at: null,
        discord_username: null,
        discord_id: null,
      })
      .execute();
    const key = (id: string, createdBy: string | null) => ({
      id,
      name: id,
      prefix: id,
      key_hash: `hash-${id}`,
      role_id: ADMIN_ROLE_ID,
      created_by: createdBy,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    });
    await db
      .insertInto('api_keys')
      .values([key('owned', 'creator'), key('orphan', null)])
      .execute();

    await migrateToLatest(fresh.handle);
    const keys = await db.selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute();
    expect(keys.map((k) => [k.id, k.revoked_at !== null])).toEqual([
      ['orphan', true],
      ['owned', false],
    ]);
  });
});
