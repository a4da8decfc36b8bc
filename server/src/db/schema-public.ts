/** Tables behind the public site (migration 0028). */
export interface LibraryStatsTable {
  library_id: string;
  items: number;
  episodes: number | null;
  albums: number | null;
  tracks: number | null;
  counted_at: string;
}

export interface PublicTables {
  library_stats: LibraryStatsTable;
}
