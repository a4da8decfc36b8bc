import { randomHex, nowSeconds } from './wire.js';

/** Playback sessions of a fake PMS and the `/status/sessions` / `/library/metadata` shapes they produce. */

export type PmsPlayState = 'playing' | 'paused' | 'buffering';

export interface StartSessionInput {
  /** Plex account id of the viewer ("1" is the owner on a real server). */
  userId: number | string;
  username: string;
  title?: string;
  mediaType?: 'movie' | 'episode' | 'track';
  /** The file is 4K (3840×2160). */
  source4k?: boolean;
  /** PMS transcodes the video (TranscodeSession present, videoDecision "transcode"). */
  transcode?: boolean;
  state?: PmsPlayState;
  player?: string;
  product?: string;
  platform?: string;
  ip?: string;
  local?: boolean;
  librarySectionKey?: string;
}

export interface PmsMediaItem {
  ratingKey: string;
  type: 'movie' | 'episode' | 'track';
  title: string;
  grandparentTitle: string | null;
  duration: number;
  librarySectionKey: string;
  mediaId: number;
  partId: number;
  source4k: boolean;
}

export interface PmsSession {
  sessionKey: string;
  /** `Session.id`, what terminate takes. */
  sessionId: string;
  userId: string;
  username: string;
  state: PmsPlayState;
  transcode: boolean;
  transcodeId: string;
  item: PmsMediaItem;
  viewOffset: number;
  playQueueItemID: number;
  player: { title: string; product: string; platform: string; machineIdentifier: string; address: string; local: boolean };
  startedAt: number;
}

let nextRatingKey = 50_000;
let nextMediaId = 70_000;
let nextSessionKey = 1;
let nextPlayQueueItem = 5_000;

export function createMediaItem(input: StartSessionInput, librarySectionKey: string): PmsMediaItem {
  const type = input.mediaType ?? 'movie';
  const ratingKey = String(nextRatingKey++);
  const mediaId = nextMediaId++;
  return {
    ratingKey,
    type,
    title: input.title ?? (type === 'episode' ? 'Pilot' : type === 'track' ? 'Opening Theme' : 'Big Buck Bunny'),
    grandparentTitle: type === 'episode' ? 'Example Show' : type === 'track' ? 'Example Artist' : null,
    duration: type === 'track' ? 215_000 : 5_400_000,
    librarySectionKey,
    mediaId,
    partId: mediaId + 1_000_000,
    source4k: input.source4k ?? false,
  };
}

export function createSession(input: StartSessionInput, item: PmsMediaItem): PmsSession {
  const local = input.local ?? false;
  return {
    sessionKey: String(nextSessionKey++),
    sessionId: randomHex(24),
    userId: String(input.userId),
    username: input.username,
    state: input.state ?? 'playing',
    transcode: input.transcode ?? false,
    transcodeId: randomHex(24),
    item,
    viewOffset: 0,
    playQueueItemID: nextPlayQueueItem++,
    player: {
      title: input.player ?? 'Living Room TV',
      product: input.product ?? 'Plex for Android (TV)',
      platform: input.platform ?? 'Android',
      machineIdentifier: randomHex(24),
      address: input.ip ?? (local ? '192.168.1.40' : '203.0.113.25'),
      local,
    },
    startedAt: nowSeconds(),
  };
}

/** The file as it is on disk: what `/library/metadata/{ratingKey}` reports. */
function sourceMedia(item: PmsMediaItem): Record<string, unknown> {
  if (item.type === 'track') {
    return { id: item.mediaId, duration: item.duration, bitrate: 320, audioChannels: 2, audioCodec: 'mp3', container: 'mp3', Part: [part(item, 'mp3')] };
  }
  const [width, height, res] = item.source4k ? [3840, 2160, '4k'] : [1920, 1080, '1080'];
  return {
    id: item.mediaId,
    duration: item.duration,
    bitrate: item.source4k ? 42_000 : 9_800,
    width,
    height,
    aspectRatio: 1.78,
    audioChannels: 6,
    audioCodec: 'eac3',
    videoCodec: 'hevc',
    videoResolution: res,
    container: 'mkv',
    videoFrameRate: '24p',
    videoProfile: 'main 10',
    Part: [part(item, 'mkv')],
  };
}

