/**
 * Library statistics as the home page shows them: per library group, what kind of things it holds.
 * A library's type decides what its main count means (a music library's items are artists).
 */
export interface LibraryCountRow {
  groupId: string;
  groupName: string;
  type: string;
  items: number;
  episodes: number | null;
  albums: number | null;
  tracks: number | null;
}

export const STAT_KINDS = ['movies', 'shows', 'episodes', 'artists', 'albums', 'tracks', 'photos', 'books', 'other'] as const;
export type StatKind = (typeof STAT_KINDS)[number];

export interface GroupStats {
  groupId: string;
  groupName: string;
  counts: Partial<Record<StatKind, number>>;
}

const MAIN_KIND: Record<string, StatKind> = { movie: 'movies', show: 'shows', music: 'artists', photo: 'photos', book: 'books' };

export function summariseLibraryStats(rows: LibraryCountRow[]): GroupStats[] {
  const groups = new Map<string, GroupStats>();
  for (const row of rows) {
    const group = groups.get(row.groupId) ?? { groupId: row.groupId, groupName: row.groupName, counts: {} };
    groups.set(row.groupId, group);
    const add = (kind: StatKind, n: number | null) => {
      if (n !== null && n > 0) group.counts[kind] = (group.counts[kind] ?? 0) + n;
    };
    add(MAIN_KIND[row.type] ?? 'other', row.items);
    add('episodes', row.episodes);
    add('albums', row.albums);
    add('tracks', row.tracks);
  }
  return [...groups.values()].filter((g) => Object.keys(g.counts).length > 0);
}
