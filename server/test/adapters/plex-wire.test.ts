import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../../../fakes/src/index.js';
import { failure, PlexHarness } from './support/plex.js';

/**
 * PlexServerAdapter against plex.tv as it really answers (issue 6 §3): the duplicate-share 422,
 * two generations of share ids, invites to emails without a Plex account, owners without a
 * Plex Home, and v1 bodies that are not the XML asked for.
 */
describe('PlexServerAdapter: plex.tv wire fidelity', () => {
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let h: PlexHarness;
  const tvCount = (route: string): number => fakes.plexTv.http.requestCounts()[route] ?? 0;
  const standard = (): string[] => pms.libraries.filter((l) => !/4k/i.test(l.title)).map((l) => String(l.globalId));
  const grant = (libraries: string[], allowDownloads = false) => ({ libraries, allowDownloads, allowTranscoding: true, sessionCap: 0 });
  const newAccount = (name: string) => fakes.plexTv.state.addAccount({ username: name, email: `${name}@example.com` });

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 2, usersPerServer: 2, pendingInvitesPerServer: 1, homeUsers: 1 });
    pms = fakes.servers[0]!;
    h = new PlexHarness(fakes);
  });
  beforeEach(() => {
    fakes.plexTv.http.resetCounts();
    fakes.plexTv.http.clearFaults();
  });
  afterEach(() => h.closeAll());
  afterAll(() => fakes.close());

  it('a re-invite answered 422 "already sharing" runs the update path (not "machine id changed")', async () => {
    const a = h.adapter(pms);
    const member = fakes.members[0]![1]!;
    const before = fakes.plexTv.state.sharesOfServer(pms.machineId).find((s) => s.invitedId === member.id)!;
    const result = await a.provisionAccount({ identifier: member.email!, grant: grant([standard()[0]!], true) });
    expect(result).toMatchObject({ remoteId: String(member.id), shareId: String(before.id), libraries: [standard()[0]], allowDownloads: true });
    expect(tvCount('POST /api/v2/shared_servers')).toBe(1);
    expect(tvCount('POST /api/v2/shared_servers/:id')).toBe(1);
    expect(before.sectionIds.map(String)).toEqual([standard()[0]]);
  });

  it('share ids are v2 ids throughout; a stored v1 id is never used on a v2 route as if it were valid', async () => {
    const a = h.adapter(pms);
    const accounts = await a.listAccounts();
    for (const account of accounts.filter((x) => x.role === 'member')) {
      expect(fakes.plexTv.state.shares.get(Number(account.shareId))?.invitedId).toBe(Number(account.remoteId));
    }
    // An id of the other generation (e.g. stored by an older Usher): update finds the share again.
    const member = fakes.members[0]![0]!;
    const share = fakes.plexTv.state.sharesOfServer(pms.machineId).find((s) => s.invitedId === member.id)!;
    await a.grantAccess({ remoteId: String(member.id), shareId: String(share.v1Id) }, grant(standard(), false));
    expect(share.settings.allowSync).toBe(false);
    expect(tvCount('GET /api/v2/shared_servers/owned/accepted')).toBeGreaterThan(1);
  });

  it('revokeAccess() with a stale or v1 share id re-reads the share list and removes the share (a 404 is not "already revoked")', async () => {
    const a = h.adapter(pms);
    const user = newAccount('revoke-by-v1-id');
    const created = await a.provisionAccount({ identifier: user.email!, grant: grant(standard()) });
    const share = fakes.plexTv.state.shares.get(Number(created.shareId))!;
    fakes.plexTv.http.resetCounts();
    await a.revokeAccess({ remoteId: created.remoteId, shareId: String(share.v1Id) });
    expect(fakes.plexTv.state.sharesReceived(user.id)).toEqual([]);
    expect(tvCount('DELETE /api/v2/shared_servers/:id')).toBe(2);
    // Revoking again reads the list, finds nothing and sends no DELETE for an unknown share.
    fakes.plexTv.http.resetCounts();
    await a.revokeAccess({ remoteId: created.remoteId });
    expect(tvCount('DELETE /api/v2/shared_servers/:id')).toBe(0);
  });

  it('invites to emails without a Plex account are pending accounts keyed by invite id + email, never by an empty id', async () => {
    const a = h.adapter(pms);
    const first = await a.provisionAccount({ identifier: 'Nobody.One@example.com', grant: grant(standard()) });
    const second = await a.provisionAccount({ identifier: 'nobody.two@example.com', grant: grant(standard()) });
    expect(first.remoteId).toBe(`invite:${first.shareId}:nobody.one@example.com`);
    expect(second.remoteId).toBe(`invite:${second.shareId}:nobody.two@example.com`);
    const accounts = await a.listAccounts();
    expect(accounts.some((x) => x.remoteId === '')).toBe(false);
    expect(accounts.filter((x) => x.remoteId.startsWith('invite:'))).toEqual([
      expect.objectContaining({ remoteId: first.remoteId, email: 'Nobody.One@example.com', state: 'pending', role: 'member', libraries: standard() }),
      expect.objectContaining({ remoteId: second.remoteId, email: 'nobody.two@example.com', state: 'pending', role: 'member' }),
    ]);
    // Re-inviting the same email is the duplicate, answered by updating that invite.
    const again = await a.provisionAccount({ identifier: 'nobody.two@example.com', grant: grant([standard()[0]!]) });
    expect(again).toMatchObject({ remoteId: second.remoteId, libraries: [standard()[0]] });
    // Withdrawing and deleting work on the key; the other invite stays.
    await a.deleteAccount({ remoteId: second.remoteId, shareId: second.shareId! });
    await a.revokeAccess({ remoteId: second.remoteId });
    expect((await a.listAccounts()).map((x) => x.remoteId)).not.toContain(second.remoteId);
    // The person signs up and accepts: the account now has a Plex user id.
    fakes.plexTv.acceptInvites('Nobody.One@example.com');
    const joined = fakes.plexTv.state.findByLogin('nobody.one@example.com')!;
    const after = await a.listAccounts();
    expect(after.find((x) => x.remoteId === String(joined.id))).toMatchObject({ state: 'active', shareId: first.shareId });
    expect(after.some((x) => x.remoteId === first.remoteId)).toBe(false);
  });

  it('an owner without a Plex Home (plex.tv 4xx or no users) still lists the owner and every share', async () => {
    const a = h.adapter(pms);
    const expected = (await a.listAccounts()).filter((x) => x.role === 'member').map((x) => x.remoteId).sort();
    for (const [status, body] of [
      [404, '{"errors":[{"code":1002,"message":"Not found","status":404}]}'],
      [400, '{"errors":[{"code":1000,"message":"No home","status":400}]}'],
      [200, '{"id":1,"name":"Home"}'],
    ] as const) {
      fakes.plexTv.http.fail('GET /api/v2/home/users', 1, status, body);
      const accounts = await a.listAccounts();
      expect(accounts.find((x) => x.role === 'owner')).toMatchObject({ remoteId: String(fakes.owner.id) });
      expect(accounts.filter((x) => x.role === 'member').map((x) => x.remoteId).sort()).toEqual(expected);
    }
  });

  it('listLibraries() fails loudly when plex.tv answers the server details as JSON, empty or HTML', async () => {
    const a = h.adapter(pms);
    for (const body of ['{"MediaContainer":{"Server":[]}}', '', '<!DOCTYPE html><html><body>Bad gateway</body></html>']) {
      fakes.plexTv.http.fail('GET /api/servers/:machineId', 3, 200, body);
      expect(await failure(a.listLibraries())).toMatchObject({ kind: 'invalid_response', reason: 'plex_unexpected_answer' });
      fakes.plexTv.http.clearFaults();
    }
    expect((await a.listLibraries()).length).toBe(pms.libraries.length);
  });

  it('listAccounts() fails loudly when a share list is not a list', async () => {
    const a = h.adapter(pms);
    for (const route of ['GET /api/v2/shared_servers/owned/accepted', 'GET /api/v2/shared_servers/invites/owned/pending']) {
      for (const body of ['{"MediaContainer":{"size":0}}', '', '<html></html>']) {
        fakes.plexTv.http.fail(route, 3, 200, body);
        expect(await failure(a.listAccounts())).toMatchObject({ kind: 'invalid_response' });
        fakes.plexTv.http.clearFaults();
      }
    }
  });
});
