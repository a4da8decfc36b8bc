import type { PlexTvState } from './plex-tv-state.js';
import type { FakePlexAccount, FakeShare, RegisteredServer } from './plex-tv-types.js';
import { isoSeconds } from './wire.js';
import type { XmlNode } from './xml.js';

/** The JSON and XML bodies plex.tv answers with, built from the fake's state. */

const thumbOf = (a: FakePlexAccount): string => `https://plex.tv/users/${a.uuid}/avatar?c=1`;

export function subscriptionJson(a: FakePlexAccount): Record<string, unknown> {
  return a.plexPass
    ? { active: true, subscribedAt: '2021-04-12T18:21:12Z', status: 'Active', paymentService: 'braintree', plan: 'lifetime', features: ['hwtranscode', 'content_filter', 'download_certificates', 'sync'] }
    : { active: false, subscribedAt: null, status: 'Inactive', paymentService: null, plan: null, features: [] };
}

/** `/api/v2/user` (and the sign-in answer). */
export function userJson(a: FakePlexAccount, homeSize: number): Record<string, unknown> {
  return {
    id: a.id,
    uuid: a.uuid,
    username: a.username ?? '',
    title: a.title,
    email: a.email ?? '',
    friendlyName: a.title,
    locale: null,
    confirmed: true,
    joinedAt: a.joinedAt,
    emailOnlyAuth: false,
    hasPassword: a.password !== null,
    protected: false,
    thumb: thumbOf(a),
    authToken: a.token ?? '',
    mailingListStatus: 'active',
    mailingListActive: true,
    scrobbleTypes: '',
    country: 'NL',
    subscription: subscriptionJson(a),
    subscriptionDescription: a.plexPass ? 'Lifetime Plex Pass' : null,
    restricted: a.restricted,
    anonymous: null,
    home: homeSize > 1,
    guest: false,
    homeSize,
    homeAdmin: a.homeOf === a.id,
    maxHomeSize: 15,
    rememberExpiresAt: a.joinedAt + 86_400 * 3650,
    profile: { autoSelectAudio: true, defaultAudioLanguage: 'en', defaultSubtitleLanguage: 'en', autoSelectSubtitle: 1, defaultSubtitleAccessibility: 0, defaultSubtitleForced: 1, watchedIndicator: 1, mediaReviewsVisibility: 1 },
    entitlements: a.plexPass ? ['all'] : [],
    roles: a.plexPass ? ['plexpass'] : [],
    services: [],
    adsConsent: null,
    adsConsentSetAt: null,
    adsConsentReminderAt: null,
    experimentalFeatures: false,
    twoFactorEnabled: a.twoFactorCode !== null,
    backupCodesCreated: false,
    attributionPartner: null,
  };
}

export function userXml(a: FakePlexAccount, homeSize: number): XmlNode {
  const j = userJson(a, homeSize);
  const attrs: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(j)) if (v === null || typeof v !== 'object') attrs[k] = v as string | number | boolean | null;
  const sub = subscriptionJson(a);
  return {
    name: 'user',
    attrs,
    children: [{ name: 'subscription', attrs: { active: sub.active as boolean, status: sub.status as string, plan: sub.plan as string | null, paymentService: sub.paymentService as string | null } }],
  };
}

/** One `/api/v2/resources` entry for a server the account owns or has been shared. */
export function resourceJson(server: RegisteredServer, account: FakePlexAccount, state: PlexTvState): Record<string, unknown> {
  const owned = server.ownerId === account.id;
  const url = new URL(server.pms.url);
  const owner = state.account(server.ownerId)!;
  return {
    name: server.pms.name,
    product: 'Plex Media Server',
    productVersion: server.pms.version,
    platform: 'Linux',
    platformVersion: '6.1.0',
    device: 'PC',
    clientIdentifier: server.pms.machineId,
    createdAt: isoSeconds(server.createdAt),
    lastSeenAt: isoSeconds(Math.floor(Date.now() / 1000)),
    provides: 'server',
    ownerId: owned ? null : owner.id,
    sourceTitle: owned ? null : (owner.username ?? owner.title),
    publicAddress: url.hostname,
    accessToken: owned ? server.pms.accessToken : (account.token ?? ''),
    owned,
    home: false,
    synced: false,
    relay: true,
    presence: true,
    httpsRequired: false,
    publicAddressMatches: true,
    dnsRebindingProtection: false,
    natLoopbackSupported: false,
    connections: [
      {
        protocol: url.protocol.replace(':', ''),
        address: url.hostname,
        port: Number(url.port),
        uri: server.pms.url,
        local: true,
        relay: false,
        IPv6: false,
      },
    ],
  };
}

