import { Migrator, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import * as m0001 from '../src/db/migrations/0001_foundation.js';
import * as m0002 from '../src/db/migrations/0002_jobs.js';
import * as m0003 from '../src/db/migrations/0003_media_servers.js';
import * as m0004 from '../src/db/migrations/0004_login_discord.js';
import { ADMIN_ROLE_ID, USER_ROLE_ID } from '../src/modules/roles/roles.repository.js';
import { hashToken } from '../src/platform/ids.js';
import { createRole, idOf, keyCaller, keyRevoked, mintKey } from './support/admin-callers.js';
import { ADMIN_PASSWORD, createTestUsher, loginAs, setupAdmin, type TestClient, type TestUsher } from './support/app.js';
import { describeEachDb, freshDatabase, trackDisposables } from './support/db.js';

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

describeEachDb('migration 0007_privilege_ceiling', (dialect) => {
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
