import { IntegrationError } from '../../http/integration-error.js';
import { attr, children, epochToIso, flag, type XmlElement } from './plex-xml.js';
import type { PlexAccountInfo, PlexFriend, PlexHomeUser, PlexSection, PlexServerResource, PlexShare, PlexShareSettings, PlexUser } from './plex-types.js';

/**
 * plex.tv answers (JSON of v2, XML of v1) → the client's types. Every parser checks the container
 * it reads from and throws when it is missing: a body of another shape (JSON where XML was asked
 * for, an HTML error page, nothing) must never read as "no users" or "no shares", because a sync
 * would then remove every account of the server.
 */

function unexpected(what: string, body: unknown): IntegrationError {
  const sample = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  return new IntegrationError('plex.tv', 'invalid_response', `plex.tv answered ${what} in an unexpected shape; nothing was changed.`, true, {
    body: (sample ?? '').slice(0, 300),
    cause: 'plex_unexpected_answer',
    fix: 'Usually temporary (plex.tv maintenance or a proxy error page): the next sync tries again. If it persists, check the proxy of this Plex account.',
  });
}

/** A v1 `<MediaContainer>` root, or an error naming the endpoint. */
export function mediaContainer(root: XmlElement, what: string): XmlElement {
  const container = root.MediaContainer;
  // `<MediaContainer/>` without attributes parses to '' — present, and empty.
  if (container === '') return {};
  if (!container || typeof container !== 'object' || Array.isArray(container)) throw unexpected(what, root);
  return container as XmlElement;
}

export function jsonArray(value: unknown, what: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw unexpected(what, value);
  return value.filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object');
}

