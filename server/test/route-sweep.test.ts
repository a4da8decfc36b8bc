import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { ALL_PERMISSIONS, type Permission } from '../src/modules/roles/permissions.js';
import type { RouteEntry } from '../src/app.js';

function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'sweep-id');
}

function adminRoutes(usher: TestUsher): RouteEntry[] {
  return usher.app.routeList.filter((r) => r.url.startsWith('/api/admin/'));
}

async function call(client: TestClient, route: RouteEntry, headers: Record<string, string> = {}) {
  return client.request({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers,
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
  });
}

describeEachDb('route permission sweep', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('every admin route declares a known permission', () => {
    const routes = adminRoutes(usher);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) expect(ALL_PERMISSIONS, `${route.method} ${route.url}`).toContain(route.permission);
  });

  it('an anonymous visitor gets 401 on every /api/admin and /api/portal route', async () => {
    const anonymous = new TestClient(usher.app, '10.20.0.1');
    const routes = usher.app.routeList.filter((r) => r.url.startsWith('/api/admin/') || r.url.startsWith('/api/portal/'));
    for (const route of routes) {
      const res = await call(anonymous, route);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });

  it('a customer (User role) gets 403 on every /api/admin route', async () => {
    const customer = await loginAs(usher, admin, 'customer@example.com', 'role-user');
    for (const route of adminRoutes(usher)) {
      const res = await call(customer, route);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('a custom role gets exactly its permissions, by session and by API key', async () => {
    const granted: Permission[] = ['logins.read', 'audit.read', 'alerts.read'];
    const role = await admin.post('/api/admin/roles', { name: 'Support', permissions: granted });
    expect(role.statusCode).toBe(201);
    const roleId = role.json().id as string;
    const staff = await loginAs(usher, admin, 'support@example.com', roleId);
    const key = (await admin.post('/api/admin/api-keys', { name: 'support tooling', roleId })).json().key as string;
    const apiClient = new TestClient(usher.app, '10.20.0.2');

    for (const route of adminRoutes(usher)) {
      const allowed = granted.includes(route.permission as Permission);
      for (const [who, res] of [
        ['session', await call(staff, route)],
        ['api key', await call(apiClient, route, { authorization: `Bearer ${key}` })],
      ] as const) {
        const label = `${who}: ${route.method} ${route.url}`;
        if (allowed) expect([401, 403], label).not.toContain(res.statusCode);
        else expect(res.statusCode, label).toBe(403);
      }
    }
  });

  it('a revoked or unknown API key is refused', async () => {
    const created = (await admin.post('/api/admin/api-keys', { name: 'temp', roleId: 'role-administrator' })).json();
    const client = new TestClient(usher.app, '10.20.0.3');
    const auth = { authorization: `Bearer ${created.key}` };
    expect((await client.request({ method: 'GET', url: '/api/admin/logins', headers: auth })).statusCode).toBe(200);
    expect((await admin.delete(`/api/admin/api-keys/${created.id}`)).statusCode).toBe(200);
    const revoked = await client.request({ method: 'GET', url: '/api/admin/logins', headers: auth });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('invalid_api_key');
    const listed = (await admin.get('/api/admin/api-keys')).json().items;
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });
});