function part(item: PmsMediaItem, container: string): Record<string, unknown> {
  return { id: item.partId, key: `/library/parts/${item.partId}/1700000000/file.${container}`, duration: item.duration, container, size: 4_200_000_000 };
}

function baseMetadata(item: PmsMediaItem, sectionTitle: string): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    ratingKey: item.ratingKey,
    key: `/library/metadata/${item.ratingKey}`,
    guid: `plex://${item.type}/${item.ratingKey}`,
    type: item.type,
    title: item.title,
    librarySectionID: Number(item.librarySectionKey),
    librarySectionKey: `/library/sections/${item.librarySectionKey}`,
    librarySectionTitle: sectionTitle,
    duration: item.duration,
    addedAt: nowSeconds() - 86_400 * 10,
    updatedAt: nowSeconds() - 86_400,
  };
  if (item.grandparentTitle) {
    meta.grandparentTitle = item.grandparentTitle;
    meta.parentIndex = 1;
    meta.index = 1;
  }
  return meta;
}

export function metadataJson(item: PmsMediaItem, sectionTitle: string): Record<string, unknown> {
  return { ...baseMetadata(item, sectionTitle), Media: [sourceMedia(item)] };
}

/** One `/status/sessions` Metadata item. While transcoding, Media describes the output, not the file. */
export function sessionJson(s: PmsSession, sectionTitle: string): Record<string, unknown> {
  const source = sourceMedia(s.item);
  const isVideo = s.item.type !== 'track';
  const media: Record<string, unknown> =
    s.transcode && isVideo
      ? { ...source, width: 1280, height: 720, videoResolution: '720', videoCodec: 'h264', bitrate: 4_000, container: 'mpegts', selected: true }
      : { ...source, selected: true };
  media.Part = [{ ...(source.Part as Record<string, unknown>[])[0], decision: s.transcode ? 'transcode' : 'directplay', selected: true }];
  const out: Record<string, unknown> = {
    ...baseMetadata(s.item, sectionTitle),
    sessionKey: s.sessionKey,
    viewOffset: s.viewOffset,
    Media: [media],
    User: { id: s.userId, title: s.username, thumb: `https://plex.tv/users/${s.userId}/avatar?c=1` },
    Player: {
      title: s.player.title,
      address: s.player.address,
      remotePublicAddress: s.player.address,
      machineIdentifier: s.player.machineIdentifier,
      platform: s.player.platform,
      product: s.player.product,
      state: s.state,
      local: s.player.local,
      relayed: false,
      secure: true,
      userID: Number(s.userId),
      version: '10.12.0',
    },
    Session: { id: s.sessionId, bandwidth: s.transcode ? 4_200 : 12_000, location: s.player.local ? 'lan' : 'wan' },
  };
  if (s.transcode) out.TranscodeSession = transcodeJson(s);
  return out;
}

export function transcodeJson(s: PmsSession): Record<string, unknown> {
  const isVideo = s.item.type !== 'track';
  return {
    key: `/transcode/sessions/${s.transcodeId}`,
    throttled: false,
    complete: false,
    progress: 12.5,
    size: -22,
    speed: 3.1,
    error: false,
    duration: s.item.duration,
    context: 'streaming',
    sourceVideoCodec: isVideo ? 'hevc' : undefined,
    sourceAudioCodec: isVideo ? 'eac3' : 'mp3',
    videoDecision: isVideo ? 'transcode' : undefined,
    audioDecision: 'transcode',
    subtitleDecision: 'burn',
    protocol: 'dash',
    container: 'mp4',
    videoCodec: isVideo ? 'h264' : undefined,
    audioCodec: 'aac',
    audioChannels: 2,
    transcodeHwRequested: true,
    transcodeHwFullPipeline: false,
  };
}

/** The `PlaySessionStateNotification` child of a websocket `playing` frame. */
export function playingNotification(s: PmsSession, state: PmsPlayState | 'stopped'): Record<string, unknown> {
  const n: Record<string, unknown> = {
    sessionKey: s.sessionKey,
    clientIdentifier: s.player.machineIdentifier,
    guid: '',
    ratingKey: s.item.ratingKey,
    url: '',
    key: `/library/metadata/${s.item.ratingKey}`,
    viewOffset: s.viewOffset,
    playQueueItemID: s.playQueueItemID,
    state,
  };
  if (s.transcode && state !== 'stopped') n.transcodeSession = s.transcodeId;
  return n;
}
