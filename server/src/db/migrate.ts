import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './database.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_jobs.js';
import * as m0003 from './migrations/0003_media_servers.js';
import * as m0004 from './migrations/0004_login_discord.js';
import * as m0005 from './migrations/0005_sync_guard.js';
import * as m0006 from './migrations/0006_auth_hardening.js';
import * as m0007 from './migrations/0007_privilege_ceiling.js';
import * as m0008 from './migrations/0008_plans_payments.js';
import * as m0009 from './migrations/0009_job_idle_runs.js';
import * as m0010 from './migrations/0010_member_server_history.js';
import * as m0011 from './migrations/0011_operations.js';
import * as m0012 from './migrations/0012_member_fields.js';
import * as m0013 from './migrations/0013_member_placement.js';
import * as m0015 from './migrations/0015_member_account_replaced.js';
import * as m0014 from './migrations/0014_bulk_invites.js';
import * as m0016 from './migrations/0016_member_reinvite.js';
import * as m0017 from './migrations/0017_account_grant_fields.js';
import * as m0018 from './migrations/0018_subscriptions.js';
import * as m0019 from './migrations/0019_checkouts.js';
import * as m0020 from './migrations/0020_gateway_events.js';
import * as m0021 from './migrations/0021_payments_gateway_transaction.js';
import * as m0022 from './migrations/0022_invite_claims.js';
import * as m0024 from './migrations/0024_enforcement.js';
import * as m0028 from './migrations/0028_library_stats.js';
import * as m0029 from './migrations/0029_account_devices_restricted.js';

/** Migrations are listed here (not read from disk) so src/ and dist/ behave the same. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_jobs': m0002,
  '0003_media_servers': m0003,
  '0004_login_discord': m0004,
  '0005_sync_guard': m0005,
  '0006_auth_hardening': m0006,
  '0007_privilege_ceiling': m0007,
  '0008_plans_payments': m0008,
  '0009_job_idle_runs': m0009,
  '0010_member_server_history': m0010,
  '0011_operations': m0011,
  '0012_member_fields': m0012,
  '0013_member_placement': m0013,
  '0015_member_account_replaced': m0015,
  '0014_bulk_invites': m0014,
  '0016_member_reinvite': m0016,
  '0017_account_grant_fields': m0017,
  '0018_subscriptions': m0018,
  '0019_checkouts': m0019,
  '0020_gateway_events': m0020,
  '0021_payments_gateway_transaction': m0021,
  '0022_invite_claims': m0022,
  '0024_enforcement': m0024,
  '0028_library_stats': m0028,
  '0029_account_devices_restricted': m0029,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export const latestMigration = Object.keys(migrations).sort().at(-1)!;

/**
 * On PostgreSQL, Kysely looks for its bookkeeping tables in every schema unless told which one, so
 * another schema's (another app's, or a parallel test's) would make it skip creating Usher's own.
 */
async function migratorFor(handle: DatabaseHandle): Promise<Migrator> {
  if (handle.dialect !== 'postgres') return new Migrator({ db: handle.db, provider });
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db);
  const schema = rows[0]?.schema;
  return new Migrator({ db: handle.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = await migratorFor(handle);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Runs the migrations up to and including `target` (upgrade tests build an older database with it). */
export async function migrateTo(handle: DatabaseHandle, target: string): Promise<void> {
  const migrator = await migratorFor(handle);
  const { error } = await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** True when every known migration has run (the readiness probe uses it). */
export async function isMigrated(handle: DatabaseHandle): Promise<boolean> {
  const migrator = await migratorFor(handle);
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
