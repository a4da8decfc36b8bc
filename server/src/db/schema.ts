/**
 * Table types shared by both dialects. Instants are ISO-8601 UTC strings (they sort as text on both
 * SQLite and PostgreSQL); booleans are stored as boolean on PostgreSQL and 0/1 on SQLite, so
 * repositories read them through `toBool`; JSON is stored as text.
 */
import type { ColumnType, Generated } from 'kysely';
import type { MediaTables } from './schema-media.js';
import type { PlanTables } from './schema-plans.js';
import type { OperationsTables } from './schema-operations.js';
import type { EnforcementTables } from './schema-enforcement.js';
import type { PublicTables } from './schema-public.js';

type Bool = boolean | number;

export interface RolesTable {
  id: string;
  name: string;
  builtin: string | null; // 'administrator' | 'user' for the two immutable roles
  permissions: string; // JSON array of permission names
  created_at: string;
  updated_at: string;
}

export interface LoginsTable {
  id: string;
  email: string; // lower-cased
  password_hash: string | null;
  role_id: string;
  display_name: string | null;
  email_confirmed_at: string | null;
  disabled: Bool;
  totp_secret: string | null; // sealed
  totp_enabled: Bool;
  email_otp_enabled: Bool;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  discord_username: string | null;
  discord_id: string | null;
  /** The last TOTP time step accepted, so a code works once. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie token
  login_id: string;
  csrf_token: string;
  /** 'full' once every factor passed; 'second_factor' while waiting for TOTP / emailed code. */
  stage: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface AuthTokensTable {
  id: string;
  login_id: string;
  purpose: string; // 'confirm_email' | 'password_reset' | 'login_code'
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  attempts: Generated<number>;
}

export interface RecoveryCodesTable {
  id: string;
  login_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  ip: string | null;
  succeeded: Bool;
  at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role_id: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SettingsTable {
  section: string;
  value: string; // JSON: only the fields that differ from the defaults
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_type: string; // 'login' | 'api_key' | 'system' | 'anonymous'
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string | null; // JSON
}

export interface AlertsTable {
  id: string;
  at: string;
  kind: string;
  severity: string; // 'info' | 'warning' | 'error'
  title: string;
  message: string;
  dedupe_key: string | null;
  read_at: string | null;
}

export interface NotificationOutboxTable {
  id: string;
  channel: string; // 'email' | 'discord'
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  idempotency_key: string;
  status: string; // 'pending' | 'sent' | 'failed'
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /**
   * Set when the message carries a one-time link or code: the subject with those values masked. Once
   * the message is sent (or given up), it replaces the subject and the body is blanked.
   */
  safe_subject: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface JobRunsTable {
  id: string;
  job: string;
  trigger: string; // 'schedule' | 'manual'
  status: string; // 'running' | 'succeeded' | 'failed'
  started_at: string;
  finished_at: string | null;
  progress: number | null; // 0..1
  message: string | null;
  error: string | null;
  instance_id: string | null;
  tick: string | null; // scheduled instant served (0002); null for manual runs
}

export interface JobLocksTable {
  job: string;
  tick: string; // scheduled instant the lock covers
  instance_id: string;
  acquired_at: string;
}

export interface JobIdleRunsTable {
  job: string;
  count: number;
  last_at: string;
  last_message: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database extends MediaTables, PlanTables, OperationsTables, EnforcementTables, PublicTables {
  roles: RolesTable;
  logins: LoginsTable;
  sessions: SessionsTable;
  auth_tokens: AuthTokensTable;
  recovery_codes: RecoveryCodesTable;
  login_attempts: LoginAttemptsTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  alerts: AlertsTable;
  notification_outbox: NotificationOutboxTable;
  job_runs: JobRunsTable;
  job_locks: JobLocksTable;
  job_idle_runs: JobIdleRunsTable;
  meta: MetaTable;
}
