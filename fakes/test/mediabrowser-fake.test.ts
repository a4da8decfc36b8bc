import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoSeed, startEmbyFake, startJellyfinFake, startMediaBrowserFakes, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../src/index.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Opens a websocket and collects frames; resolves with the HTTP status when the upgrade is refused. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: { MessageType: string; Data?: unknown }[] } | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const frames: { MessageType: string; Data?: unknown }[] = [];
    ws.on('message', (d: WebSocket.RawData) => frames.push(JSON.parse(d.toString()) as { MessageType: string }));
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.on('error', () => undefined);
  });
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Jellyfin fake wire details', () => {
  let fake: MediaBrowserFake;
  beforeAll(async () => {
    fake = await startJellyfinFake({ minPasswordLength: 4 });
    fake.seed(demoSeed({ users: 3 }));
  });
  afterAll(() => fake.close());

  it('accepts the Authorization header and ?ApiKey= always, the legacy forms only with legacy authorization on', async () => {
    const legacy: Record<string, string>[] = [{ 'x-emby-token': fake.apiKey }, { authorization: `Emby Token="${fake.apiKey}"` }];
    expect((await fetch(`${fake.url}/Users`, { headers: { authorization: `MediaBrowser Token="${fake.apiKey}"` } })).status).toBe(200);
    expect((await fetch(`${fake.url}/Users?ApiKey=${fake.apiKey}`)).status).toBe(200);
    for (const headers of legacy) expect((await fetch(`${fake.url}/Users`, { headers })).status).toBe(200);
    fake.settings.legacyAuthorization = false;
    for (const headers of legacy) expect((await fetch(`${fake.url}/Users`, { headers })).status).toBe(401);
    expect((await fetch(`${fake.url}/Users?api_key=${fake.apiKey}`)).status).toBe(401);
    fake.settings.legacyAuthorization = true;
    expect((await fetch(`${fake.url}/System/Info/Public`)).status).toBe(200);
  });

  it('answers unhandled errors with the plain-text body and keeps a user whose password was refused', async () => {
    const auth = { authorization: `MediaBrowser Token="${fake.apiKey}"` };
    const dup = await post(`${fake.url}/Users/New`, { Name: 'admin' }, auth);
    expect([dup.status, await dup.text()]).toEqual([400, 'Error processing request.']);
    const short = await post(`${fake.url}/Users/New`, { Name: 'shorty', Password: 'x' }, auth);
    expect(short.status).toBe(400);
    expect(fake.state.findUser('shorty')).toBeDefined();
    const missing = await fetch(`${fake.url}/Users/0123456789abcdef0123456789abcdef`, { headers: auth });
    expect([missing.status, await missing.text()]).toEqual([404, 'User not found']);
  });

  it('renames a user through UpdateUser (?userId= and the older path form); a taken or invalid name is a 400', async () => {
    const auth = { authorization: `MediaBrowser Token="${fake.apiKey}"` };
    const user = fake.state.createUser('to-rename');
    const other = fake.state.createUser('taken-name');
    expect((await post(`${fake.url}/Users?userId=${user.id}`, { Id: user.id, Name: 'renamed' }, auth)).status).toBe(204);
    expect(fake.state.users.get(user.id)!.name).toBe('renamed');
    expect((await post(`${fake.url}/Users/${user.id}`, { Id: user.id, Name: 'renamed-again' }, auth)).status).toBe(204);
    const dup = await post(`${fake.url}/Users?userId=${user.id}`, { Name: other.name.toUpperCase() }, auth);
    expect([dup.status, await dup.text()]).toEqual([400, 'Error processing request.']);
    expect((await post(`${fake.url}/Users?userId=${user.id}`, { Name: ' bad' }, auth)).status).toBe(400);
    expect((await post(`${fake.url}/Users?userId=${user.id}`, {}, auth)).status).toBe(400);
    expect((await post(`${fake.url}/Users?userId=0123456789abcdef0123456789abcdef`, { Name: 'x' }, auth)).status).toBe(404);
    expect(fake.state.users.get(user.id)!.name).toBe('renamed-again');
  });

  it('refuses to disable a stored administrator (403) and to demote the last one', async () => {
    const auth = { authorization: `MediaBrowser Token="${fake.apiKey}"` };
    const admin = fake.state.findUser('admin')!;
    const disable = await post(`${fake.url}/Users/${admin.id}/Policy`, { ...admin.policy, IsDisabled: true }, auth);
    expect([disable.status, await disable.text()]).toEqual([403, 'Administrators cannot be disabled.']);
    const demote = await post(`${fake.url}/Users/${admin.id}/Policy`, { ...admin.policy, IsAdministrator: false }, auth);
    expect(demote.status).toBe(403);
    expect(admin.policy.IsAdministrator).toBe(true);
  });

  it('websocket: 403 without a token; ForceKeepAlive, KeepAlive answers and Sessions pushes with one', async () => {
    const wsUrl = fake.url.replace('http', 'ws') + '/socket';
    expect(await openSocket(wsUrl)).toEqual({ refused: 403 });
    const open = await openSocket(wsUrl, { authorization: `MediaBrowser Token="${fake.apiKey}"` });
    if (!('ws' in open)) throw new Error('refused');
    await until(() => open.frames.some((f) => f.MessageType === 'ForceKeepAlive'));
    open.ws.send(JSON.stringify({ MessageType: 'KeepAlive' }));
    await until(() => open.frames.some((f) => f.MessageType === 'KeepAlive'));
    open.ws.send(JSON.stringify({ MessageType: 'SessionsStart', Data: '0,1500' }));
    await until(() => open.frames.some((f) => f.MessageType === 'Sessions'));
    const before = open.frames.filter((f) => f.MessageType === 'Sessions').length;
    const member = [...fake.state.users.values()].find((u) => u.name.startsWith('member'))!;
    fake.startPlayback({ user: member.name, fourK: true });
    await until(() => open.frames.filter((f) => f.MessageType === 'Sessions').length > before);
    const last = open.frames.filter((f) => f.MessageType === 'Sessions').at(-1)!.Data as { UserId: string }[];
    expect(last.map((s) => s.UserId)).toContain(member.id);
    open.ws.close();
  });
});

