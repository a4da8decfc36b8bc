import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export function testDialects(): Dialect[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface FreshDatabase {
  handle: DatabaseHandle;
  dataDir: string;
  /** For PostgreSQL: the URL and schema, so a second process can join the same database. */
  pg?: { url: string; schema: string };
  dispose(): Promise<void>;
}

/** A migrated, empty database: a temp SQLite file, or a fresh PostgreSQL schema. */
export async function freshDatabase(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<FreshDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-test-'));
  let handle: DatabaseHandle;
  let pgInfo: FreshDatabase['pg'];
  if (dialect === 'postgres') {
    const url = inject('pgUrl');
    if (!url) throw new Error('PostgreSQL is not available for this run');
    const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    handle = openDatabase({ databaseUrl: url, dataDir, pgSchema: schema, poolSize: 5 });
    pgInfo = { url, schema };
  } else {
    handle = openDatabase({ dataDir });
  }
  if (options.migrate !== false) await migrateToLatest(handle);
  return {
    handle,
    dataDir,
    ...(pgInfo ? { pg: pgInfo } : {}),
    async dispose() {
      await handle.close();
      if (pgInfo) {
        const admin = new pg.Client({ connectionString: pgInfo.url });
        await admin.connect();
        await admin.query(`drop schema if exists ${pgInfo.schema} cascade`);
        await admin.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the same suite once per available dialect, each in its own fresh database. */
export function describeEachDb(name: string, body: (dialect: Dialect) => void): void {
  for (const dialect of testDialects()) {
    describe(`${name} [${dialect}]`, () => body(dialect));
  }
}

/** Registers cleanup of every fresh database a suite opens. */
export function trackDisposables() {
  const items: { dispose(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const item of items.reverse()) await item.dispose();
  });
  return <T extends { dispose(): Promise<void> }>(item: T): T => {
    items.push(item);
    return item;
  };
}
