import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Env } from './config/env.js';
import { createContainer, type Container } from './container.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './http/logger.js';
import { KeyRotationRepository } from './modules/system/key-rotation.repository.js';
import { KeyRotationService } from './modules/system/key-rotation.service.js';
import { OffsetClock } from './platform/clock.js';
import { loadSecretBox } from './platform/secret-key.js';

export interface RunningUsher {
  app: FastifyInstance;
  container: Container;
  url: string;
  stop(): Promise<void>;
}

/** env → db → migrate → container → app → listen → jobs. Used by `npm start`, the demo and process tests. */
export async function startUsher(
  env: Env,
  log: Logger = createLogger(env.LOG_LEVEL),
  options: { demo?: boolean } = {},
): Promise<RunningUsher> {
  const secrets = loadSecretBox(env);
  const database = openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  const applied = await migrateToLatest(database);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  // The demo runs on a clock a visitor can move forward ("advance the clock"); nothing else does.
  const container = createContainer({ env, database, secrets, log, ...(options.demo ? { demoClock: new OffsetClock() } : {}) });
  // Migrations cannot hold the key, so older sealed formats are upgraded here, before any request.
  const upgraded = await new KeyRotationService(new KeyRotationRepository(database.db), container.clock).upgradeLegacy(secrets);
  const upgradedCount = upgraded.settingsSecrets + Object.values(upgraded.columns).reduce((a, b) => a + b, 0);
  if (upgradedCount > 0) log.info({ secrets: upgradedCount }, 'stored secrets re-sealed in the current format');

  if (env.USHER_ADMIN_EMAIL && env.USHER_ADMIN_PASSWORD) {
    if (await container.auth.ensureHeadlessAdmin(env.USHER_ADMIN_EMAIL, env.USHER_ADMIN_PASSWORD)) {
      log.info({ email: env.USHER_ADMIN_EMAIL }, 'the first administrator was set up from USHER_ADMIN_EMAIL');
    }
  }

  const app = await buildApp(container, { serveWeb: true });
  await app.listen({ port: env.PORT, host: env.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.SITE_URL ?? `http://localhost:${port}`;
  if (env.USHER_DISABLE_JOBS) log.info('scheduled jobs are disabled on this instance (USHER_DISABLE_JOBS)');
  else container.jobs.start();
  // Instances take turns through a lease; one that cannot run jobs does not watch servers either.
  if (!env.USHER_DISABLE_JOBS) container.sessionMonitor.start();

  if (await container.auth.needsSetup()) {
    const token = container.auth.issueSetupToken();
    // Printed plainly (not only as JSON) so an operator reading the console finds it at once.
    process.stdout.write(
      `\nUsher has no administrator yet. Open ${url}/setup and enter this one-time setup token:\n\n    ${token}\n\n`,
    );
  } else {
    process.stdout.write(`\nUsher is running at ${url}\n\n`);
  }

  let stopped = false;
  return {
    app,
    container,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      // After the HTTP server, so no request starts a run; before the database, so runs can finish.
      await container.jobs.stop();
      await container.sessionMonitor.stop();
      // Member passes still waiting on their debounce run now, while the database is open.
      await container.access.settled();
      await container.operations.stop();
      await container.mediaRegistry.close();
      await container.gatewayRegistry.closeAll();
      await database.close();
    },
  };
}
