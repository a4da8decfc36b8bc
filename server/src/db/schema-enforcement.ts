/** Stream enforcement records (migration 0024). */
type Bool = boolean | number;

export interface StreamHistoryTable {
  id: string;
  server_id: string;
  session_id: string;
  member_id: string | null;
  account_remote_id: string;
  username: string | null;
  device: string | null;
  player: string | null;
  /** Whole, truncated (Settings → Enforcement) or null. */
  ip: string | null;
  title: string;
  source_4k: Bool;
  video_transcode: Bool;
  started_at: string;
  last_seen_at: string;
  ended_at: string | null;
  stopped_for: string | null;
}

export interface MemberWarningsTable {
  id: string;
  member_id: string;
  server_id: string | null;
  kind: string;
  details: string; // JSON
  dedupe_key: string;
  at: string;
}

export interface ServiceLeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface EnforcementTables {
  stream_history: StreamHistoryTable;
  member_warnings: MemberWarningsTable;
  service_leases: ServiceLeasesTable;
}
