import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../../../fakes/src/index.js';
import { failure, PlexHarness } from './support/plex.js';

/**
 * PlexServerAdapter against the plex.tv and PMS fakes over real HTTP: identity, libraries and the
 * account methods, each with an injected failure (clear error; retried only when retryable).
 * Sessions, terminate, counts and events: plex-sessions.test.ts.
 */
describe('PlexServerAdapter: server, libraries and accounts', () => {
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let h: PlexHarness;
  const tvCount = (route: string): number => fakes.plexTv.http.requestCounts()[route] ?? 0;
  const pmsCount = (route: string): number => pms.http.requestCounts()[route] ?? 0;
  const standard = (): string[] => pms.libraries.filter((l) => !/4k/i.test(l.title)).map((l) => String(l.globalId));
  const grant = (libraries: string[], allowDownloads = false) => ({ libraries, allowDownloads, allowTranscoding: true, sessionCap: 0 });
  const newAccount = (name: string) => fakes.plexTv.state.addAccount({ username: name, email: `${name}@example.com` });

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 2, usersPerServer: 3, pendingInvitesPerServer: 1, homeUsers: 1, serverNames: ['Alpha', 'Beta'] });
    pms = fakes.servers[0]!;
    h = new PlexHarness(fakes);
  });
  beforeEach(() => {
    for (const f of [fakes.plexTv.http, ...fakes.servers.map((s) => s.http)]) {
      f.resetCounts();
      f.clearFaults();
    }
  });
  afterEach(() => h.closeAll());
  afterAll(() => fakes.close());

  describe('server', () => {
    it('testConnection()/identity() read name, version, machine id and Plex Pass; a 503 is retried', async () => {
      pms.http.fail('GET /', 1, 503);
      const a = h.adapter(pms);
      expect(a.capabilities.stopSessions).toBe(false);
      expect(await a.testConnection()).toEqual({ machineId: pms.machineId, name: 'Alpha', version: pms.version, premium: true });
      expect(a.capabilities).toMatchObject({ stopSessions: true, events: true, localPasswords: false, devices: false });
      expect(pmsCount('GET /')).toBe(2);
    });

    it('identity() honours the admin\'s Plex Pass override without asking plex.tv', async () => {
      const a = h.adapter(pms, { hasPlexPass: false });
      expect((await a.identity()).premium).toBe(false);
      expect(a.capabilities.stopSessions).toBe(false);
      expect(tvCount('GET /api/v2/user')).toBe(0);
    });

    it('testConnection() to a server with another machine id is plex_machine_id_changed', async () => {
      const error = await failure(h.adapter(pms, { machineId: 'the-old-machine-id' }).testConnection());
      expect(error).toMatchObject({ reason: 'plex_machine_id_changed', retryable: false });
      expect(error.fix).toMatch(/server sync/);
    });

    it('a refused PMS token is plex_token_invalid and not retried', async () => {
      const error = await failure(h.adapter(pms, { token: 'not-a-token' }).identity());
      expect(error).toMatchObject({ status: 401, reason: 'plex_token_invalid', retryable: false });
      expect(pmsCount('GET /')).toBe(1);
    });

    it('after a reinstall (new machine id) the PMS 401 and the plex.tv lookup both say plex_machine_id_changed', async () => {
      const own = await startPlexFakes({ servers: 1 });
      const local = new PlexHarness(own);
      try {
        const server = own.servers[0]!;
        const a = local.adapter(server);
        await a.testConnection();
        server.changeMachineId();
        const pmsError = await failure(a.listSessions());
        expect(pmsError).toMatchObject({ status: 401, reason: 'plex_machine_id_changed' });
        expect(pmsError.message).toContain(server.machineId);
        expect(await failure(a.listLibraries())).toMatchObject({ reason: 'plex_machine_id_changed' });
      } finally {
        await local.closeAll();
        await own.close();
      }
    });
  });

  describe('libraries', () => {
    it('listLibraries() gives plex.tv global ids as remoteId and PMS keys; a plex.tv 503 is retried', async () => {
      fakes.plexTv.http.fail('GET /api/servers/:machineId', 1, 503);
      const libs = await h.adapter(pms).listLibraries();
      expect(libs).toEqual(
        pms.libraries.map((l) => ({ remoteId: String(l.globalId), key: l.key, title: l.title, type: ({ movie: 'movie', show: 'show', artist: 'music', photo: 'photo' } as const)[l.type] })),
      );
      expect(tvCount('GET /api/servers/:machineId')).toBe(2);
    });

    it('listLibraries() fails clearly when the PMS keeps failing (3 attempts)', async () => {
      pms.http.fail('GET /library/sections', 3, 500);
      expect(await failure(h.adapter(pms).listLibraries())).toMatchObject({ kind: 'unavailable', retryable: true });
      expect(pmsCount('GET /library/sections')).toBe(3);
    });
  });

  describe('accounts', () => {
    it('listAccounts() names the owner, Home and managed users, members and pending invites', async () => {
      const homeMember = newAccount('alpha-home');
      fakes.plexTv.state.addToHome(fakes.owner.id, homeMember.id);
      fakes.plexTv.state.seedShare(fakes.owner, pms.machineId, homeMember, [Number(standard()[0])]);
      const accounts = await h.adapter(pms).listAccounts();
      const byId = new Map(accounts.map((a) => [a.remoteId, a]));
      expect(byId.get(String(fakes.owner.id))).toMatchObject({ role: 'owner', libraries: 'all' });
      expect(accounts.filter((a) => a.role === 'managed')).toHaveLength(1);
      expect(byId.get(String(homeMember.id))).toMatchObject({ role: 'home', libraries: [standard()[0]] });
      const [m1, m2, m3, pending] = fakes.members[0]!;
      expect(byId.get(String(m1!.id))).toMatchObject({ role: 'member', state: 'active', username: m1!.username, email: m1!.email, libraries: standard(), allowDownloads: true });
      expect(byId.get(String(m2!.id))).toMatchObject({ role: 'member', allowDownloads: false });
      expect(byId.get(String(m1!.id))?.shareId).toMatch(/^\d+$/);
      expect(byId.get(String(m3!.id))?.acceptedAt).toMatch(/^\d{4}-/);
      expect(byId.get(String(pending!.id))).toMatchObject({ role: 'member', state: 'pending', acceptedAt: null });
      // Members of the other server are not members of this one.
      expect(byId.has(String(fakes.members[1]![0]!.id))).toBe(false);
    });

    it('listAccounts() with a revoked account token is plex_token_invalid (not retried)', async () => {
      fakes.plexTv.http.fail('GET /api/v2/shared_servers/owned/accepted', 1, 401);
      expect(await failure(h.adapter(pms).listAccounts())).toMatchObject({ reason: 'plex_token_invalid' });
      expect(tvCount('GET /api/v2/shared_servers/owned/accepted')).toBe(1);
    });

    it('provisionAccount() invites by email; accepting turns it active; provisioning again (plex.tv: 422 "already sharing") updates the share', async () => {
      const a = h.adapter(pms);
      const user = newAccount('new-customer');
      const created = await a.provisionAccount({ identifier: user.email!, grant: grant(standard(), true) });
      expect(created).toMatchObject({ remoteId: String(user.id), role: 'member', state: 'pending', libraries: standard(), allowDownloads: true });
      fakes.plexTv.acceptInvites(user.email!);
      expect((await a.listAccounts()).find((x) => x.remoteId === String(user.id))?.state).toBe('active');
      const again = await a.provisionAccount({ identifier: user.username!, grant: grant([standard()[0]!]) });
      expect(again).toMatchObject({ remoteId: String(user.id), shareId: created.shareId, libraries: [standard()[0]], allowDownloads: false });
      expect(tvCount('POST /api/v2/shared_servers')).toBe(2);
      expect(tvCount('POST /api/v2/shared_servers/:id')).toBe(1);
    });

    it('provisionAccount() failures carry the cause and fix: stale libraries, Plex Home member, no libraries', async () => {
      const a = h.adapter(pms);
      const stale = await failure(a.provisionAccount({ identifier: newAccount('stale-grant').email!, grant: grant(['404404']) }));
      expect(stale).toMatchObject({ status: 422, reason: 'plex_stale_libraries' });
      expect(stale.fix).toMatch(/^Run a server sync/);
      const kid = newAccount('in-the-home');
      fakes.plexTv.state.addToHome(fakes.owner.id, kid.id);
      expect(await failure(a.provisionAccount({ identifier: kid.email!, grant: grant(standard()) }))).toMatchObject({ reason: 'plex_home_member' });
      expect(await failure(a.provisionAccount({ identifier: 'x@example.com', grant: grant([]) }))).toMatchObject({ reason: 'plex_no_libraries' });
      expect(tvCount('POST /api/v2/shared_servers')).toBe(2);
      // An invite is not repeated on a 503: plex.tv may have created it before failing.
      fakes.plexTv.http.fail('POST /api/v2/shared_servers', 1, 503);
      expect(await failure(a.provisionAccount({ identifier: newAccount('unlucky').email!, grant: grant(standard()) }))).toMatchObject({ kind: 'unavailable', retryable: true });
      expect(tvCount('POST /api/v2/shared_servers')).toBe(3);
    });

    it('provisionAccount() on a full server says how many users and Home users fill it', async () => {
      const beta = fakes.servers[1]!;
      const record = fakes.plexTv.state.servers.get(beta.machineId)!;
      record.maxUsers = fakes.plexTv.state.usedSeats(record);
      try {
        const error = await failure(h.adapter(beta).provisionAccount({ identifier: newAccount('no-room').email!, grant: grant([String(beta.libraries[0]!.globalId)]) }));
        expect(error).toMatchObject({ status: 422, reason: 'plex_server_full' });
        const home = fakes.plexTv.state.homeUsers(fakes.owner.id).length - 1;
        expect(error.message).toBe(`The Plex server is full: ${fakes.plexTv.state.sharesOfServer(beta.machineId).length} users it is shared with and ${home} Plex Home users.`);
      } finally {
        record.maxUsers = 100;
      }
    });

    it('grantAccess() updates the share, writes nothing when it already matches, and retries a 503', async () => {
      const a = h.adapter(pms);
      const member = fakes.members[0]![1]!;
      const before = (await a.listAccounts()).find((x) => x.remoteId === String(member.id))!;
      fakes.plexTv.http.fail('POST /api/v2/shared_servers/:id', 1, 503);
      await a.grantAccess({ remoteId: before.remoteId, shareId: before.shareId }, grant([...standard(), String(pms.libraries[3]!.globalId)], true));
      expect(tvCount('POST /api/v2/shared_servers/:id')).toBe(2);
      const stored = fakes.plexTv.state.shares.get(Number(before.shareId))!;
      expect(stored.sectionIds).toHaveLength(4);
      expect(stored.settings.allowSync).toBe(true);
      fakes.plexTv.http.resetCounts();
      await a.grantAccess({ remoteId: before.remoteId }, grant([...standard(), String(pms.libraries[3]!.globalId)].reverse(), true));
      expect(tvCount('POST /api/v2/shared_servers/:id')).toBe(0);
    });

    it('grantAccess() without a share re-shares by account id; with a stale library it is plex_stale_libraries', async () => {
      const a = h.adapter(pms);
      const member = fakes.members[0]![2]!;
      await a.revokeAccess({ remoteId: String(member.id) });
      await a.grantAccess({ remoteId: String(member.id) }, grant(standard()));
      expect(tvCount('POST /api/servers/:machineId/shared_servers')).toBe(1);
      expect(fakes.plexTv.state.sharesOfServer(pms.machineId).find((s) => s.invitedId === member.id)?.sectionIds.map(String)).toEqual(standard());
      expect(await failure(a.grantAccess({ remoteId: String(member.id) }, grant(['777'])))).toMatchObject({ reason: 'plex_stale_libraries' });
    });

    it('revokeAccess() removes this server\'s share only, is idempotent, and fails clearly after three 500s', async () => {
      const a = h.adapter(pms);
      const user = newAccount('to-revoke');
      const created = await a.provisionAccount({ identifier: user.email!, grant: grant(standard()) });
      await h.adapter(fakes.servers[1]!).provisionAccount({ identifier: user.email!, grant: grant([String(fakes.servers[1]!.libraries[0]!.globalId)]) });
      await a.revokeAccess({ remoteId: created.remoteId, shareId: created.shareId });
      await a.revokeAccess({ remoteId: created.remoteId, shareId: created.shareId });
      expect(fakes.plexTv.state.sharesReceived(user.id).map((s) => s.machineId)).toEqual([fakes.servers[1]!.machineId]);
      const other = await a.provisionAccount({ identifier: newAccount('revoke-fails').email!, grant: grant(standard()) });
      fakes.plexTv.http.fail('DELETE /api/v2/shared_servers/:id', 3, 500);
      expect(await failure(a.revokeAccess({ remoteId: other.remoteId, shareId: other.shareId }))).toMatchObject({ kind: 'unavailable', retryable: true });
    });

    it('deleteAccount() removes the friend with all shares, is idempotent; 401 is plex_token_invalid', async () => {
      const a = h.adapter(pms);
      const user = newAccount('to-delete');
      const created = await a.provisionAccount({ identifier: user.email!, grant: grant(standard()) });
      await a.deleteAccount({ remoteId: created.remoteId });
      await a.deleteAccount({ remoteId: created.remoteId });
      expect(fakes.plexTv.state.sharesReceived(user.id)).toHaveLength(0);
      fakes.plexTv.http.fail('DELETE /api/v2/sharings/:userId', 1, 401);
      expect(await failure(a.deleteAccount({ remoteId: created.remoteId }))).toMatchObject({ reason: 'plex_token_invalid' });
      expect(tvCount('DELETE /api/v2/sharings/:userId')).toBe(3);
    });
  });
});
