import { randomUUID } from 'node:crypto';
import { nowSeconds } from './wire.js';

/** Library sections of a fake Plex Media Server, with the item counts PMS reports per type. */

export type PmsSectionType = 'movie' | 'show' | 'artist' | 'photo';

export interface PmsLibrarySeed {
  title: string;
  type: PmsSectionType;
  /** Main items: movies, shows, artists or photos. */
  items?: number;
  seasons?: number;
  episodes?: number;
  albums?: number;
  tracks?: number;
}

export interface PmsLibrary {
  /** PMS section key ("1", "2", …). */
  key: string;
  /** plex.tv's global section id, what sharing calls take. */
  globalId: number;
  title: string;
  type: PmsSectionType;
  uuid: string;
  createdAt: number;
  items: number;
  seasons: number;
  episodes: number;
  albums: number;
  tracks: number;
}

export const DEFAULT_LIBRARIES: PmsLibrarySeed[] = [
  { title: 'Movies', type: 'movie', items: 1250 },
  { title: 'TV Shows', type: 'show', items: 180, seasons: 640, episodes: 8200 },
  { title: 'Music', type: 'artist', items: 310, albums: 1400, tracks: 16000 },
  { title: 'Movies 4K', type: 'movie', items: 220 },
];

// plex.tv hands out section ids from one global sequence; keeping it process-wide keeps ids unique
// across every fake server, as they are on plex.tv.
let nextGlobalSectionId = 201_000;
export function allocateGlobalSectionId(): number {
  return nextGlobalSectionId++;
}

export function createLibrary(key: string, seed: PmsLibrarySeed): PmsLibrary {
  return {
    key,
    globalId: allocateGlobalSectionId(),
    title: seed.title,
    type: seed.type,
    uuid: randomUUID(),
    createdAt: nowSeconds() - 86_400 * 30,
    items: seed.items ?? 100,
    seasons: seed.seasons ?? (seed.type === 'show' ? (seed.items ?? 100) * 3 : 0),
    episodes: seed.episodes ?? (seed.type === 'show' ? (seed.items ?? 100) * 30 : 0),
    albums: seed.albums ?? (seed.type === 'artist' ? (seed.items ?? 100) * 4 : 0),
    tracks: seed.tracks ?? (seed.type === 'artist' ? (seed.items ?? 100) * 40 : 0),
  };
}

const AGENTS: Record<PmsSectionType, { agent: string; scanner: string; path: string }> = {
  movie: { agent: 'tv.plex.agents.movie', scanner: 'Plex Movie', path: '/data/movies' },
  show: { agent: 'tv.plex.agents.series', scanner: 'Plex TV Series', path: '/data/tv' },
  artist: { agent: 'tv.plex.agents.music', scanner: 'Plex Music', path: '/data/music' },
  photo: { agent: 'com.plexapp.agents.none', scanner: 'Plex Photo Scanner', path: '/data/photos' },
};

/** The `Directory` entry of `/library/sections`. */
export function sectionDirectory(lib: PmsLibrary): Record<string, unknown> {
  const a = AGENTS[lib.type];
  return {
    allowSync: true,
    art: `/:/resources/${lib.type}-fanart.jpg`,
    composite: `/library/sections/${lib.key}/composite/${lib.createdAt}`,
    filters: true,
    refreshing: false,
    thumb: `/:/resources/${lib.type}.png`,
    key: lib.key,
    type: lib.type,
    title: lib.title,
    agent: a.agent,
    scanner: a.scanner,
    language: 'en-US',
    uuid: lib.uuid,
    updatedAt: lib.createdAt,
    createdAt: lib.createdAt,
    scannedAt: lib.createdAt,
    content: true,
    directory: true,
    contentChangedAt: lib.createdAt,
    Location: [{ id: Number(lib.key), path: `${a.path}-${lib.key}` }],
  };
}

/**
 * Counts by python-plexapi's search type numbers: movie 1, show 2, season 3, episode 4, artist 8,
 * album 9, track 10, photo 13. Without `type` PMS counts the section's main type; photo sections
 * are counted with `clusterZoomLevel=1` instead.
 */
export function countFor(lib: PmsLibrary, type: string | null): number {
  if (type === null || type === '') return lib.items;
  const wanted = Number(type);
  const byType: Record<PmsSectionType, Record<number, number>> = {
    movie: { 1: lib.items },
    show: { 2: lib.items, 3: lib.seasons, 4: lib.episodes },
    artist: { 8: lib.items, 9: lib.albums, 10: lib.tracks },
    photo: { 13: lib.items },
  };
  return byType[lib.type][wanted] ?? 0;
}

const MAIN_TYPE: Record<PmsSectionType, string> = { movie: 'movie', show: 'show', artist: 'artist', photo: 'photo' };
const TYPE_NAMES: Record<number, string> = { 1: 'movie', 2: 'show', 3: 'season', 4: 'episode', 8: 'artist', 9: 'album', 10: 'track', 13: 'photo' };

/** A page of stub items, for callers that ask for more than the count. */
export function itemsPage(lib: PmsLibrary, type: string | null, start: number, size: number): Record<string, unknown>[] {
  const total = countFor(lib, type);
  const typeName = type ? (TYPE_NAMES[Number(type)] ?? MAIN_TYPE[lib.type]) : MAIN_TYPE[lib.type];
  const out: Record<string, unknown>[] = [];
  for (let i = start; i < Math.min(total, start + size); i++) {
    const ratingKey = String(lib.globalId * 100_000 + i);
    out.push({
      ratingKey,
      key: `/library/metadata/${ratingKey}`,
      type: typeName,
      title: `${lib.title} item ${i + 1}`,
      addedAt: lib.createdAt,
      librarySectionID: Number(lib.key),
    });
  }
  return out;
}
