/** The access engine's operations queue (migration 0009). */
export interface OperationsTable {
  id: string;
  kind: string; // 'provision' | 'grant' | 'revoke' | 'delete' | 'rename'
  member_id: string;
  server_id: string;
  /** The remote account acted on; for a provision, set once the account exists. */
  remote_id: string | null;
  payload: string; // JSON OperationPayload (domain/reconcile.ts); never a password
  idempotency_key: string;
  status: string; // 'pending' | 'running' | 'done' | 'failed' | 'cancelled'
  /** Attempts since the last success or the admin's retry; the failure alert counts these. */
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  /** The instance applying it, and until when its claim holds (a crashed instance's claim lapses). */
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  applied_at: string | null;
  updated_at: string;
}

export interface OperationsTables {
  operations: OperationsTable;
}
