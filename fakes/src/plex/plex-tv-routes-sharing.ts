import { empty, type FakeHttpServer } from '../core/fake-server.js';
import { v1, v2, v2Answer } from './plex-tv-guard.js';
import { pendingInviteJson, shareJson, v1SharedServerXml } from './plex-tv-shapes.js';
import type { PlexTvState } from './plex-tv-state.js';
import { PlexTvFailure, type ShareSettings } from './plex-tv-types.js';
import { bodyObject, v1Answer, v1Error, xml } from './wire.js';

/** Sharing a server: invites in both generations, updates, flags, removal, invite lists, accepting. */
export function addSharingRoutes(http: FakeHttpServer, state: PlexTvState): void {
  // ---- v2 (what Plex Web uses; clients.plex.tv and plex.tv alike) ----
  http.route(
    'POST',
    '/api/v2/shared_servers',
    v2(state, (req, owner) => {
      const b = bodyObject(req);
      const share = state.invite(owner, {
        machineId: String(b.machineIdentifier ?? ''),
        identifier: typeof b.invitedEmail === 'string' ? b.invitedEmail : undefined,
        invitedId: typeof b.invitedId === 'number' ? b.invitedId : undefined,
        sectionIds: sectionList(b.librarySectionIds),
        settings: parseSettings(b.settings),
      });
      if (b.skipFriendship === false && share.invitedId !== null) state.addFriend(owner.id, share.invitedId);
      return v2Answer(req, 200, shareJson(share, state), 'SharedServer');
    }),
  );
  http.route(
    'GET',
    '/api/v2/shared_servers/owned/accepted',
    v2(state, (req, owner) =>
      v2Answer(
        req,
        200,
        state
          .sharesOfOwner(owner.id)
          .filter((s) => s.accepted)
          .map((s) => shareJson(s, state)),
        'MediaContainer',
        'SharedServer',
      ),
    ),
  );
  http.route(
    'GET',
    '/api/v2/shared_servers/invites/owned/pending',
    v2(state, (req, owner) =>
      v2Answer(
        req,
        200,
        state
          .sharesOfOwner(owner.id)
          .filter((s) => !s.accepted)
          .map((s) => pendingInviteJson(s, state)),
        'MediaContainer',
        'Invite',
      ),
    ),
  );
  http.route(
    'GET',
    '/api/v2/shared_servers/invites/received/pending',
    v2(state, (req, invitee) => {
      const list = state
        .sharesReceived(invitee.id)
        .filter((s) => !s.accepted)
        .map((s) => {
          const owner = state.account(s.ownerId)!;
          return { owner: { id: owner.id, username: owner.username, email: owner.email, title: owner.title, friendlyName: owner.title }, sharedServers: [{ id: s.id, machineIdentifier: s.machineId }] };
        });
      return v2Answer(req, 200, list, 'MediaContainer', 'Invite');
    }),
  );
  http.route(
    'POST',
    '/api/v2/shared_servers/:id/accept',
    v2(state, (req, invitee) => {
      const share = state.shares.get(Number(req.params.id));
      if (!share || share.invitedId !== invitee.id) throw new PlexTvFailure(404, 1002, 'The requested resource or endpoint could not be found');
      return v2Answer(req, 200, shareJson(state.acceptShare(share.id), state), 'SharedServer');
    }),
  );
  http.route(
    'POST',
    '/api/v2/shared_servers/:id',
    v2(state, (req, owner) => {
      const b = bodyObject(req);
      const share = state.updateShare(owner, Number(req.params.id), {
        sectionIds: b.librarySectionIds === undefined ? undefined : sectionList(b.librarySectionIds),
        settings: parseSettings(b.settings),
      });
      return v2Answer(req, 200, shareJson(share, state), 'SharedServer');
    }),
  );
  http.route(
    'DELETE',
    '/api/v2/shared_servers/:id',
    v2(state, (req, owner) => {
      state.removeShare(owner, Number(req.params.id));
      return empty(204);
    }),
  );
  // python-plexapi `updateFriend`: the flags come as query arguments, no body.
  http.route(
    'PUT',
    '/api/v2/sharings/:userId',
    v2(state, (req, owner) => {
      state.updateSharingFlags(owner, Number(req.params.userId), parseSettings(Object.fromEntries(req.query)) ?? {});
      return empty(204);
    }),
  );
  http.route(
    'DELETE',
    '/api/v2/sharings/:userId',
    v2(state, (req, owner) => {
      state.removeFriend(owner, Number(req.params.userId));
      return empty(204);
    }),
  );

  // ---- v1 (python-plexapi inviteFriend / updateFriend); XML answers ----
  http.route(
    'GET',
    '/api/servers/:machineId/shared_servers',
    v1(state, (req, owner) => {
      const server = state.ownedServer(owner, req.params.machineId!);
      if (!server) return v1Error(404, 'Not found');
      const shares = state.sharesOfServer(server.pms.machineId);
      return v1Answer(req, 200, {
        name: 'MediaContainer',
        attrs: { friendlyName: 'myPlex', identifier: 'com.plexapp.plugins.myplex', machineIdentifier: server.pms.machineId, size: shares.length },
        children: shares.map((s) => v1SharedServerXml(s, state)),
      });
    }),
  );
  http.route(
    'POST',
    '/api/servers/:machineId/shared_servers',
    v1(state, (req, owner) => {
      const b = bodyObject(req);
      const shared = (b.shared_server ?? {}) as Record<string, unknown>;
      const share = state.invite(owner, {
        machineId: req.params.machineId!,
        identifier: typeof shared.invited_email === 'string' ? shared.invited_email : undefined,
        invitedId: shared.invited_id === undefined ? undefined : Number(shared.invited_id),
        sectionIds: sectionList(shared.library_section_ids),
        settings: parseSettings(b.sharing_settings),
      });
      return xml(200, { name: 'MediaContainer', attrs: { size: 1 }, children: [v1SharedServerXml(share, state)] });
    }),
  );
  // v1 routes take the v1 SharedServer@id only (python-plexapi updateFriend builds them that way).
  const v1Share = (machineId: string, id: string) => {
    const share = state.shareByV1Id(Number(id));
    if (!share || share.machineId !== machineId) throw new PlexTvFailure(404, 1002, 'Not found');
    return share;
  };
  http.route(
    'PUT',
    '/api/servers/:machineId/shared_servers/:id',
    v1(state, (req, owner) => {
      const b = bodyObject(req);
      const shared = (b.shared_server ?? {}) as Record<string, unknown>;
      const share = state.updateShare(owner, v1Share(req.params.machineId!, req.params.id!), {
        sectionIds: shared.library_section_ids === undefined ? undefined : sectionList(shared.library_section_ids),
        settings: parseSettings(b.sharing_settings),
      });
      return xml(200, { name: 'MediaContainer', attrs: { size: 1 }, children: [v1SharedServerXml(share, state)] });
    }),
  );
  http.route(
    'DELETE',
    '/api/servers/:machineId/shared_servers/:id',
    v1(state, (req, owner) => {
      state.removeShare(owner, v1Share(req.params.machineId!, req.params.id!));
      return empty(200);
    }),
  );
}

function sectionList(value: unknown): (number | string)[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? v : String(v)));
  return [];
}

const BOOL_KEYS = ['allowSync', 'allowChannels', 'allowCameraUpload', 'allowSubtitleAdmin'] as const;
const FILTER_KEYS = ['filterAll', 'filterMovies', 'filterMusic', 'filterPhotos', 'filterTelevision'] as const;

/** Settings arrive as JSON booleans (v2), "1"/"0" strings (v1) or query strings (sharings). */
function parseSettings(value: unknown): Partial<ShareSettings> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const out: Partial<ShareSettings> = {};
  for (const key of BOOL_KEYS) if (v[key] !== undefined) out[key] = v[key] === true || v[key] === '1' || v[key] === 1 || v[key] === 'true';
  for (const key of FILTER_KEYS) if (typeof v[key] === 'string') out[key] = v[key];
  if (v.allowTuners !== undefined) out.allowTuners = Number(v.allowTuners) || 0;
  return out;
}
