import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMBY_CONNECT_TEST_USER_PREFIX, embySocketUrls, type EmbyAdapter } from '../../src/adapters/media-server/emby/emby-adapter.js';
import { EventLog, integrationError, member, sleep, startHarness, type Harness } from './support/mediabrowser.js';
import { mediaBrowserAdapterSuite } from './support/mediabrowser-suite.js';

describe('EmbyAdapter against the Emby fake', () => {
  mediaBrowserAdapterSuite('emby');
});

describe('EmbyAdapter: Emby specifics', () => {
  let h: Harness;
  let emby: EmbyAdapter;
  beforeAll(async () => {
    h = await startHarness('emby');
    emby = h.adapter() as EmbyAdapter;
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.http.clearFaults();
    h.fake.http.resetCounts();
  });

  it('reads Emby Premiere from SecurityInfo', async () => {
    await expect(emby.identity()).resolves.toMatchObject({ premium: true });
    h.fake.settings.premiere = false;
    await expect(emby.identity()).resolves.toMatchObject({ premium: false });
    h.fake.settings.premiere = true;
    h.fake.http.fail('GET /Plugins/SecurityInfo', 1, 503);
    await expect(emby.identity()).resolves.toMatchObject({ premium: true });
    expect(h.count('GET /Plugins/SecurityInfo')).toBe(4);
  });

  it('calls the documented /emby/ paths and accepts a base URL that already ends in /emby', async () => {
    const rewrite = h.fake.http.rewritePath;
    h.fake.http.rewritePath = null;
    try {
      // Without the fake's /emby/ alias every call Usher makes would be a 404.
      const error = await integrationError(emby.listLibraries());
      expect(error.status).toBe(404);
    } finally {
      h.fake.http.rewritePath = rewrite;
    }
    await expect(h.adapter({ baseUrl: `${h.fake.url}/emby/` }).listLibraries()).resolves.toHaveLength(4);
  });

  it('behind a reverse proxy at /emby the REST calls and the websocket stay under the base path', async () => {
    h.fake.http.mountPath = '/emby';
    try {
      const proxied = h.adapter({ baseUrl: `${h.fake.url}/emby` });
      await expect(proxied.listLibraries()).resolves.toHaveLength(4);
      const log = new EventLog();
      const opened = log.next((e) => e.type === 'connection' && e.state === 'open');
      const sub = proxied.subscribeEvents(log.push);
      await opened;
      await sub.close();
      // The socket outside the base path is what a proxy at /emby does not forward.
      const outside = new EventLog();
      const direct = h.adapter({ baseUrl: h.fake.url }).subscribeEvents(outside.push);
      await sleep(300);
      expect(outside.events).toEqual([]);
      await direct.close();
    } finally {
      h.fake.http.mountPath = null;
    }
    // Served at the root, a base URL ending in /emby (Emby's API prefix) still finds the socket.
    const log = new EventLog();
    const opened = log.next((e) => e.type === 'connection' && e.state === 'open');
    const sub = h.adapter({ baseUrl: `${h.fake.url}/emby/`, eventTimings: { minBackoffMs: 20, maxBackoffMs: 50 } }).subscribeEvents(log.push);
    await opened;
    await sub.close();
  });

  it('websocket addresses: the base path as typed first, then the server root', () => {
    const q = 'api_key=k&deviceId=usher-server';
    expect(embySocketUrls('https://host/emby', 'k')).toEqual([`wss://host/emby/embywebsocket?${q}`, `wss://host/embywebsocket?${q}`]);
    expect(embySocketUrls('https://host/media/emby/', 'k')).toEqual([`wss://host/media/emby/embywebsocket?${q}`, `wss://host/media/embywebsocket?${q}`]);
    expect(embySocketUrls('http://10.0.0.2:8096', 'k')).toEqual([`ws://10.0.0.2:8096/embywebsocket?${q}`]);
  });

  it('lists and deletes devices; deleting a gone device succeeds; a 500 is retried', async () => {
    const { id } = member(h.fake, 0);
    const s = h.fake.startPlayback({ user: id, device: 'Old phone', client: 'Emby for Android' });
    const devices = await emby.listDevices();
    const phone = devices.find((d) => d.name === 'Old phone')!;
    expect(phone).toMatchObject({ id: s.deviceId, app: 'Emby for Android', lastUserId: id });
    expect(phone.lastActiveAt).toBeTruthy();
    h.fake.http.fail('DELETE /Devices', 1, 500);
    await emby.deleteDevice(phone.id);
    expect(h.count('DELETE /Devices')).toBe(2);
    expect(h.fake.state.devices.has(phone.id)).toBe(false);
    expect(h.fake.state.sessions.has(s.id)).toBe(false);
    await emby.deleteDevice(phone.id);
  });

  it('switches Allow All Devices off (keeping the devices in use) and on, writing only on change', async () => {
    const { id } = member(h.fake, 1);
    const s = h.fake.startPlayback({ user: id, device: 'Living room TV' });
    await emby.setAllowAllDevices({ remoteId: id }, false);
    expect(h.fake.state.users.get(id)!.policy).toMatchObject({ EnableAllDevices: false, EnabledDevices: [s.deviceId] });
    await emby.setAllowAllDevices({ remoteId: id }, false);
    await emby.setAllowAllDevices({ remoteId: id }, true);
    expect(h.fake.state.users.get(id)!.policy).toMatchObject({ EnableAllDevices: true, EnabledDevices: [] });
    expect(h.count('POST /Users/:id/Policy')).toBe(2);
    const body = h.fake.state.policyPosts.at(-1)!.body as Record<string, unknown>;
    expect(body.AuthenticationProviderId).toBeTruthy();
    h.fake.http.fail('GET /Users/:id', 1, 404, 'User not found');
    const error = await integrationError(emby.setAllowAllDevices({ remoteId: id }, false, []));
    expect(error.kind).toBe('not_found');
  });

  it('checks Emby Connect names with a throw-away user under a unique name that never stays', async () => {
    const created: string[] = [];
    const users = h.fake.state.users;
    const set = users.set.bind(users);
    users.set = (id, user) => {
      created.push(user.name);
      return set(id, user);
    };
    // A real account that happens to look like a test user is never touched.
    h.fake.state.createUser(`${EMBY_CONNECT_TEST_USER_PREFIX}real`);
    created.length = 0;
    await expect(emby.checkEmbyConnect('alice@example.com')).resolves.toEqual({ valid: true, pending: false });
    await expect(emby.checkEmbyConnect('bob')).resolves.toEqual({ valid: true, pending: true });
    const unknown = await emby.checkEmbyConnect('nobody@example.com');
    expect(unknown.valid).toBe(false);
    const inactive = await emby.checkEmbyConnect('carol@example.com');
    expect(inactive).toEqual({ valid: false, reason: 'The Emby account has been disabled.' });
    users.set = set;
    expect(created).toHaveLength(4);
    expect(new Set(created).size).toBe(4);
    for (const name of created) expect(name).toMatch(/^EmbyConnectLinkTest-[0-9a-f]{12}$/);
    expect(created.map((name) => h.fake.state.findUser(name))).toEqual([undefined, undefined, undefined, undefined]);
    expect(h.fake.state.findUser(`${EMBY_CONNECT_TEST_USER_PREFIX}real`)).toBeDefined();
    expect(h.count('POST /Users/New')).toBe(4);
    expect(h.count('DELETE /Users/:id')).toBe(4);
  });

  it('a Connect check that cannot reach Emby is an error, and still removes the throw-away user', async () => {
    h.fake.http.fail('POST /Users/:id/Connect/Link', 1, 401, '');
    const error = await integrationError(emby.checkEmbyConnect('alice'));
    expect(error.reason).toBe('mediabrowser_bad_api_key');
    expect([...h.fake.state.users.values()].filter((u) => u.name.startsWith(EMBY_CONNECT_TEST_USER_PREFIX) && u.name !== `${EMBY_CONNECT_TEST_USER_PREFIX}real`)).toEqual([]);
  });

  it('re-sends SessionsStart when Emby ignores the first one', async () => {
    h.fake.settings.ignoreFirstSessionsStart = true;
    const before = h.fake.socket.sessionsStartsReceived;
    h.fake.startPlayback({ user: member(h.fake, 2).id });
    const log = new EventLog();
    const changed = log.next((e) => e.type === 'sessions_changed', 3000);
    const sub = h.adapter().subscribeEvents(log.push);
    await changed;
    expect(h.fake.socket.sessionsStartsReceived - before).toBe(2);
    await sub.close();
  });
});
