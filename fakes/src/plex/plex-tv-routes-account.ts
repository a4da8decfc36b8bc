import { json, type FakeHttpServer } from '../core/fake-server.js';
import { v1, v2, v2Answer } from './plex-tv-guard.js';
import { friendJson, homeUserJson, homeUserXml, resourceJson, resourceXml, userJson, userXml, v1UserXml } from './plex-tv-shapes.js';
import type { PlexTvState } from './plex-tv-state.js';
import type { FakePlexAccount, FakeShare } from './plex-tv-types.js';
import { gone, v1Answer, v1Error, wantsJson, xml } from './wire.js';
import type { XmlNode } from './xml.js';

/** plex.tv account reads: the token's user, resources, users/friends/Home, server sections, retired endpoints. */
export function addAccountRoutes(http: FakeHttpServer, state: PlexTvState): void {
  const homeSize = (a: FakePlexAccount): number => (a.homeOf === null ? 1 : state.homeUsers(a.homeOf).length);

  http.route(
    'GET',
    '/api/v2/user',
    v2(state, (req, a) => (wantsJson(req) ? json(200, userJson(a, homeSize(a))) : xml(200, userXml(a, homeSize(a))))),
  );

  http.route(
    'GET',
    '/api/v2/resources',
    v2(state, (req, a) => {
      const own = state.serversOf(a.id);
      const shared = state
        .sharesReceived(a.id)
        .filter((s) => s.accepted)
        .map((s) => state.servers.get(s.machineId))
        .filter((s) => s !== undefined);
      const list = [...own, ...shared].map((s) => resourceJson(s, a, state));
      if (wantsJson(req)) return json(200, list);
      return xml(200, { name: 'MediaContainer', attrs: { size: list.length }, children: list.map(resourceXml) });
    }),
  );

  // v1 users: friends and Home members with their shares of the owner's servers. XML regardless of Accept.
  http.route(
    'GET',
    '/api/users',
    v1(state, (_req, a) => {
      const home = a.homeOf === a.id ? state.homeUsers(a.id).filter((u) => u.id !== a.id) : [];
      const homeIds = new Set(home.map((u) => u.id));
      const byUser = new Map<number, { account: FakePlexAccount; shares: FakeShare[] }>();
      for (const f of state.friendsOf(a.id)) byUser.set(f.account.id, { account: f.account, shares: f.shares });
      for (const u of home) if (!byUser.has(u.id)) byUser.set(u.id, { account: u, shares: state.sharesOfOwner(a.id).filter((s) => s.invitedId === u.id) });
      const users: XmlNode[] = [...byUser.values()].map((e) => v1UserXml(e.account, e.shares, homeIds.has(e.account.id), state));
      return xml(200, {
        name: 'MediaContainer',
        attrs: { friendlyName: 'myPlex', identifier: 'com.plexapp.plugins.myplex', machineIdentifier: a.uuid, totalSize: users.length, size: users.length },
        children: users,
      });
    }),
  );

  http.route(
    'GET',
    '/api/v2/friends',
    v2(state, (req, a) =>
      v2Answer(
        req,
        200,
        state.friendsOf(a.id).map((f) => friendJson(f.account, f.accepted, f.shares)),
        'MediaContainer',
        'User',
      ),
    ),
  );

  http.route(
    'GET',
    '/api/home/users',
    v1(state, (_req, a) => {
      const adminId = a.homeOf ?? a.id;
      const users = a.homeOf === null ? [a] : state.homeUsers(adminId);
      return xml(200, {
        name: 'MediaContainer',
        attrs: { friendlyName: 'myPlex', identifier: 'com.plexapp.plugins.myplex', machineIdentifier: a.uuid, size: users.length },
        children: users.map((u) => homeUserXml(u, adminId)),
      });
    }),
  );

  http.route(
    'GET',
    '/api/v2/home/users',
    v2(state, (req, a) => {
      const adminId = a.homeOf ?? a.id;
      const users = a.homeOf === null ? [a] : state.homeUsers(adminId);
      const admin = state.account(adminId)!;
      return v2Answer(
        req,
        200,
        {
          id: adminId,
          name: `${admin.title}'s Home`,
          guestUserID: null,
          guestUserUUID: null,
          guestEnabled: false,
          subscription: admin.plexPass,
          users: users.map((u) => homeUserJson(u, adminId)),
        },
        'home',
      );
    }),
  );

  // Server details with plex.tv's global section ids, the ids sharing takes.
  http.route(
    'GET',
    '/api/servers/:machineId',
    v1(state, (req, a) => {
      const server = state.ownedServer(a, req.params.machineId!);
      if (!server) return v1Error(404, 'Not found');
      const sections = state.sectionsOf(server).map((s) => ({ name: 'Section', attrs: { id: s.id, key: s.key, type: s.type, title: s.title } }));
      return v1Answer(req, 200, {
        name: 'MediaContainer',
        attrs: { friendlyName: 'myPlex', identifier: 'com.plexapp.plugins.myplex', machineIdentifier: server.pms.machineId, size: 1 },
        children: [
          {
            name: 'Server',
            attrs: { name: server.pms.name, address: new URL(server.pms.url).hostname, port: Number(new URL(server.pms.url).port), version: server.pms.version, scheme: 'http', host: new URL(server.pms.url).hostname, localAddresses: '', machineIdentifier: server.pms.machineId, createdAt: server.createdAt, updatedAt: server.createdAt, owned: true, synced: false },
            children: sections,
          },
        ],
      });
    }),
  );

  http.route(
    'GET',
    '/api/v2/servers/:machineId',
    v2(state, (req, a) => {
      const server = state.ownedServer(a, req.params.machineId!);
      if (!server) return v2Answer(req, 404, { errors: [{ code: 1002, message: 'The requested resource or endpoint could not be found', status: 404 }] }, 'errors');
      return v2Answer(
        req,
        200,
        {
          id: server.id,
          name: server.pms.name,
          machineIdentifier: server.pms.machineId,
          version: server.pms.version,
          owned: true,
          librarySections: state.sectionsOf(server).map((s) => ({ id: s.id, key: Number(s.key), title: s.title, type: s.type })),
        },
        'server',
      );
    }),
  );

  // Retired in 2024/2025 (python-plexapi issues #1435, #1536); clients still call them.
  for (const method of ['GET', 'POST']) {
    http.route(method, '/api/invites/requested', () => gone());
    http.route(method, '/api/invites/requests', () => gone());
  }
  // python-plexapi acceptInvite (PUT …/requests/{id}) and cancelInvite (DELETE …/requested/{id}).
  for (const method of ['PUT', 'DELETE']) {
    http.route(method, '/api/invites/requested/:id', () => gone());
    http.route(method, '/api/invites/requests/:id', () => gone());
  }
}
