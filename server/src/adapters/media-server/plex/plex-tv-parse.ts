import { attr, children, epochToIso, flag, type XmlElement } from './plex-xml.js';
import type { PlexAccountInfo, PlexFriend, PlexHomeUser, PlexServerResource, PlexShare, PlexShareSettings, PlexUser } from './plex-types.js';

/** plex.tv answers (JSON of v2, XML of v1) → the client's types. */

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

export function accountFromJson(j: Record<string, unknown>): PlexAccountInfo {
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

export function resourcesFromJson(list: Record<string, unknown>[]): PlexServerResource[] {
  return list
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
  return children(root.MediaContainer, 'User').map((u) => ({
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

export function friendsFromJson(list: Record<string, unknown>[]): PlexFriend[] {
  return list.map((f) => ({
    id: String(f.id),
    username: str(f.username),
    email: str(f.email),
    title: str(f.title) ?? '',
    home: bool(f.home),
    restricted: bool(f.restricted),
    status: str(f.status) ?? 'accepted',
  }));
}

export function homeUsersFromJson(j: Record<string, unknown>): PlexHomeUser[] {
  return ((j.users ?? []) as Record<string, unknown>[]).map((u) => ({
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

/** v1 `/api/servers/{machineId}/shared_servers`: `acceptedAt` empty or 0 = invite not accepted yet. */
export function sharesFromXml(root: XmlElement, machineId: string): PlexShare[] {
  return children(root.MediaContainer, 'SharedServer').map((s) => {
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
  const invited = (j.invited ?? {}) as Record<string, unknown>;
  const settings = (j.sharingSettings ?? j.settings ?? {}) as Record<string, unknown>;
  return {
    shareId: String(j.id),
    machineId: String(j.machineIdentifier ?? ''),
    userId: String(j.invitedId ?? invited.id ?? ''),
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

export function pendingFromJson(list: Record<string, unknown>[]): PlexShare[] {
  return list.flatMap((invite) => ((invite.sharedServers ?? []) as Record<string, unknown>[]).map((s) => ({ ...shareFromJson(s), accepted: false })));
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
