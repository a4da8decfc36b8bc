import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './database.js';
import * as m0001 from './migrations/0001_foundation.js';

/** Migrations are listed here (not read from disk) so src/ and dist/ behave the same. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export const latestMigration = Object.keys(migrations).sort().at(-1)!;

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has run (the readiness probe uses it). */
export async function isMigrated(handle: DatabaseHandle): Promise<boolean> {
  const migrator = new Migrator({ db: handle.db, provider });
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