describe('Emby fake wire details', () => {
  let fake: MediaBrowserFake;
  beforeAll(async () => {
    fake = await startEmbyFake({ connectAccounts: [{ name: 'dora', email: 'dora@example.com', state: 'active' }] });
    fake.seed(demoSeed({ users: 2 }));
  });
  afterAll(() => fake.close());

  it('renames with POST /Users/{Id}; a taken name is refused with its message', async () => {
    const user = fake.state.createUser('emby-old');
    fake.state.createUser('emby-taken');
    const headers = { 'x-emby-token': fake.apiKey };
    expect((await post(`${fake.url}/emby/Users/${user.id}`, { Id: user.id, Name: 'emby-new' }, headers)).status).toBe(204);
    expect(fake.state.users.get(user.id)!.name).toBe('emby-new');
    const dup = await post(`${fake.url}/Users/${user.id}`, { Name: 'emby-taken' }, headers);
    expect([dup.status, await dup.text()]).toEqual([400, "A user with the name 'emby-taken' already exists."]);
    // Jellyfin's query form does not exist on Emby.
    expect((await post(`${fake.url}/Users?userId=${user.id}`, { Name: 'x' }, headers)).status).toBe(404);
  });

  it('answers under /emby/ and at the root, with X-Emby-Token or ?api_key=', async () => {
    expect((await fetch(`${fake.url}/emby/Users/Query`, { headers: { 'x-emby-token': fake.apiKey } })).status).toBe(200);
    expect((await fetch(`${fake.url}/Users/Query?api_key=${fake.apiKey}`)).status).toBe(200);
    expect(fake.http.requestCounts()['GET /Users/Query']).toBe(2);
    const refused = await fetch(`${fake.url}/emby/Users/Query`);
    expect([refused.status, await refused.text()]).toEqual([401, '']);
  });

  it('copies a template natively with CopyFromUserId and UserCopyOptions', async () => {
    const template = fake.state.findUser(TEMPLATE_USER_NAME)!;
    const res = await post(`${fake.url}/emby/Users/New`, { Name: 'copied', CopyFromUserId: template.id, UserCopyOptions: ['UserPolicy'] }, { 'x-emby-token': fake.apiKey });
    const user = (await res.json()) as { Policy: { EnabledFolders: string[] } };
    expect(user.Policy.EnabledFolders).toEqual(template.policy.EnabledFolders);
  });

  it('takes messages as query parameters and links Connect users with the documented statuses', async () => {
    const auth = { 'x-emby-token': fake.apiKey };
    const member = [...fake.state.users.values()].find((u) => u.name.startsWith('member'))!;
    const session = fake.startPlayback({ user: member.id });
    const noText = await post(`${fake.url}/emby/Sessions/${session.id}/Message`, { Text: 'in the body' }, auth);
    expect(noText.status).toBe(400);
    const ok = await fetch(`${fake.url}/emby/Sessions/${session.id}/Message?Header=H&Text=Hello&TimeoutMs=5000`, { method: 'POST', headers: auth });
    expect(ok.status).toBe(204);
    expect(fake.state.messages.at(-1)).toMatchObject({ text: 'Hello', header: 'H', timeoutMs: 5000, via: 'query' });
    const link = (name: string) => fetch(`${fake.url}/emby/Users/${member.id}/Connect/Link?ConnectUsername=${encodeURIComponent(name)}`, { method: 'POST', headers: auth });
    expect((await link('')).status).toBe(400);
    const unknown = await link('nobody');
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([500, 'text/plain; charset=utf-8']);
    expect(await (await link('dora@example.com')).json()).toEqual({ IsPending: false, IsNewUserInvitation: false, GuestDisplayName: 'dora' });
    expect(fake.state.users.get(member.id)!.connectUserName).toBe('dora');
  });

  it('websocket on /embywebsocket: 401 without a token, Sessions after SessionsStart with ?api_key=', async () => {
    const base = fake.url.replace('http', 'ws') + '/embywebsocket';
    expect(await openSocket(base)).toEqual({ refused: 401 });
    const open = await openSocket(`${base}?api_key=${fake.apiKey}&deviceId=t`);
    if (!('ws' in open)) throw new Error('refused');
    open.ws.send(JSON.stringify({ MessageType: 'SessionsStart', Data: '0,1500' }));
    await until(() => open.frames.some((f) => f.MessageType === 'Sessions'));
    expect(open.frames.some((f) => f.MessageType === 'ForceKeepAlive')).toBe(false);
    open.ws.close();
  });
});

