import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../../../fakes/src/index.js';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';
import { PlexTvClient, type PlexTvClientOptions } from '../../src/adapters/media-server/plex/plex-tv-client.js';

/** PlexTvClient against the plex.tv fake over real HTTP: every method, each with an injected failure. */
describe('PlexTvClient', () => {
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  const opened: PlexTvClient[] = [];

  const client = (overrides: Partial<PlexTvClientOptions> = {}): PlexTvClient => {
    const c = new PlexTvClient({
      token: fakes.owner.token,
      clientIdentifier: 'usher-test-install',
      plexTvUrl: fakes.plexTvUrl,
      clientsUrl: fakes.plexTvUrl,
      appUrl: fakes.plexTvUrl,
      timeoutMs: 3_000,
      accountListTtlMs: 0,
      ...overrides,
    });
    opened.push(c);
    return c;
  };
  const count = (route: string): number => fakes.plexTv.http.requestCounts()[route] ?? 0;
  const failure = async (promise: Promise<unknown>): Promise<IntegrationError> => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrationError);
    return error as IntegrationError;
  };
  const newAccount = (name: string) => fakes.plexTv.state.addAccount({ username: name, email: `${name}@example.com`, password: 'pw' });
  const standardSections = () => pms.libraries.filter((l) => !/4k/i.test(l.title)).map((l) => String(l.globalId));

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 2, usersPerServer: 2, pendingInvitesPerServer: 1, homeUsers: 1 });
    pms = fakes.servers[0]!;
  });
  beforeEach(() => {
    fakes.plexTv.http.resetCounts();
    fakes.plexTv.http.clearFaults();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });
  afterAll(() => fakes.close());

  describe('account', () => {
    it('me() reads the token owner and Plex Pass; a 503 is retried once and succeeds', async () => {
      fakes.plexTv.http.fail('GET /api/v2/user', 1, 503);
      const me = await client().me();
      expect(me).toMatchObject({ plexUserId: String(fakes.owner.id), username: 'owner', email: 'owner@example.com', plexPass: true });
      expect(count('GET /api/v2/user')).toBe(2);
    });

    it('me() with a revoked token fails with plex_token_invalid and is not retried', async () => {
      const member = newAccount('revoked-token');
      const old = member.token!;
      fakes.plexTv.state.rotateToken(member.id);
      const error = await failure(client({ token: old }).me());
      expect(error).toMatchObject({ kind: 'unauthorized', reason: 'plex_token_invalid', retryable: false, status: 401 });
      expect(error.fix).toMatch(/Sign in with Plex/);
      expect(count('GET /api/v2/user')).toBe(1);
    });

    it('hasPlexPass() follows the account; three 502s exhaust the retries with a retryable error', async () => {
      const member = newAccount('pass-holder');
      const c = client({ token: member.token });
      expect(await c.hasPlexPass()).toBe(false);
      fakes.plexTv.state.setPlexPass(member.id, true);
      expect(await c.hasPlexPass()).toBe(true);
      fakes.plexTv.http.resetCounts();
      fakes.plexTv.http.fail('GET /api/v2/user', 3, 502);
      const error = await failure(c.hasPlexPass());
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
      expect(count('GET /api/v2/user')).toBe(3);
    });

    it('account() is reused across calls within the TTL', async () => {
      const c = client({ accountListTtlMs: 60_000 });
      await Promise.all([c.account(), c.account(), c.hasPlexPass()]);
      expect(count('GET /api/v2/user')).toBe(1);
    });

    it('servers() lists the owned servers with their connection and token; 401 is not retried', async () => {
      const servers = await client().servers();
      expect(servers).toHaveLength(2);
      expect(servers[0]).toMatchObject({ machineId: pms.machineId, name: pms.name, owned: true, accessToken: pms.accessToken });
      expect(servers[0]!.connections[0]!.uri).toBe(pms.url);
      fakes.plexTv.http.fail('GET /api/v2/resources', 1, 401);
      expect(await failure(client().servers())).toMatchObject({ reason: 'plex_token_invalid' });
      expect(count('GET /api/v2/resources')).toBe(2);
    });

    it('users() parses v1 XML: friends with their shares, Home members marked home; a 500 is retried', async () => {
      fakes.plexTv.http.fail('GET /api/users', 1, 500);
      const users = await client().users();
      const member = fakes.members[0]![0]!;
      const u = users.find((x) => x.id === String(member.id))!;
      expect(u).toMatchObject({ username: member.username, home: false, restricted: false });
      expect(u.servers[0]).toMatchObject({ machineId: pms.machineId, pending: false, allLibraries: false, numLibraries: 3 });
      expect(users.find((x) => x.restricted)?.home).toBe(true);
      const pending = fakes.members[0]![2]!;
      expect(users.find((x) => x.id === String(pending.id))!.servers[0]!.pending).toBe(true);
      expect(count('GET /api/users')).toBe(2);
    });

    it('friends() lists accepted and pending friends; 429 is retried', async () => {
      fakes.plexTv.http.fail('GET /api/v2/friends', 1, 429);
      const friends = await client().friends();
      expect(friends.find((f) => f.id === String(fakes.members[1]![0]!.id))?.status).toBe('accepted');
      expect(friends.find((f) => f.id === String(fakes.members[1]![2]!.id))?.status).toBe('pending');
      expect(count('GET /api/v2/friends')).toBe(2);
    });

    it('homeUsers() gives the admin and managed users; no Plex Home (4xx or no users) is an empty Home; 401 still fails', async () => {
      const home = await client().homeUsers();
      expect(home[0]).toMatchObject({ id: String(fakes.owner.id), admin: true });
      expect(home.find((u) => u.restricted)).toMatchObject({ admin: false, username: null, email: null });
      fakes.plexTv.http.fail('GET /api/v2/home/users', 1, 400);
      expect(await client().homeUsers()).toEqual([]);
      fakes.plexTv.http.fail('GET /api/v2/home/users', 1, 404);
      expect(await client().homeUsers()).toEqual([]);
      fakes.plexTv.http.fail('GET /api/v2/home/users', 1, 200, '{"id":1,"name":"none"}');
      expect(await client().homeUsers()).toEqual([]);
      fakes.plexTv.http.fail('GET /api/v2/home/users', 1, 401);
      expect(await failure(client().homeUsers())).toMatchObject({ reason: 'plex_token_invalid' });
      expect(count('GET /api/v2/home/users')).toBe(5);
    });

    it('serverSections() maps PMS keys to plex.tv global ids; an unknown machine id is plex_machine_id_changed', async () => {
      const sections = await client().serverSections(pms.machineId);
      expect(sections.map((s) => [s.key, s.id])).toEqual(pms.libraries.map((l) => [l.key, String(l.globalId)]));
      const error = await failure(client().serverSections('0000deadbeef'));
      expect(error).toMatchObject({ reason: 'plex_machine_id_changed', status: 404 });
      expect(error.fix).toMatch(/server sync/);
    });
  });

  describe('shares', () => {
    it('serverShares() lists accepted shares and invites of one server with v2 ids; a 503 is retried', async () => {
      fakes.plexTv.http.fail('GET /api/v2/shared_servers/owned/accepted', 1, 503);
      const shares = await client().serverShares(pms.machineId);
      expect(shares).toHaveLength(3);
      const accepted = shares.find((s) => s.userId === String(fakes.members[0]![0]!.id))!;
      expect(accepted).toMatchObject({ accepted: true, allowSync: true, sectionIds: standardSections() });
      expect(accepted.acceptedAt).toMatch(/^\d{4}-/);
      expect(shares.find((s) => s.userId === String(fakes.members[0]![2]!.id))).toMatchObject({ accepted: false, acceptedAt: null });
      expect(count('GET /api/v2/shared_servers/owned/accepted')).toBe(2);
      // The ids are the v2 ones; the v1 list names the same shares under other ids.
      const v1 = await client().serverSharesV1(pms.machineId);
      for (const share of shares) {
        expect(fakes.plexTv.state.shares.get(Number(share.shareId))?.invitedId).toBe(Number(share.userId));
        expect(v1.find((s) => s.userId === share.userId)!.shareId).not.toBe(share.shareId);
      }
    });

    it('v1 reads ask for XML, and a body of another shape (JSON, empty, HTML, another root) fails loudly', async () => {
      const c = client();
      expect(await c.serverSections(pms.machineId)).toHaveLength(pms.libraries.length);
      expect(await c.serverSharesV1(pms.machineId)).toHaveLength(3);
      expect((await c.users()).length).toBeGreaterThan(0);
      const bodies = ['{"MediaContainer":{"size":0}}', '', '<html><body>502 Bad Gateway</body></html>', '<?xml version="1.0"?><errors><error>down</error></errors>'];
      for (const body of bodies) {
        for (const [route, call] of [
          ['GET /api/servers/:machineId', () => c.serverSections(pms.machineId)],
          ['GET /api/servers/:machineId/shared_servers', () => c.serverSharesV1(pms.machineId)],
          ['GET /api/users', () => c.users()],
        ] as const) {
          fakes.plexTv.http.fail(route, 3, 200, body);
          expect(await failure(call()), `${route} answering ${JSON.stringify(body)}`).toMatchObject({ kind: 'invalid_response' });
          fakes.plexTv.http.clearFaults();
        }
      }
    });

    it('v2 lists of another shape fail loudly instead of reading as empty', async () => {
      const c = client();
      for (const [route, call] of [
        ['GET /api/v2/shared_servers/owned/accepted', () => c.acceptedShares()],
        ['GET /api/v2/shared_servers/invites/owned/pending', () => c.pendingInvites()],
        ['GET /api/v2/friends', () => c.friends()],
        ['GET /api/v2/resources', () => c.servers()],
      ] as const) {
        for (const body of ['{"MediaContainer":{}}', '<html></html>', '']) {
          fakes.plexTv.http.fail(route, 3, 200, body);
          expect(await failure(call()), `${route} answering ${JSON.stringify(body)}`).toMatchObject({ kind: 'invalid_response' });
          fakes.plexTv.http.clearFaults();
        }
      }
    });

    it('acceptedShares() and pendingInvites() read the v2 lists; 401 is plex_token_invalid', async () => {
      const accepted = await client().acceptedShares();
      expect(accepted.every((s) => s.accepted)).toBe(true);
      expect(accepted.filter((s) => s.machineId === pms.machineId)).toHaveLength(2);
      const pending = await client().pendingInvites();
      expect(pending.map((p) => p.userId).sort()).toEqual([fakes.members[0]![2]!.id, fakes.members[1]![2]!.id].map(String).sort());
      fakes.plexTv.http.fail('GET /api/v2/shared_servers/invites/owned/pending', 1, 401);
      expect(await failure(client().pendingInvites())).toMatchObject({ reason: 'plex_token_invalid' });
      fakes.plexTv.http.fail('GET /api/v2/shared_servers/owned/accepted', 1, 401);
      expect(await failure(client().acceptedShares())).toMatchObject({ reason: 'plex_token_invalid' });
      expect(count('GET /api/v2/shared_servers/owned/accepted')).toBe(2);
    });

    it('invite() shares by email or username and creates a pending share', async () => {
      const a = newAccount('invite-by-email');
      const b = newAccount('invite-by-name');
      const byEmail = await client().invite({ machineId: pms.machineId, identifier: a.email!, librarySectionIds: standardSections(), settings: { allowSync: true } });
      expect(byEmail).toMatchObject({ userId: String(a.id), accepted: false, allowSync: true, sectionIds: standardSections() });
      const byName = await client().invite({ machineId: pms.machineId, identifier: b.username!, librarySectionIds: [standardSections()[0]!], settings: {} });
      expect(byName).toMatchObject({ userId: String(b.id), allowSync: false });
      expect(fakes.plexTv.state.shares.get(Number(byName.shareId))?.accepted).toBe(false);
    });

    it('invite() is never retried: a 503 fails after one request', async () => {
      fakes.plexTv.http.fail('POST /api/v2/shared_servers', 1, 503);
      const error = await failure(client().invite({ machineId: pms.machineId, identifier: newAccount('no-retry').email!, librarySectionIds: standardSections(), settings: {} }));
      expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
      expect(count('POST /api/v2/shared_servers')).toBe(1);
    });

    it('invite() maps plex.tv 422s to stale libraries, Plex Home member and changed machine id', async () => {
      const c = client();
      const stale = await failure(c.invite({ machineId: pms.machineId, identifier: newAccount('stale').email!, librarySectionIds: ['999999'], settings: {} }));
      expect(stale).toMatchObject({ status: 422, reason: 'plex_stale_libraries' });
      expect(stale.fix).toMatch(/Run a server sync/);
      const kid = fakes.plexTv.state.homeUsers(fakes.owner.id).find((u) => u.id !== fakes.owner.id)!;
      const homeMember = newAccount('home-member');
      fakes.plexTv.state.addToHome(fakes.owner.id, homeMember.id);
      expect(kid.restricted).toBe(true);
      expect(await failure(c.invite({ machineId: pms.machineId, identifier: homeMember.username!, librarySectionIds: standardSections(), settings: {} }))).toMatchObject({
        status: 422,
        reason: 'plex_home_member',
      });
      expect(await failure(c.invite({ machineId: 'feedface', identifier: newAccount('gone-server').email!, librarySectionIds: standardSections(), settings: {} }))).toMatchObject({
        status: 422,
        reason: 'plex_machine_id_changed',
      });
      expect(count('POST /api/v2/shared_servers')).toBe(3);
    });

    it('invite() on a full server (friends and Home users counted) is plex_server_full', async () => {
      const server = fakes.plexTv.state.servers.get(fakes.servers[1]!.machineId)!;
      const seats = fakes.plexTv.state.usedSeats(server);
      server.maxUsers = seats;
      try {
        const error = await failure(client().invite({ machineId: server.pms.machineId, identifier: newAccount('one-too-many').email!, librarySectionIds: [String(server.pms.libraries[0]!.globalId)], settings: {} }));
        expect(error).toMatchObject({ status: 422, reason: 'plex_server_full' });
        const home = fakes.plexTv.state.homeUsers(fakes.owner.id).length - 1;
        expect(home).toBeGreaterThan(0);
        expect(seats).toBe(fakes.plexTv.state.sharesOfServer(server.pms.machineId).length + home);
      } finally {
        server.maxUsers = 100;
      }
    });

    it('invite() of an unknown username or of someone already sharing the server is named as such', async () => {
      expect(await failure(client().invite({ machineId: pms.machineId, identifier: 'nobody-at-all', librarySectionIds: standardSections(), settings: {} }))).toMatchObject({
        status: 404,
        reason: 'plex_unknown_user',
      });
      const member = fakes.members[0]![0]!;
      // v2 answers 422 with "You're already sharing this server with …": recognised by the text, not read as a changed machine id.
      expect(await failure(client().invite({ machineId: pms.machineId, identifier: member.email!, librarySectionIds: standardSections(), settings: {} }))).toMatchObject({
        status: 422,
        reason: 'plex_already_shared',
      });
      // v1 answers 400 with the same text in <Response status>.
      expect(await failure(client().inviteUserId(pms.machineId, String(member.id), standardSections(), {}))).toMatchObject({ status: 400, reason: 'plex_already_shared' });
    });

    it('inviteUserId() uses the v1 invite with invited_id; 401 is plex_token_invalid', async () => {
      const a = newAccount('by-id');
      await client().inviteUserId(pms.machineId, String(a.id), [standardSections()[1]!], { allowSync: true });
      const share = (await client().serverShares(pms.machineId)).find((s) => s.userId === String(a.id));
      expect(share).toMatchObject({ accepted: false, allowSync: true, sectionIds: [standardSections()[1]] });
      expect(count('POST /api/servers/:machineId/shared_servers')).toBe(1);
      fakes.plexTv.http.fail('POST /api/servers/:machineId/shared_servers', 1, 401);
      expect(await failure(client().inviteUserId(pms.machineId, String(newAccount('by-id-2').id), standardSections(), {}))).toMatchObject({ reason: 'plex_token_invalid' });
    });

    it('updateShare() replaces libraries and settings, and is retried after a 503 (same body, same result)', async () => {
      const share = await client().invite({ machineId: pms.machineId, identifier: newAccount('to-update').email!, librarySectionIds: standardSections(), settings: {} });
      fakes.plexTv.http.fail('POST /api/v2/shared_servers/:id', 1, 503);
      const updated = await client().updateShare(share.shareId, [String(pms.libraries[3]!.globalId)], { allowSync: true });
      expect(updated).toMatchObject({ sectionIds: [String(pms.libraries[3]!.globalId)], allowSync: true });
      expect(count('POST /api/v2/shared_servers/:id')).toBe(2);
      const stored = fakes.plexTv.state.shares.get(Number(share.shareId))!;
      expect(stored.settings).toMatchObject({ allowSync: true, allowChannels: false, filterMovies: '' });
      expect(await failure(client().updateShare(share.shareId, ['123'], {}))).toMatchObject({ reason: 'plex_stale_libraries' });
    });

    it('updateSharingFlags() sets flags on every share with the user; unknown user → not_found', async () => {
      const member = fakes.members[1]![1]!;
      await client().updateSharingFlags(String(member.id), { allowSync: true, allowCameraUpload: false });
      expect(fakes.plexTv.state.sharesReceived(member.id).every((s) => s.settings.allowSync)).toBe(true);
      expect(await failure(client().updateSharingFlags('424242', { allowSync: true }))).toMatchObject({ kind: 'not_found', status: 404 });
      fakes.plexTv.http.resetCounts();
      fakes.plexTv.http.fail('PUT /api/v2/sharings/:userId', 1, 503);
      await client().updateSharingFlags(String(member.id), { allowSync: false });
      expect(count('PUT /api/v2/sharings/:userId')).toBe(2);
      expect(fakes.plexTv.state.sharesReceived(member.id).every((s) => !s.settings.allowSync)).toBe(true);
    });

    it('removeShare() removes one share and is idempotent; a 500 on DELETE is retried', async () => {
      const share = await client().invite({ machineId: pms.machineId, identifier: newAccount('to-remove').email!, librarySectionIds: standardSections(), settings: {} });
      fakes.plexTv.http.fail('DELETE /api/v2/shared_servers/:id', 1, 500);
      expect(await client().removeShare(share.shareId)).toBe(true);
      expect(count('DELETE /api/v2/shared_servers/:id')).toBe(2);
      expect(fakes.plexTv.state.shares.has(Number(share.shareId))).toBe(false);
      expect(await client().removeShare(share.shareId)).toBe(false);
    });

    it('removeFriend() removes the friend with every share; again is a no-op; 401 is plex_token_invalid', async () => {
      const friend = newAccount('friend-to-remove');
      for (const server of fakes.servers) await client().invite({ machineId: server.machineId, identifier: friend.email!, librarySectionIds: [String(server.libraries[0]!.globalId)], settings: {} });
      expect(await client().removeFriend(String(friend.id))).toBe(true);
      expect(fakes.plexTv.state.sharesReceived(friend.id)).toHaveLength(0);
      expect(await client().removeFriend(String(friend.id))).toBe(false);
      fakes.plexTv.http.fail('DELETE /api/v2/sharings/:userId', 1, 401);
      expect(await failure(client().removeFriend(String(friend.id)))).toMatchObject({ reason: 'plex_token_invalid' });
    });
  });

  describe('sign-in', () => {
    it('start() creates a strong PIN and the app.plex.tv URL; poll() waits, then gets the approved token', async () => {
      const c = client({ token: null });
      const pin = await c.start('http://usher.test/admin/plex-accounts');
      expect(pin.code.length).toBeGreaterThan(10);
      const url = new URL(pin.authUrl);
      expect(`${url.origin}${url.pathname}`).toBe(`${fakes.plexTvUrl}/auth`);
      const params = new URLSearchParams(url.hash.replace(/^#\??/, ''));
      expect(params.get('clientID')).toBe('usher-test-install');
      expect(params.get('code')).toBe(pin.code);
      expect(params.get('forwardUrl')).toBe('http://usher.test/admin/plex-accounts');
      expect(await c.poll(pin.id)).toEqual({ status: 'waiting' });
      fakes.plexTv.state.pins.approve(pin.id, fakes.owner.token!);
      expect(await c.poll(pin.id)).toEqual({ status: 'approved', token: fakes.owner.token });
      expect((await c.withToken(fakes.owner.token!).me()).username).toBe('owner');
    });

    it('poll() reports an expired or unknown PIN; start() is not retried on a 503', async () => {
      const c = client({ token: null });
      const pin = await c.start();
      fakes.plexTv.state.pins.expire(Number(pin.id));
      expect(await c.poll(pin.id)).toEqual({ status: 'expired' });
      expect(await c.poll('12345')).toEqual({ status: 'expired' });
      fakes.plexTv.http.resetCounts();
      fakes.plexTv.http.fail('POST /api/v2/pins', 1, 503);
      expect(await failure(c.start())).toMatchObject({ kind: 'unavailable' });
      expect(count('POST /api/v2/pins')).toBe(1);
    });

    it('poll() retries a 503 and then reads the PIN', async () => {
      const c = client({ token: null });
      const pin = await c.start();
      fakes.plexTv.http.fail('GET /api/v2/pins/:id', 1, 503);
      expect(await c.poll(pin.id)).toEqual({ status: 'waiting' });
      expect(count('GET /api/v2/pins/:id')).toBe(2);
    });

    it('signIn() returns the account token; 2FA without code and a wrong password are named', async () => {
      const plain = fakes.plexTv.state.addAccount({ username: 'signer', email: 'signer@example.com', password: 'right-pw' });
      const twoFa = fakes.plexTv.state.addAccount({ username: 'careful', email: 'careful@example.com', password: 'right-pw', twoFactorCode: '123456' });
      const c = client({ token: null });
      expect(await c.signIn({ login: 'signer@example.com', password: 'right-pw' })).toMatchObject({ plexUserId: String(plain.id), authToken: plain.token });
      expect(await failure(c.signIn({ login: 'signer', password: 'wrong' }))).toMatchObject({ status: 401, reason: 'plex_bad_credentials' });
      expect(await failure(c.signIn({ login: 'careful', password: 'right-pw' }))).toMatchObject({ status: 401, reason: 'plex_2fa_required' });
      expect(await c.signIn({ login: 'careful', password: 'right-pw', verificationCode: '123456' })).toMatchObject({ authToken: twoFa.token });
      fakes.plexTv.http.resetCounts();
      fakes.plexTv.http.fail('POST /api/v2/users/signin', 1, 503);
      expect(await failure(c.signIn({ login: 'signer', password: 'right-pw' }))).toMatchObject({ kind: 'unavailable' });
      expect(count('POST /api/v2/users/signin')).toBe(1);
    });
  });
});
