import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJellyfinFake, startPlexFakes, type MediaBrowserFake, type PlexFakes } from '../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestUsher, setupAdmin, TestClient, type TestUsher } from './support/app.js';
import { ALL_SECRET_FIELDS } from '../src/modules/settings/settings.schema.js';
import type { RouteEntry } from '../src/app.js';

const CANARY = 'canary-5ecret-9f3a7c21';

function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'sweep-id');
}

// Routes that end the sweeping session; they are exercised on their own elsewhere.
const SESSION_ENDING = new Set(['POST /api/auth/logout']);

describeEachDb('secrets never leave the server', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let plex: PlexFakes;
  let jellyfin: MediaBrowserFake;
  beforeAll(async () => {
    // Integration credentials are secrets too: the fakes accept canary values as real ones.
    plex = await startPlexFakes({ servers: 1, usersPerServer: 2, owner: { token: `${CANARY}-plex-token` } });
    jellyfin = await startJellyfinFake({ apiKey: `${CANARY}-jellyfin-key` });
    const url = plex.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
  });
  afterAll(async () => {
    await plex.close();
    await jellyfin.close();
  });

  it('a canary stored in every secret field appears in no response and no log line', async () => {
    expect(ALL_SECRET_FIELDS.length).toBeGreaterThan(0);
    const bySection = new Map<string, Record<string, string>>();
    for (const { section, field } of ALL_SECRET_FIELDS) {
      // URL fields accept web addresses only, so their canary is one.
      const canary = field.endsWith('Url') ? `https://hooks.example.com/${CANARY}-${section}-${field}` : `${CANARY}-${section}-${field}`;
      bySection.set(section, { ...(bySection.get(section) ?? {}), [field]: canary });
    }
    for (const [section, secrets] of bySection) {
      const res = await admin.put(`/api/admin/settings/${section}`, { secrets });
      expect(res.statusCode, `${section}: ${res.body}`).toBe(200);
      expect(res.body).not.toContain(CANARY);
      for (const field of Object.keys(secrets)) expect(res.json().secrets[field]).toEqual({ set: true });
    }
    const account = await admin.post('/api/admin/plex-accounts', { token: `${CANARY}-plex-token`, password: `${CANARY}-plex-password` });
    expect(account.statusCode, account.body).toBe(201);
    const proxied = await admin.patch(`/api/admin/plex-accounts/${account.json().id}`, { proxyUrl: 'http://127.0.0.1:9', proxyUsername: 'p', proxyPassword: `${CANARY}-proxy` });
    expect(proxied.statusCode, proxied.body).toBe(200);
    await admin.patch(`/api/admin/plex-accounts/${account.json().id}`, { proxyUrl: null });
    const server = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: `${CANARY}-jellyfin-key` });
    expect(server.statusCode, server.body).toBe(201);
    await admin.post(`/api/admin/servers/${server.json().id}/sync`);
    await admin.post('/api/admin/logins', { email: 'canary@example.com', password: `${CANARY}-A1!`, roleId: 'role-user' });

    // The stored rows are sealed, not plain text.
    const db = usher.db.handle.db;
    const stored = [
      await db.selectFrom('settings').selectAll().execute(),
      await db.selectFrom('plex_accounts').selectAll().execute(),
      await db.selectFrom('servers').selectAll().execute(),
      await db.selectFrom('logins').selectAll().execute(),
    ];
    expect(JSON.stringify(stored)).not.toContain(CANARY);
    // …but the server can still read them.
    expect((await usher.container.settings.get('email')).password).toBe(`${CANARY}-email-password`);

    const bodies: string[] = [];
    for (const route of usher.app.routeList) {
      if (SESSION_ENDING.has(`${route.method} ${route.url}`) || route.url.includes('*')) continue;
      const res = await admin.request({
        method: route.method as 'GET',
        url: concrete(route.url),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      bodies.push(`${route.method} ${route.url} ${res.statusCode} ${res.body} ${JSON.stringify(res.headers)}`);
    }
    bodies.push((await admin.get('/api/openapi.json')).body);
    for (const body of bodies) expect(body).not.toContain(CANARY);
    expect(usher.logs.length).toBeGreaterThan(0);
    for (const line of usher.logs) expect(line).not.toContain(CANARY);
  });

  it('passwords and tokens sent in requests are not logged', async () => {
    const client = new TestClient(usher.app, '10.30.0.1');
    await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: `${CANARY}-wrong` });
    const joined = usher.logs.join('\n');
    expect(joined).not.toContain(ADMIN_PASSWORD);
    expect(joined).not.toContain(CANARY);
    expect(joined).not.toMatch(/usher_session=[\w-]{20,}/);
  });
});