export function resourceXml(resource: Record<string, unknown>): XmlNode {
  const { connections, ...rest } = resource;
  return {
    name: 'resource',
    attrs: rest as Record<string, string | number | boolean | null>,
    children: [{ name: 'connections', children: (connections as Record<string, string | number | boolean>[]).map((c) => ({ name: 'connection', attrs: c })) }],
  };
}

/** v1 `Server` child of a `/api/users` `User`: one share of one of the owner's servers. */
function v1UserServer(share: FakeShare, state: PlexTvState): XmlNode {
  const server = state.servers.get(share.machineId);
  return {
    name: 'Server',
    attrs: {
      id: share.v1Id,
      serverId: server?.id ?? 0,
      machineIdentifier: share.machineId,
      name: server?.pms.name ?? '',
      lastSeenAt: Math.floor(Date.now() / 1000),
      numLibraries: share.allLibraries ? (server?.pms.libraries.length ?? 0) : share.sectionIds.length,
      allLibraries: share.allLibraries,
      owned: true,
      pending: !share.accepted,
    },
  };
}

export function v1UserXml(a: FakePlexAccount, shares: FakeShare[], home: boolean, state: PlexTvState): XmlNode {
  const s = shares[0]?.settings;
  return {
    name: 'User',
    attrs: {
      id: a.id,
      title: a.title,
      username: a.username ?? '',
      email: a.email ?? '',
      recommendationsPlaylistId: '',
      thumb: thumbOf(a),
      protected: false,
      home,
      allowTuners: s?.allowTuners ?? 0,
      allowSync: s?.allowSync ?? false,
      allowCameraUpload: s?.allowCameraUpload ?? false,
      allowChannels: s?.allowChannels ?? false,
      allowSubtitleAdmin: s?.allowSubtitleAdmin ?? false,
      filterAll: s?.filterAll ?? '',
      filterMovies: s?.filterMovies ?? '',
      filterMusic: s?.filterMusic ?? '',
      filterPhotos: s?.filterPhotos ?? '',
      filterTelevision: s?.filterTelevision ?? '',
      restricted: a.restricted,
    },
    children: shares.map((share) => v1UserServer(share, state)),
  };
}

function invitedJson(a: FakePlexAccount): Record<string, unknown> {
  return { id: a.id, uuid: a.uuid, email: a.email, username: a.username, title: a.title, friendlyName: a.title, thumb: thumbOf(a), home: false, restricted: a.restricted };
}

/** The v2 share object (invite answer, `owned/accepted`, inside pending invites). */
export function shareJson(share: FakeShare, state: PlexTvState): Record<string, unknown> {
  const server = state.servers.get(share.machineId);
  const invited = share.invitedId === null ? undefined : state.account(share.invitedId);
  const libraries = server
    ? state.sectionsOf(server).filter((l) => share.allLibraries || share.sectionIds.includes(l.id)).map((l) => ({ id: l.id, key: Number(l.key), title: l.title, type: l.type }))
    : [];
  return {
    id: share.id,
    name: server?.pms.name ?? '',
    ownerId: share.ownerId,
    // An invite to an email without an account has no user yet: null id, no `invited` object.
    invitedId: share.invitedId,
    invitedEmail: share.invitedEmail,
    serverId: server?.id ?? 0,
    machineIdentifier: share.machineId,
    accepted: share.accepted,
    acceptedAt: share.acceptedAt === null ? null : isoSeconds(share.acceptedAt),
    invitedAt: isoSeconds(share.invitedAt),
    deletedAt: null,
    leftAt: null,
    owned: true,
    allLibraries: share.allLibraries,
    numLibraries: libraries.length,
    libraries,
    sharingSettings: share.settings,
    invited: invited ? invitedJson(invited) : null,
  };
}

