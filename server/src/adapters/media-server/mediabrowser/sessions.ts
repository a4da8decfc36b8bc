import type { LibraryType, RemoteAccount, RemoteSession } from '../../../ports/media-server.js';
import type { MediaBrowserFlavor } from './client.js';
import { SESSION_CAP_FIELD } from './policy.js';
import type { WireSession, WireUser } from './wire.js';

/** Pure mappings from Jellyfin/Emby wire objects to the port's types. */

/** A session streams iff it has a NowPlayingItem (§2.3); idle clients are not sessions for Usher. */
export function toRemoteSessions(sessions: WireSession[]): RemoteSession[] {
  return sessions.filter((s) => s.NowPlayingItem).map(toRemoteSession);
}

function toRemoteSession(s: WireSession): RemoteSession {
  const item = s.NowPlayingItem!;
  // DirectStream remuxes without re-encoding video; only Transcode with a re-encoded video counts.
  const videoTranscode = s.PlayState?.PlayMethod === 'Transcode' && s.TranscodingInfo?.IsVideoDirect !== true;
  const video = item.MediaStreams?.find((m) => m.Type === 'Video');
  const source4k = (video?.Width ?? 0) >= 3840 || (video?.Height ?? 0) >= 2160;
  return {
    sessionId: s.Id,
    accountRemoteId: s.UserId ?? '',
    username: s.UserName ?? null,
    device: s.DeviceName ?? null,
    player: s.Client ?? null,
    ip: s.RemoteEndPoint ?? null,
    state: s.PlayState?.IsPaused ? 'paused' : 'playing',
    media: { title: item.Name ?? '', type: (item.Type ?? 'unknown').toLowerCase(), grandparentTitle: item.SeriesName ?? null },
    videoTranscode,
    source4k,
    startedAt: null,
  };
}

/**
 * What identifies a change worth telling the domain about: the playing sessions' (Id, UserId,
 * item, paused, play method), the tuple Tracearr diffs on (§9.3). Position updates do not count.
 */
export function sessionsSignature(sessions: WireSession[]): string {
  return sessions
    .filter((s) => s.NowPlayingItem)
    .map((s) => [s.Id, s.UserId ?? '', s.NowPlayingItem?.Id ?? '', s.PlayState?.IsPaused ? 1 : 0, s.PlayState?.PlayMethod ?? ''].join('|'))
    .sort()
    .join(';');
}

export function toRemoteAccount(user: WireUser, templateUserId: string | null, flavor: MediaBrowserFlavor): RemoteAccount {
  const policy = user.Policy ?? {};
  const all = policy.EnableAllFolders === true;
  const cap = policy[SESSION_CAP_FIELD[flavor]];
  return {
    remoteId: user.Id,
    username: user.Name,
    email: null,
    displayName: user.ConnectUserName ?? user.Name,
    role: policy.IsAdministrator === true ? 'admin' : 'member',
    state: policy.IsDisabled === true ? 'disabled' : 'active',
    libraries: all ? 'all' : [...(policy.EnabledFolders ?? [])],
    allowDownloads: policy.EnableContentDownloading === true,
    // Both servers default video transcoding to on when the field is missing.
    allowTranscoding: policy.EnableVideoPlaybackTranscoding !== false,
    sessionCap: typeof cap === 'number' && cap > 0 ? Math.trunc(cap) : 0,
    ...(templateUserId !== null && sameId(user.Id, templateUserId) ? { isTemplate: true } : {}),
  };
}

/** Both servers write GUIDs without dashes but accept either form; compare them the same way. */
export function sameId(a: string, b: string): boolean {
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}

export function libraryType(collectionType: string | undefined): LibraryType {
  switch ((collectionType ?? '').toLowerCase()) {
    case 'movies':
      return 'movie';
    case 'tvshows':
      return 'show';
    case 'music':
      return 'music';
    case 'homevideos':
    case 'photos':
      return 'photo';
    case 'books':
    case 'audiobooks':
      return 'book';
    case '':
    case 'mixed':
      return 'mixed';
    default:
      return 'other';
  }
}

/** Which item types count a library's main items, episodes, albums and tracks (§9.6). */
export function countPlan(type: LibraryType): { items: string[]; episodes?: string[]; albums?: string[]; tracks?: string[] } {
  switch (type) {
    case 'movie':
      return { items: ['Movie'] };
    case 'show':
      return { items: ['Series'], episodes: ['Episode'] };
    // Artists are by-name items outside the library folder, so albums stand for the main items.
    case 'music':
      return { items: ['MusicAlbum'], albums: ['MusicAlbum'], tracks: ['Audio'] };
    case 'book':
      return { items: ['Book', 'AudioBook'] };
    case 'photo':
      return { items: ['Photo', 'Video'] };
    case 'mixed':
    case 'other':
      return { items: ['Movie', 'Series', 'Video', 'MusicVideo'] };
  }
}
