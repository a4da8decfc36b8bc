import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../src/index.js';

/** Wire behaviour of the Plex fakes that Usher's adapter does not itself exercise. */
describe('Plex fakes', () => {
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let token: string;
  const v2 = (extra: Record<string, string> = {}) => ({ 'X-Plex-Client-Identifier': 'fake-test', 'X-Plex-Token': token, ...extra });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 2, playingIntervalMs: 50 });
    pms = fakes.servers[0]!;
    token = fakes.owner.token!;
  });
  afterAll(() => fakes.close());

  it('plex.tv v2 answers XML without Accept JSON; v1 answers XML even when JSON is asked for', async () => {
    const user = await fetch(`${fakes.plexTvUrl}/api/v2/user`, { headers: v2() });
    expect(user.headers.get('content-type')).toMatch(/xml/);
    expect(await user.text()).toMatch(/<user [^>]*authToken="[^"]+"[^>]*><subscription active="1"/);
    const users = await fetch(`${fakes.plexTvUrl}/api/users`, { headers: v2({ Accept: 'application/json' }) });
    expect(users.headers.get('content-type')).toMatch(/xml/);
    const home = await (await fetch(`${fakes.plexTvUrl}/api/home/users`, { headers: v2({ Accept: 'application/json' }) })).text();
    expect(home).toMatch(/admin="1"[^>]*hasPassword="true"/);
  });

  it('error shapes: 400/1000 without client id, 401/1001 bad token (JSON and XML), v1 XML 401, 410 on retired endpoints', async () => {
    const missing = await fetch(`${fakes.plexTvUrl}/api/v2/user`, { headers: { 'X-Plex-Token': token, Accept: 'application/json' } });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ errors: [{ code: 1000, message: 'X-Plex-Client-Identifier is missing', status: 400 }] });
    const bad = await fetch(`${fakes.plexTvUrl}/api/v2/user`, { headers: v2({ 'X-Plex-Token': 'nope', Accept: 'application/json' }) });
    expect(await bad.json()).toEqual({ errors: [{ code: 1001, message: 'User could not be authenticated', status: 401 }] });
    const badXml = await fetch(`${fakes.plexTvUrl}/api/v2/user`, { headers: v2({ 'X-Plex-Token': 'nope' }) });
    expect(await badXml.text()).toContain('<errors><error code="1001" message="User could not be authenticated" status="401"/></errors>');
    const v1 = await fetch(`${fakes.plexTvUrl}/api/users?X-Plex-Token=nope`);
    expect(v1.status).toBe(401);
    expect(await v1.text()).toContain('<errors><error>');
    for (const path of ['/api/invites/requested', '/api/invites/requests']) {
      const gone = await fetch(`${fakes.plexTvUrl}${path}`, { headers: v2() });
      expect(gone.status).toBe(410);
      expect(await gone.text()).toContain('<Response code="410" status="This endpoint was deprecated and removed"/>');
    }
  });

  it('v1 invite, update and delete of a share (v1 ids on v1 routes only); the invitee accepts with their own token', async () => {
    const invitee = fakes.plexTv.state.addAccount({ username: 'v1-guest' });
    const sections = pms.libraries.map((l) => l.globalId);
    const invite = await post(
      `${fakes.plexTvUrl}/api/servers/${pms.machineId}/shared_servers?X-Plex-Token=${token}`,
      { server_id: pms.machineId, shared_server: { library_section_ids: sections.slice(0, 2), invited_email: invitee.email }, sharing_settings: { allowSync: '1' } },
    );
    const xml = await invite.text();
    const v1Id = /<SharedServer id="(\d+)"/.exec(xml)![1]!;
    expect(xml).toMatch(/allowSync="1"/);
    const share = fakes.plexTv.state.shareByV1Id(Number(v1Id))!;
    const shareId = String(share.id);
    // Two id spaces, as on plex.tv: the v1 id means nothing to a v2 route, nor the v2 id to a v1 route.
    expect(shareId).not.toBe(v1Id);
    const v2WithV1Id = await fetch(`${fakes.plexTvUrl}/api/v2/shared_servers/${v1Id}`, { method: 'DELETE', headers: v2({ 'X-Plex-Token': token }) });
    expect(v2WithV1Id.status).toBe(404);
    const v1WithV2Id = await fetch(`${fakes.plexTvUrl}/api/servers/${pms.machineId}/shared_servers/${shareId}?X-Plex-Token=${token}`, { method: 'DELETE' });
    expect(v1WithV2Id.status).toBe(404);
    const put = await fetch(`${fakes.plexTvUrl}/api/servers/${pms.machineId}/shared_servers/${v1Id}?X-Plex-Token=${token}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      // PMS keys are accepted too (one third-party client sends them).
      body: JSON.stringify({ server_id: pms.machineId, shared_server: { library_section_ids: [pms.libraries[0]!.key] } }),
    });
    expect(put.status).toBe(200);
    expect(fakes.plexTv.state.shares.get(Number(shareId))!.sectionIds).toEqual([pms.libraries[0]!.globalId]);
    const received = await (await fetch(`${fakes.plexTvUrl}/api/v2/shared_servers/invites/received/pending`, { headers: v2({ 'X-Plex-Token': invitee.token!, Accept: 'application/json' }) })).json();
    expect(received).toEqual([expect.objectContaining({ sharedServers: [{ id: Number(shareId), machineIdentifier: pms.machineId }] })]);
    const accept = await fetch(`${fakes.plexTvUrl}/api/v2/shared_servers/${shareId}/accept`, { method: 'POST', headers: v2({ 'X-Plex-Token': invitee.token!, Accept: 'application/json' }) });
    expect((await accept.json()) as unknown).toMatchObject({ accepted: true });
    const resources = (await (await fetch(`${fakes.plexTvUrl}/api/v2/resources`, { headers: v2({ 'X-Plex-Token': invitee.token!, Accept: 'application/json' }) })).json()) as { owned: boolean; accessToken: string }[];
    expect(resources).toEqual([expect.objectContaining({ owned: false, accessToken: invitee.token })]);
    const del = await fetch(`${fakes.plexTvUrl}/api/servers/${pms.machineId}/shared_servers/${v1Id}?X-Plex-Token=${token}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(fakes.plexTv.state.shares.has(Number(shareId))).toBe(false);
  });

  it('a duplicate share is 400 <Response> on v1 and 422 on v2, with plex.tv\'s message', async () => {
    const member = fakes.members[0]![0]!;
    const sections = [pms.libraries[0]!.globalId];
    const onV2 = await post(`${fakes.plexTvUrl}/api/v2/shared_servers`, { machineIdentifier: pms.machineId, invitedEmail: member.email, librarySectionIds: sections }, v2({ Accept: 'application/json' }));
    expect(onV2.status).toBe(422);
    expect(((await onV2.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(`You're already sharing this server with ${member.username}. Please edit your existing share.`);
    const onV1 = await post(`${fakes.plexTvUrl}/api/servers/${pms.machineId}/shared_servers?X-Plex-Token=${token}`, { shared_server: { library_section_ids: sections, invited_email: member.email } });
    expect(onV1.status).toBe(400);
    expect(await onV1.text()).toContain(`<Response code="400" status="You're already sharing this server with ${member.username}. Please edit your existing share."/>`);
  });

  it('an invite to an email without a Plex account is pending with no user id until that person signs up', async () => {
    const email = 'not-on-plex-yet@example.com';
    const created = await post(`${fakes.plexTvUrl}/api/v2/shared_servers`, { machineIdentifier: pms.machineId, invitedEmail: email, librarySectionIds: [pms.libraries[0]!.globalId] }, v2({ Accept: 'application/json' }));
    expect(await created.json()).toMatchObject({ invitedId: null, invitedEmail: email, invited: null, accepted: false });
    expect(fakes.plexTv.state.findByLogin(email)).toBeUndefined();
    const pending = (await (await fetch(`${fakes.plexTvUrl}/api/v2/shared_servers/invites/owned/pending`, { headers: v2({ Accept: 'application/json' }) })).json()) as Record<string, unknown>[];
    expect(pending.find((p) => p.email === email)).toMatchObject({ id: null, invited: null, sharedServers: [{ invitedId: null, invitedEmail: email }] });
    expect(fakes.plexTv.acceptInvites(email)).toBe(1);
    const account = fakes.plexTv.state.findByLogin(email)!;
    expect(fakes.plexTv.state.sharesReceived(account.id)).toMatchObject([{ accepted: true, invitedEmail: email }]);
  });

  it('v1 server details and share list answer JSON when JSON is asked for (so a client must ask for XML)', async () => {
    for (const path of [`/api/servers/${pms.machineId}`, `/api/servers/${pms.machineId}/shared_servers`]) {
      const asJson = await fetch(`${fakes.plexTvUrl}${path}?X-Plex-Token=${token}`, { headers: { Accept: 'application/json' } });
      expect(asJson.headers.get('content-type')).toMatch(/json/);
      expect(Object.keys((await asJson.json()) as object)).toEqual(['MediaContainer']);
      const asXml = await fetch(`${fakes.plexTvUrl}${path}?X-Plex-Token=${token}`, { headers: { Accept: 'application/xml' } });
      expect(await asXml.text()).toMatch(/^<\?xml[^>]*>\s*<MediaContainer /);
    }
  });

  it('legacy sign-in appends the 2FA code to the password', async () => {
    fakes.plexTv.state.addAccount({ username: 'legacy', password: 'pw', twoFactorCode: '654321' });
    const form = (password: string) =>
      fetch(`${fakes.plexTvUrl}/users/sign_in.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Plex-Client-Identifier': 'fake-test', 'X-Plex-Product': 'Usher' },
        body: new URLSearchParams({ 'user[login]': 'legacy', 'user[password]': password }).toString(),
      });
    expect((await form('pw')).status).toBe(401);
    const ok = await form('pw654321');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { user: { authentication_token: string } }).user.authentication_token).toBeTruthy();
  });

  it('the app.plex.tv page approves a PIN for the chosen account and forwards the browser', async () => {
    const headers = { 'X-Plex-Client-Identifier': 'pin-client', 'X-Plex-Product': 'Usher', Accept: 'application/json' };
    const pin = (await (await fetch(`${fakes.plexTvUrl}/api/v2/pins?strong=true`, { method: 'POST', headers })).json()) as { id: number; code: string };
    const page = await (await fetch(`${fakes.plexTvUrl}/auth`)).text();
    expect(page).toContain('<button type="submit" id="approve">Approve</button>');
    expect(page).toContain(`<option value="${fakes.owner.id}">owner`);
    const approve = await fetch(`${fakes.plexTvUrl}/auth/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: pin.code, accountId: String(fakes.owner.id), forwardUrl: 'http://usher.test/done' }).toString(),
    });
    expect(approve.status).toBe(303);
    expect(approve.headers.get('location')).toBe('http://usher.test/done');
    const polled = (await (await fetch(`${fakes.plexTvUrl}/api/v2/pins/${pin.id}`, { headers })).json()) as { authToken: string };
    expect(polled.authToken).toBe(token);
    // Another client cannot read the PIN.
    const other = await fetch(`${fakes.plexTvUrl}/api/v2/pins/${pin.id}`, { headers: { ...headers, 'X-Plex-Client-Identifier': 'someone-else' } });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ errors: [{ code: 1020 }] });
  });

  it('the control surface approves PINs and starts and stops sessions by machine id', async () => {
    const headers = { 'X-Plex-Client-Identifier': 'pin-client-2', Accept: 'application/json' };
    const pin = (await (await fetch(`${fakes.plexTvUrl}/api/v2/pins`, { method: 'POST', headers })).json()) as { id: number; code: string };
    expect(pin.code).toHaveLength(4);
    expect((await post(`${fakes.plexTvUrl}/__control/pins/${pin.id}/approve`, { accountToken: token })).status).toBe(200);
    const started = await post(`${fakes.plexTvUrl}/__control/servers/${pms.machineId}/sessions`, { user: fakes.members[0]![0]!.username, source4k: true, transcode: true });
    const session = (await started.json()) as { sessionKey: string; source4k: boolean };
    expect(session.source4k).toBe(true);
    expect(pms.sessions.size).toBe(1);
    expect((await post(`${fakes.plexTvUrl}/__control/servers/${pms.machineId}/sessions/${session.sessionKey}/stop`, {})).status).toBe(204);
    expect(pms.sessions.size).toBe(0);
  });

  it('PMS: XML by default, HTML 401, websocket needs a token (header or query) and sends one child per frame', async () => {
    const xml = await (await fetch(`${pms.url}/library/sections?X-Plex-Token=${token}`)).text();
    expect(xml).toMatch(/^<\?xml[^]*<MediaContainer size="4"[^>]*><Directory /);
    const refused = await fetch(`${pms.url}/status/sessions`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    const wsUrl = `${pms.url.replace('http', 'ws')}/:/websockets/notifications`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
    const ws = new WebSocket(`${wsUrl}?X-Plex-Token=${token}`);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data: WebSocket.RawData) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('open', resolve));
    const member = fakes.members[0]![1]!;
    const s = fakes.startSession(pms, member, { transcode: true });
    const download = pms.startActivity({ userId: member.id, username: member.username!, progress: 10 });
    await new Promise((r) => setTimeout(r, 180));
    pms.endActivity(download.uuid);
    pms.stopSession(s.sessionKey);
    await new Promise((r) => setTimeout(r, 50));
    ws.close();
    const containers = frames.map((f) => f.NotificationContainer as Record<string, unknown>);
    const playing = containers.filter((c) => c.type === 'playing').map((c) => (c.PlaySessionStateNotification as Record<string, unknown>[])[0]!);
    expect(containers.every((c) => c.size === 1)).toBe(true);
    expect(playing[0]).toMatchObject({ sessionKey: s.sessionKey, state: 'playing', key: `/library/metadata/${s.item.ratingKey}`, transcodeSession: s.transcodeId });
    expect(playing.filter((p) => p.state === 'playing').length).toBeGreaterThanOrEqual(3);
    expect(playing.at(-1)).toMatchObject({ state: 'stopped' });
    const activity = containers.filter((c) => c.type === 'activity').map((c) => (c.ActivityNotification as { event: string; Activity: { type: string } }[])[0]!);
    expect(activity.map((a) => a.event)).toEqual(['started', 'ended']);
    expect(activity[0]!.Activity.type).toBe('media.download');
  });

  it('a machine id change rotates the server token and drops the old shares on plex.tv', async () => {
    const own = await startPlexFakes({ servers: 1, usersPerServer: 1 });
    try {
      const server = own.servers[0]!;
      const oldId = server.machineId;
      const oldToken = server.accessToken;
      const res = await post(`${own.plexTvUrl}/__control/servers/${oldId}/machine-id`, {});
      const { machineId } = (await res.json()) as { machineId: string };
      expect(machineId).not.toBe(oldId);
      expect((await fetch(`${server.url}/status/sessions?X-Plex-Token=${oldToken}`)).status).toBe(401);
      expect((await fetch(`${server.url}/status/sessions?X-Plex-Token=${server.accessToken}`)).status).toBe(200);
      expect(own.plexTv.state.sharesOfServer(oldId)).toHaveLength(0);
      expect(own.plexTv.state.servers.has(machineId)).toBe(true);
    } finally {
      await own.close();
    }
  });
});
