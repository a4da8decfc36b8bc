import type { LightMyRequestResponse } from 'fastify';
import { TestClient, type TestUsher } from './app.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Someone calling the admin API: a logged-in session or a bearer API key. */
export interface Caller {
  send(method: Method, url: string, payload?: object): Promise<LightMyRequestResponse>;
}

export function sessionCaller(client: TestClient): Caller {
  return { send: (method, url, payload) => client.request({ method, url, ...(payload ? { payload } : {}) }) };
}

export function keyCaller(usher: TestUsher, key: string): Caller {
  const client = new TestClient(usher.app, '10.77.0.1');
  return {
    send: (method, url, payload) =>
      client.request({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) }),
  };
}

export async function idOf(client: TestClient): Promise<string> {
  return (await client.get('/api/auth/session')).json().login.id as string;
}

export async function mintKey(client: TestClient, name: string, roleId: string): Promise<{ id: string; key: string }> {
  const res = await client.post('/api/admin/api-keys', { name, roleId });
  if (res.statusCode !== 201) throw new Error(`mint ${name} failed: ${res.body}`);
  return res.json();
}

export async function createRole(admin: TestClient, name: string, permissions: string[]): Promise<string> {
  const res = await admin.post('/api/admin/roles', { name, permissions });
  if (res.statusCode !== 201) throw new Error(`role ${name} failed: ${res.body}`);
  return res.json().id as string;
}

/** Everything an escalation could change: who has which role, password, 2FA and state; roles; keys. */
export async function snapshot(usher: TestUsher) {
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

export async function keyRevoked(usher: TestUsher, id: string): Promise<boolean> {
  const row = await usher.db.handle.db.selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
  return row.revoked_at !== null;
}
