import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startJellyfinFake, startPlexFakes, type MediaBrowserFake, type PlexFakes } from '../../fakes/src/index.js';
import { LoopbackProxy } from './adapters/support/loopback-proxy.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from './support/app.js';
import { RecordingListener } from './support/listener.js';

const JELLYFIN_KEY = 'stored-jellyfin-key-7c1';
const SMTP_PASSWORD = 'stored-smtp-password-4e2';
const PROXY_PASSWORD = 'stored-proxy-password-9a0';

/** A stored secret goes only to the origin it was entered for: a new host needs it typed again. */
describeEachDb('stored secrets never follow a changed host', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let plex: PlexFakes;
  let jellyfin: MediaBrowserFake;
  let proxy: LoopbackProxy;
  let proxyUrl: string;
  let attacker: RecordingListener;

  beforeAll(async () => {
    plex = await startPlexFakes({ servers: 1, usersPerServer: 1 });
    jellyfin = await startJellyfinFake({ apiKey: JELLYFIN_KEY });
    proxy = new LoopbackProxy('usher', PROXY_PASSWORD);
    const url = plex.plexTvUrl;
    usher = track(await createTestUsher(dialect, { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url }));
    admin = await setupAdmin(usher);
    proxyUrl = await proxy.listen();
  });
  afterAll(async () => {
    await plex.close();
    await jellyfin.close();
    await proxy.close();
  });
  beforeEach(async () => {
    attacker = await new RecordingListener().listen();
  });
  afterEach(() => attacker.close());

  it('a Jellyfin server moved to a new URL without its API key: 400 naming the field, nothing sent', async () => {
    const added = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: JELLYFIN_KEY });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json().id;

    const moved = await admin.patch(`/api/admin/servers/${id}`, { url: attacker.url });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'secret_required_for_new_host', details: { field: 'apiKey' } });
    // Same host on another port is another origin too.
    const otherPort = await admin.patch(`/api/admin/servers/${id}`, { url: jellyfin.url.replace(/:(\d+)/, ':1') });
    expect(otherPort.json().error.code).toBe('secret_required_for_new_host');
    expect(attacker.connections).toBe(0);
    expect((await admin.get('/api/admin/servers')).json().items[0].url).toBe(jellyfin.url.replace(/\/+$/, ''));

    // A path change on the same origin keeps the key; typing the key again lets the URL move.
    const samePlace = await admin.patch(`/api/admin/servers/${id}`, { url: `${jellyfin.url}/` });
    expect(samePlace.statusCode, samePlace.body).toBe(200);
    const retyped = await admin.patch(`/api/admin/servers/${id}`, { url: attacker.url, apiKey: 'a-key-typed-for-the-new-host' });
    expect(retyped.statusCode).toBe(502);
    expect(attacker.received).toContain('a-key-typed-for-the-new-host');
    expect(attacker.received).not.toContain(JELLYFIN_KEY);
  });

  it('a Plex server moved to an address plex.tv does not list: 400, the token goes nowhere', async () => {
    const account = await admin.post('/api/admin/plex-accounts', { token: plex.owner.token });
    expect(account.statusCode, account.body).toBe(201);
    const listed = (await admin.get(`/api/admin/plex-accounts/${account.json().id}/servers`)).json().items[0];
    const added = await admin.post('/api/admin/servers', { kind: 'plex', plexAccountId: account.json().id, machineId: listed.machineId, url: listed.connections[0].uri });
    expect(added.statusCode, added.body).toBe(201);

    const moved = await admin.patch(`/api/admin/servers/${added.json().id}`, { url: attacker.url });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'secret_required_for_new_host', details: { field: 'url' } });
    expect(attacker.connections).toBe(0);
    await admin.delete(`/api/admin/plex-accounts/${account.json().id}`);
  });

  it('SMTP test, send-test and save with a new host and no password: 400, no connection to the new host', async () => {
    const saved = await admin.put('/api/admin/settings/email', { secrets: { password: SMTP_PASSWORD }, values: { username: 'usher' } });
    expect(saved.statusCode, saved.body).toBe(200);
    const target = { host: '127.0.0.1', port: attacker.port };

    const test = await admin.post('/api/admin/settings/email/test', { values: target });
    expect(test.statusCode).toBe(400);
    expect(test.json().error).toMatchObject({ code: 'secret_required_for_new_host', details: { field: 'password' } });
    const sendTest = await admin.post('/api/admin/settings/email/send-test', { to: 'someone@example.com', values: target });
    expect(sendTest.json().error.code).toBe('secret_required_for_new_host');
    const save = await admin.put('/api/admin/settings/email', { values: { port: attacker.port } });
    expect(save.json().error.code).toBe('secret_required_for_new_host');
    const insecure = await admin.put('/api/admin/settings/email', { values: { security: 'tls' } });
    expect(insecure.json().error.code).toBe('secret_required_for_new_host');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attacker.connections).toBe(0);
    expect((await usher.container.settings.get('email')).port).toBe(usher.smtp.port);

    // Other fields still save without the password, and it is kept.
    expect((await admin.put('/api/admin/settings/email', { values: { fromName: 'Shop' } })).statusCode).toBe(200);
    expect((await usher.container.settings.get('email')).password).toBe(SMTP_PASSWORD);
  });

  it('a Plex account moved to another proxy keeps no proxy password: 400, nothing reaches the new proxy', async () => {
    const account = await admin.post('/api/admin/plex-accounts', { token: plex.owner.token });
    const id = account.json().id;
    const proxied = await admin.patch(`/api/admin/plex-accounts/${id}`, { proxyUrl, proxyUsername: 'usher', proxyPassword: PROXY_PASSWORD });
    expect(proxied.statusCode, proxied.body).toBe(200);
    expect((await admin.get(`/api/admin/plex-accounts/${id}/servers`)).statusCode).toBe(200);
    const forwarded = proxy.forwarded.length;
    expect(forwarded).toBeGreaterThan(0);

    const moved = await admin.patch(`/api/admin/plex-accounts/${id}`, { proxyUrl: attacker.url });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'secret_required_for_new_host', details: { field: 'proxyPassword' } });
    // Still on the old proxy: the next call goes there and the new one sees nothing.
    expect((await admin.get(`/api/admin/plex-accounts/${id}/servers`)).statusCode).toBe(200);
    expect(proxy.forwarded.length).toBeGreaterThan(forwarded);
    expect(attacker.connections).toBe(0);

    // Removing the proxy forgets its password, so a later proxy cannot inherit it.
    expect((await admin.patch(`/api/admin/plex-accounts/${id}`, { proxyUrl: null })).json().proxy).toMatchObject({ url: null, passwordSet: false });
    await admin.delete(`/api/admin/plex-accounts/${id}`);
  });
});