export function jsonObject(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unexpected(what, value);
  return value as Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

export function accountFromJson(body: unknown): PlexAccountInfo {
  const j = jsonObject(body, 'the account');
  if (j.id === undefined || j.id === null) throw unexpected('the account', body);
  const sub = (j.subscription ?? {}) as Record<string, unknown>;
  return {
    plexUserId: String(j.id),
    uuid: str(j.uuid) ?? '',
    username: str(j.username),
    email: str(j.email),
    title: str(j.title) ?? str(j.username) ?? '',
    thumb: str(j.thumb),
    plexPass: bool(sub.active),
    authToken: str(j.authToken),
    twoFactorEnabled: bool(j.twoFactorEnabled),
  };
}

export function resourcesFromJson(body: unknown): PlexServerResource[] {
  return jsonArray(body, 'the resource list')
    .filter((r) => String(r.provides ?? '').split(',').includes('server'))
    .map((r) => ({
      machineId: String(r.clientIdentifier),
      name: str(r.name) ?? '',
      version: str(r.productVersion),
      owned: bool(r.owned),
      accessToken: str(r.accessToken),
      connections: ((r.connections ?? []) as Record<string, unknown>[]).map((c) => ({
        uri: String(c.uri),
        local: bool(c.local),
        relay: bool(c.relay),
        protocol: str(c.protocol) ?? 'https',
        address: str(c.address) ?? '',
        port: Number(c.port ?? 32400),
      })),
    }));
}

export function usersFromXml(root: XmlElement): PlexUser[] {
  return children(mediaContainer(root, 'the user list'), 'User').map((u) => ({
    id: attr(u, 'id') ?? '',
    username: attr(u, 'username'),
    email: attr(u, 'email'),
    title: attr(u, 'title') ?? '',
    home: flag(u, 'home'),
    restricted: flag(u, 'restricted'),
    allowSync: flag(u, 'allowSync'),
    servers: children(u, 'Server').map((s) => ({
      shareId: attr(s, 'id') ?? '',
      machineId: attr(s, 'machineIdentifier') ?? '',
      name: attr(s, 'name') ?? '',
      numLibraries: Number(attr(s, 'numLibraries') ?? 0),
      allLibraries: flag(s, 'allLibraries'),
      pending: flag(s, 'pending'),
    })),
  }));
}

export function friendsFromJson(body: unknown): PlexFriend[] {
  return jsonArray(body, 'the friend list').map((f) => ({
    id: String(f.id),
    username: str(f.username),
    email: str(f.email),
    title: str(f.title) ?? '',
    home: bool(f.home),
    restricted: bool(f.restricted),
    status: str(f.status) ?? 'accepted',
  }));
}

export function homeUsersFromJson(body: unknown): PlexHomeUser[] {
  const j = jsonObject(body, 'the Plex Home');
  // An account without a Plex Home has no `users` (plex.tv may also answer 4xx; see homeUsers()).
  if (j.users === undefined || j.users === null) return [];
  return jsonArray(j.users, 'the Plex Home users').map((u) => ({
    id: String(u.id),
    uuid: str(u.uuid) ?? '',
    title: str(u.title) ?? '',
    username: str(u.username),
    email: str(u.email),
    admin: bool(u.admin),
    restricted: bool(u.restricted),
    guest: bool(u.guest),
  }));
}

/** v1 `/api/servers/{machineId}`: the server with its sections and plex.tv's global ids. */
export function sectionsFromXml(root: XmlElement, machineId: string): PlexSection[] {
  const servers = children(mediaContainer(root, 'the server details'), 'Server');
  const server = servers.find((s) => attr(s, 'machineIdentifier') === machineId) ?? (servers.length === 1 ? servers[0] : undefined);
  if (!server) throw unexpected('the server details', root);
  return children(server, 'Section').map((s) => ({ id: attr(s, 'id') ?? '', key: attr(s, 'key') ?? '', title: attr(s, 'title') ?? '', type: attr(s, 'type') ?? '' }));
}

/**
 * v1 `/api/servers/{machineId}/shared_servers`: `acceptedAt` empty or 0 = invite not accepted yet.
 * `shareId` here is the v1 `SharedServer@id`, valid only on v1 routes.
 */
export function sharesFromXml(root: XmlElement, machineId: string): PlexShare[] {
  return children(mediaContainer(root, 'the share list'), 'SharedServer').map((s) => {
    const acceptedAt = epochToIso(attr(s, 'acceptedAt'));
    const allLibraries = flag(s, 'allLibraries');
    return {
      shareId: attr(s, 'id') ?? '',
      machineId,
      userId: attr(s, 'userID') ?? '',
      username: attr(s, 'username'),
      email: attr(s, 'email'),
      title: attr(s, 'username') ?? attr(s, 'email'),
      accepted: acceptedAt !== null,
      allLibraries,
      sectionIds: children(s, 'Section')
        .filter((sec) => allLibraries || flag(sec, 'shared'))
        .map((sec) => attr(sec, 'id') ?? ''),
      allowSync: flag(s, 'allowSync'),
      invitedAt: epochToIso(attr(s, 'invitedAt')),
      acceptedAt,
    };
  });
}

/** The v2 share object (invite answer, `owned/accepted`, `sharedServers` of a pending invite). */
export function shareFromJson(j: Record<string, unknown>): PlexShare {
  if (str(j.id) === null) throw unexpected('a share without an id', j);
  const invited = (j.invited ?? {}) as Record<string, unknown>;
  const settings = (j.sharingSettings ?? j.settings ?? {}) as Record<string, unknown>;
  return {
    shareId: str(j.id)!,
    machineId: String(j.machineIdentifier ?? ''),
    // null/absent for an invite to an email that has no Plex account yet.
    userId: str(j.invitedId) ?? str(invited.id) ?? '',
    username: str(invited.username),
    email: str(j.invitedEmail) ?? str(invited.email),
    title: str(invited.title),
    accepted: bool(j.accepted),
    allLibraries: bool(j.allLibraries),
    sectionIds: ((j.libraries ?? []) as Record<string, unknown>[]).map((l) => String(l.id)),
    allowSync: bool(settings.allowSync),
    invitedAt: str(j.invitedAt),
    acceptedAt: str(j.acceptedAt),
  };
}

/** v2 `owned/accepted`: one share object per server and user. */
export function acceptedFromJson(body: unknown): PlexShare[] {
  return jsonArray(body, 'the accepted share list').map(shareFromJson);
}

/** v2 `invites/owned/pending`: one invite per person, with the shares it offers in `sharedServers`. */
export function pendingFromJson(body: unknown): PlexShare[] {
  return jsonArray(body, 'the pending invite list').flatMap((invite) => {
    const invited = (invite.invited ?? {}) as Record<string, unknown>;
    return jsonArray(invite.sharedServers ?? [], 'a pending invite').map((s) => {
      const share = shareFromJson(s);
      return {
        ...share,
        accepted: false,
        userId: share.userId || (str(invited.id) ?? ''),
        email: share.email ?? str(invite.email) ?? str(invited.email),
        username: share.username ?? str(invite.username) ?? str(invited.username),
      };
    });
  });
}

export function fullSettings(partial: Partial<PlexShareSettings>): PlexShareSettings {
  // plex.tv replaces the whole settings object on update, so every key is always sent.
  return {
    allowSync: false,
    allowChannels: false,
    allowCameraUpload: false,
    allowSubtitleAdmin: false,
    allowTuners: 0,
    filterAll: '',
    filterMovies: '',
    filterMusic: '',
    filterPhotos: '',
    filterTelevision: '',
    ...partial,
  };
}
