import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Decides once per run whether PostgreSQL takes part. Tests reach it only through
 * USHER_TEST_DATABASE_URL (never the app's DATABASE_URL). CI sets USHER_TEST_REQUIRE_PG=1 so a
 * missing server fails the run instead of quietly testing SQLite alone.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.USHER_TEST_DATABASE_URL ?? DEFAULT_TEST_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('pgUrl', url);
    process.stdout.write(`\n[usher tests] PostgreSQL at ${redact(url)}: every DB test runs on SQLite and PostgreSQL\n`);
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${redact(url)} (${(error as Error).message})`;
    if (process.env.USHER_TEST_REQUIRE_PG === '1') throw new Error(`${message}; USHER_TEST_REQUIRE_PG=1 requires it`);
    process.stdout.write(
      `\n${'!'.repeat(100)}\n!!! ${message}.\n!!! DB TESTS RUN ON SQLITE ONLY. Set USHER_TEST_DATABASE_URL or start PostgreSQL to test both.\n${'!'.repeat(100)}\n\n`,
    );
    project.provide('pgUrl', null);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
