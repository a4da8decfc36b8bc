import pino from 'pino';
import type { Env } from '../config/env.js';
import { createContainer, type Container } from '../container.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../http/logger.js';
import type { Actor } from '../modules/audit/audit.service.js';
import { AuthRepository } from '../modules/auth/auth.repository.js';
import { loadSecretBox } from '../platform/secret-key.js';

/** Wrong command line: the message says what to type instead; exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** Print the list of commands too (when the command itself was missing or unknown). */
    readonly showHelp = false,
  ) {
    super(message);
  }
}

/** An expected refusal or failure with a message for the operator (no stack trace); exit code 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Audit entries written by the CLI name it, so the log shows the change came from the server's shell. */
export const cliActor: Actor = { type: 'system', id: null, label: 'cli', ip: null };

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person can answer prompts (stdin is a terminal). */
  interactive: boolean;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stdin.isTTY),
};

export interface CliContext {
  env: Env;
  io: CliIO;
}

export interface UsherContext extends CliContext {
  database: DatabaseHandle;
  container: Container;
  authRepo: AuthRepository;
}

/** Opens the configured database for one command and always closes it. */
export async function withDatabase<T>(ctx: CliContext, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase({ databaseUrl: ctx.env.DATABASE_URL, dataDir: ctx.env.dataDir, poolSize: 2 });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** The same services the server runs, on a migrated database, for commands that change data. */
export function withUsher<T>(ctx: CliContext, work: (usher: UsherContext) => Promise<T>): Promise<T> {
  return withDatabase(ctx, async (database) => {
    const applied = await migrateToLatest(database);
    if (applied.length > 0) ctx.io.out(`Applied migrations: ${applied.join(', ')}`);
    const container = createContainer({ env: ctx.env, database, secrets: loadSecretBox(ctx.env), log: cliLogger(ctx.env) });
    return work({ ...ctx, database, container, authRepo: new AuthRepository(database.db) });
  });
}

// Service logs go to stderr so stdout stays the command's own output; info-level chatter is
// hidden unless the operator asked for a level.
function cliLogger(env: Env) {
  const level = process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn';
  return createLogger(level, pino.destination({ fd: 2, sync: true }));
}

/** `20260301T120000Z`: sortable, and free of the colons some filesystems refuse. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