describeEachDb('malformed input is a 4xx on every route', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  function mutating(): RouteEntry[] {
    return usher.app.routeList.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !SESSION_ENDING.has(`${r.method} ${r.url}`));
  }

  it('broken JSON, wrong JSON types and wrong content types never reach a 5xx', async () => {
    const routes = mutating();
    expect(routes.length).toBeGreaterThan(15);
    const variants: { label: string; payload: string; type: string }[] = [
      { label: 'broken json', payload: '{"email": ', type: 'application/json' },
      { label: 'array', payload: '[1,2,3]', type: 'application/json' },
      { label: 'string', payload: '"just a string"', type: 'application/json' },
      { label: 'wrong field types', payload: '{"email":42,"password":[],"name":{},"values":"x","secrets":7,"enabled":"yes","ids":"x"}', type: 'application/json' },
      { label: 'text/plain', payload: 'email=a', type: 'text/plain' },
      { label: 'huge', payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }), type: 'application/json' },
    ];
    for (const route of routes) {
      for (const v of variants) {
        const res = await admin.request({
          method: route.method as 'POST',
          url: concrete(route.url),
          payload: v.payload,
          headers: { 'content-type': v.type },
        });
        const label = `${v.label}: ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, label).toBeLessThan(500);
        expect(res.json().error.code, label).toEqual(expect.any(String));
        expect(res.json().error.message, label).toEqual(expect.any(String));
      }
    }
  });

  it('a JSON null body is refused or treated as no input, never a 5xx', async () => {
    for (const route of mutating()) {
      const res = await admin.request({ method: route.method as 'POST', url: concrete(route.url), payload: 'null', headers: { 'content-type': 'application/json' } });
      const label = `${route.method} ${route.url} → ${res.body.slice(0, 200)}`;
      // Accepted as "no input", an action may go on to call a remote service that is not there (502).
      if (res.statusCode === 502) expect(res.json().error.code, label).toMatch(/^integration_/);
      else expect(res.statusCode, label).toBeLessThan(500);
    }
  });

  it('bad query strings are 4xx too', async () => {
    for (const route of usher.app.routeList.filter((r) => r.method === 'GET' && r.url.startsWith('/api/admin/'))) {
      const res = await admin.get(`${concrete(route.url)}?page=-3&pageSize=100000&order=sideways&sort=nonsense&from=yesterday`);
      const label = `${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, label).not.toBeGreaterThanOrEqual(500);
    }
    const paged = await admin.get('/api/admin/logins?page=0');
    expect(paged.statusCode).toBe(400);
    expect(paged.json().error.code).toBe('validation_failed');
  });

  it('an invalid settings change is refused with the field and changes nothing', async () => {
    const before = (await admin.get('/api/admin/settings/general')).json();
    const res = await admin.put('/api/admin/settings/general', { values: { siteName: 'New name', siteUrl: 'not a url' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_settings');
    expect(JSON.stringify(res.json().error.details)).toContain('siteUrl');
    expect((await admin.get('/api/admin/settings/general')).json()).toEqual(before);
    const unknown = await admin.put('/api/admin/settings/general', { values: { notAField: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect((await admin.get('/api/admin/settings/nonsense')).statusCode).toBe(404);
  });
});