export function pendingInviteJson(share: FakeShare, state: PlexTvState): Record<string, unknown> {
  const invited = share.invitedId === null ? undefined : state.account(share.invitedId);
  const owner = state.account(share.ownerId)!;
  return {
    // The invite's own id; for an email without an account there is no user, only the address.
    id: invited?.id ?? null,
    createdAt: isoSeconds(share.invitedAt),
    friend: false,
    home: false,
    server: true,
    username: invited?.username ?? null,
    email: invited?.email ?? share.invitedEmail,
    thumb: invited ? thumbOf(invited) : null,
    friendlyName: invited?.title ?? null,
    owner: { id: owner.id, uuid: owner.uuid, username: owner.username, email: owner.email, title: owner.title, friendlyName: owner.title, thumb: thumbOf(owner) },
    invited: invited ? invitedJson(invited) : null,
    sharedServers: [shareJson(share, state)],
  };
}

/** v1 `SharedServer` of `/api/servers/{machineId}/shared_servers`, with every section and its `shared` flag. */
export function v1SharedServerXml(share: FakeShare, state: PlexTvState): XmlNode {
  const server = state.servers.get(share.machineId);
  const invited = share.invitedId === null ? undefined : state.account(share.invitedId);
  return {
    name: 'SharedServer',
    attrs: {
      id: share.v1Id,
      username: invited?.username ?? '',
      email: invited?.email ?? share.invitedEmail,
      userID: invited?.id ?? '',
      accessToken: '',
      name: server?.pms.name ?? '',
      acceptedAt: share.acceptedAt ?? '',
      invitedAt: share.invitedAt,
      allowSync: share.settings.allowSync,
      allowCameraUpload: share.settings.allowCameraUpload,
      allowChannels: share.settings.allowChannels,
      allowTuners: share.settings.allowTuners,
      allowSubtitleAdmin: share.settings.allowSubtitleAdmin,
      owned: false,
      allLibraries: share.allLibraries,
      filterAll: share.settings.filterAll,
      filterMovies: share.settings.filterMovies,
      filterMusic: share.settings.filterMusic,
      filterPhotos: share.settings.filterPhotos,
      filterTelevision: share.settings.filterTelevision,
    },
    children: server
      ? state.sectionsOf(server).map((l) => ({
          name: 'Section',
          attrs: { id: l.id, key: l.key, title: l.title, type: l.type, shared: share.allLibraries || share.sectionIds.includes(l.id) },
        }))
      : [],
  };
}

export function homeUserJson(a: FakePlexAccount, adminId: number): Record<string, unknown> {
  return {
    id: a.id,
    uuid: a.uuid,
    title: a.title,
    username: a.restricted ? null : a.username,
    email: a.restricted ? null : a.email,
    friendlyName: a.title,
    thumb: thumbOf(a),
    hasPassword: a.password !== null,
    restricted: a.restricted,
    restrictionProfile: a.restricted ? 'little_kid' : null,
    admin: a.id === adminId,
    guest: false,
    protected: false,
  };
}

/** v1 Home user: `admin`/`restricted`/`protected` are "1"/"0" but `hasPassword` is "true"/"false". */
export function homeUserXml(a: FakePlexAccount, adminId: number): XmlNode {
  return {
    name: 'User',
    attrs: {
      id: a.id,
      uuid: a.uuid,
      admin: a.id === adminId,
      guest: false,
      restricted: a.restricted,
      restrictionProfile: a.restricted ? 'little_kid' : '',
      hasPassword: a.password !== null ? 'true' : 'false',
      protected: false,
      title: a.title,
      username: a.restricted ? '' : (a.username ?? ''),
      email: a.restricted ? '' : (a.email ?? ''),
      thumb: thumbOf(a),
    },
  };
}

export function friendJson(a: FakePlexAccount, accepted: boolean, shares: FakeShare[]): Record<string, unknown> {
  return {
    id: a.id,
    uuid: a.uuid,
    title: a.title,
    username: a.username ?? '',
    email: a.email ?? '',
    friendlyName: a.title,
    thumb: thumbOf(a),
    home: false,
    restricted: a.restricted,
    status: accepted ? 'accepted' : 'pending',
    sharedServers: shares.map((s) => ({ id: s.id, machineIdentifier: s.machineId, accepted: s.accepted })),
    sharedSources: [],
  };
}