describe('control surface and many servers', () => {
  let fakes: Awaited<ReturnType<typeof startMediaBrowserFakes>>;
  beforeAll(async () => {
    fakes = await startMediaBrowserFakes({ jellyfin: 1, emby: 1, usersPerServer: 5 });
  });
  afterAll(() => Promise.all(fakes.map((f) => f.fake.close())));

  it('seeds, drives playback and reports what it received over /__control/*', async () => {
    const { url, fake } = fakes[1]!;
    expect((await post(`${url}/__control/seed`, { users: [{ name: 'ctl-user', password: 'pw' }] })).status).toBe(200);
    const started = (await (await post(`${url}/__control/sessions`, { user: 'ctl-user', fourK: true, transcode: true })).json()) as { id: string };
    expect((await post(`${url}/__control/sessions/${started.id}/pause`, { paused: true })).status).toBe(200);
    const state = (await (await fetch(`${url}/__control/state`)).json()) as { users: { name: string }[]; sessions: { id: string; paused: boolean }[] };
    expect(state.users.map((u) => u.name)).toContain('ctl-user');
    expect(state.sessions.find((s) => s.id === started.id)?.paused).toBe(true);
    await fetch(`${url}/emby/Sessions/${started.id}/Playing/Stop`, { method: 'POST', headers: { 'x-emby-token': fake.apiKey } });
    expect(await (await fetch(`${url}/__control/commands`)).json()).toEqual([expect.objectContaining({ sessionId: started.id, command: 'Stop' })]);
    expect(await (await fetch(`${url}/__control/messages`)).json()).toEqual([]);
    const token = ((await (await post(`${url}/__control/tokens`, { user: 'ctl-user' })).json()) as { token: string }).token;
    expect((await fetch(`${url}/emby/Users/Query`, { headers: { 'x-emby-token': token } })).status).toBe(403);
    expect((await post(`${url}/__control/sessions/${started.id}/end`, {})).status).toBe(200);
  });

  it('seeds each demo server with an administrator, a template user and members', () => {
    for (const started of fakes) {
      const users = [...started.fake.state.users.values()].filter((u) => u.name !== 'ctl-user');
      expect(users).toHaveLength(7);
      expect(users.filter((u) => u.policy.IsAdministrator === true)).toHaveLength(1);
      expect(started.fake.state.users.get(started.templateUserId)?.name).toBe(TEMPLATE_USER_NAME);
    }
  });

  it('starts fifty servers of two hundred users quickly and small', async () => {
    const before = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const many = await startMediaBrowserFakes({ jellyfin: 25, emby: 25, usersPerServer: 200, items: false });
    const elapsed = Date.now() - t0;
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    await Promise.all(many.map((f) => f.fake.close()));
    expect(many).toHaveLength(50);
    expect(elapsed).toBeLessThan(5000);
    expect(grownMb).toBeLessThan(200);
  });
});
