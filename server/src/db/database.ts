import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  OperationNodeTransformer,
  type ValueNode,
  type PrimitiveValueListNode,
} from 'kysely';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Pg from 'pg';
import { lazy } from '../platform/lazy.js';

import type { Database } from './schema.js';

const pg = lazy<typeof Pg>('pg');

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite file path, when on SQLite. */
  sqlitePath?: string;
  close(): Promise<void>;
}

const toSqliteValue = (value: unknown) => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

class BooleanToIntegerTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return super.transformValue({ ...node, value: toSqliteValue(node.value) });
  }
  // Multi-row inserts carry their values in primitive lists rather than value nodes.
  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return super.transformPrimitiveValueList({ ...node, values: node.values.map(toSqliteValue) });
  }
}

/** better-sqlite3 cannot bind JS booleans; this is the one place they become 0/1. */
class SqliteBooleanPlugin implements KyselyPlugin {
  private readonly transformer = new BooleanToIntegerTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:/.test(url);
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to use (tests isolate each file in its own). */
  pgSchema?: string;
  poolSize?: number;
}

export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (isPostgresUrl(options.databaseUrl)) {
    const pool = new (pg().Pool)({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const path = sqlitePathFrom(options.databaseUrl, options.dataDir);
  const created = path !== ':memory:' && !existsSync(path);
  // The database holds password hashes and sealed secrets: only Usher's user may read it.
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(path);
  if (created) chmodSync(path, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new SqliteBooleanPlugin()],
  });
  return { db, dialect: 'sqlite', sqlitePath: path, close: () => db.destroy() };
}

/** Where the SQLite file lives for this configuration (the CLI backs it up without opening Kysely). */
export function sqlitePathFrom(url: string | undefined, dataDir: string): string {
  if (!url) return join(dataDir, 'usher.db');
  const stripped = url.replace(/^(sqlite|file):(\/\/)?/, '');
  return stripped === '' ? join(dataDir, 'usher.db') : stripped;
}

/** Coerces SQLite's 0/1 and PostgreSQL's booleans alike. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}
