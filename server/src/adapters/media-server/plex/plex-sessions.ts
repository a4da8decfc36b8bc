import type { RemoteSession } from '../../../ports/media-server.js';

/** `/status/sessions` items → RemoteSession, with the 4K rule of integrations §9.2. */

export interface PlexMedia {
  id?: number | string;
  videoResolution?: string;
  width?: number;
  height?: number;
}

export interface PlexSessionItem {
  ratingKey?: string;
  type?: string;
  title?: string;
  grandparentTitle?: string;
  Media?: PlexMedia[];
  User?: { id?: string | number; title?: string };
  Player?: { title?: string; product?: string; address?: string; remotePublicAddress?: string; state?: string };
  Session?: { id?: string };
  TranscodeSession?: { videoDecision?: string };
}

/** "4k", or ≥ 3840 wide, or ≥ 2160 high (Tautulli lower-cases the resolution and drops a trailing p/i). */
export function is4k(media: PlexMedia | undefined): boolean {
  if (!media) return false;
  const res = String(media.videoResolution ?? '').toLowerCase().replace(/[pi]$/, '');
  return res === '4k' || res === '2160' || Number(media.width ?? 0) >= 3840 || Number(media.height ?? 0) >= 2160;
}

/**
 * While PMS transcodes, the session's Media describes the output, so the source's resolution comes
 * from `/library/metadata/{ratingKey}` (`sourceMedia`); the entry with the session's Media id wins.
 */
export function toRemoteSession(item: PlexSessionItem, sourceMedia: PlexMedia[] | null): RemoteSession {
  const playing = item.Media?.[0];
  let source: PlexMedia | undefined = playing;
  if (item.TranscodeSession && sourceMedia) source = sourceMedia.find((m) => String(m.id) === String(playing?.id)) ?? sourceMedia[0];
  const state = item.Player?.state;
  return {
    sessionId: String(item.Session?.id ?? ''),
    accountRemoteId: String(item.User?.id ?? ''),
    username: item.User?.title ?? null,
    device: item.Player?.title ?? null,
    player: item.Player?.product ?? null,
    ip: item.Player?.remotePublicAddress ?? item.Player?.address ?? null,
    state: state === 'paused' || state === 'buffering' ? state : 'playing',
    media: { title: item.title ?? '', type: item.type ?? 'unknown', grandparentTitle: item.grandparentTitle ?? null },
    videoTranscode: item.TranscodeSession?.videoDecision === 'transcode',
    source4k: is4k(source),
    startedAt: null,
  };
}
