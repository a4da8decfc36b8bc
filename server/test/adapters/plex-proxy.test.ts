import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../../../fakes/src/index.js';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';
import { PlexTvClient } from '../../src/adapters/media-server/plex/plex-tv-client.js';
import { LoopbackProxy } from './support/loopback-proxy.js';

/** A Plex account with a proxy sends every plex.tv request through it (and only with valid credentials). */
describe('PlexTvClient through an HTTP proxy with credentials', () => {
  let fakes: PlexFakes;
  let proxy: LoopbackProxy;
  let proxyUrl: string;

  const client = (password: string) =>
    new PlexTvClient({
      token: fakes.owner.token,
      clientIdentifier: 'usher-proxy-test',
      plexTvUrl: fakes.plexTvUrl,
      clientsUrl: fakes.plexTvUrl,
      appUrl: fakes.plexTvUrl,
      proxy: { url: proxyUrl, username: 'usher', password },
      timeoutMs: 3_000,
      accountListTtlMs: 0,
    });

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 2, homeUsers: 1 });
    proxy = new LoopbackProxy('usher', 's3cret:pw');
    proxyUrl = await proxy.listen();
  });
  beforeEach(() => {
    fakes.plexTv.http.resetCounts();
    proxy.forwarded.length = 0;
    proxy.refused = 0;
  });
  afterAll(async () => {
    await proxy.close();
    await fakes.close();
  });

  it('forwards every plex.tv call: the proxy counts exactly what plex.tv receives', async () => {
    const c = client('s3cret:pw');
    try {
      const machineId = fakes.servers[0]!.machineId;
      const sections = fakes.servers[0]!.libraries.map((l) => String(l.globalId));
      const invitee = fakes.plexTv.state.addAccount({ username: 'via-proxy', email: 'via-proxy@example.com' });
      await c.me();
      await c.servers();
      await c.users();
      await c.friends();
      await c.homeUsers();
      await c.serverSections(machineId);
      await c.serverSharesV1(machineId);
      await c.acceptedShares();
      await c.pendingInvites();
      const share = await c.invite({ machineId, identifier: invitee.email!, librarySectionIds: sections, settings: {} });
      await c.updateShare(share.shareId, sections.slice(0, 1), { allowSync: true });
      await c.updateSharingFlags(String(invitee.id), { allowSync: false });
      await c.removeShare(share.shareId);
      const pin = await c.start();
      await c.poll(pin.id);
      await c.signIn({ login: 'owner', password: 'owner-password' });

      const received = fakes.plexTv.http.totalRequests();
      expect(received).toBe(16);
      expect(proxy.forwarded).toHaveLength(received);
      const target = new URL(fakes.plexTvUrl).host;
      expect(proxy.forwarded.every((line) => line.includes(` ${target}/`))).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('with wrong proxy credentials fails with a clear, unretried error and nothing reaches plex.tv', async () => {
    const c = client('wrong');
    try {
      const error = await c.me().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IntegrationError);
      expect(error).toMatchObject({ kind: 'unauthorized', status: 407, reason: 'proxy_auth', retryable: false });
      expect((error as IntegrationError).message).toMatch(/proxy refused/i);
      expect((error as IntegrationError).fix).toMatch(/proxy username and password/);
      expect(proxy.refused).toBe(1);
      expect(proxy.forwarded).toHaveLength(0);
      expect(fakes.plexTv.http.totalRequests()).toBe(0);
    } finally {
      await c.close();
    }
  });
});
