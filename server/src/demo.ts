import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadEnv, type Env } from './config/env.js';
import { createContainer } from './container.js';
import { demoGatewayEnv } from './demo/gateways.js';
import { seedDemoMedia, startDemoFakes, type DemoFakes } from './demo/media.js';
import { DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, seedDemo } from './demo/seed.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './http/logger.js';
import { loadSecretBox } from './platform/secret-key.js';
import { startUsher, type RunningUsher } from './server.js';

const DEFAULT_DEMO_PORT = '8090';

/** The demo's configuration: the operator's environment, minus anything that would touch real data. */
function demoEnv(dataDir: string, fakes: DemoFakes | null): Env {
  const source: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'USHER_ADMIN_EMAIL', 'USHER_ADMIN_PASSWORD', 'SITE_URL']) {
    delete source[name];
    delete source[`${name}_FILE`];
  }
  return loadEnv({
    ...source,
    USHER_DATA_DIR: dataDir,
    PORT: source.PORT ?? DEFAULT_DEMO_PORT,
    // Request logs would bury the banner below; LOG_LEVEL=info brings them back.
    LOG_LEVEL: source.LOG_LEVEL ?? 'warn',
    ...(fakes ? { PLEX_TV_URL: fakes.plexTvUrl, PLEX_CLIENTS_URL: fakes.plexTvUrl, PLEX_APP_URL: fakes.plexTvUrl, ...demoGatewayEnv(fakes) } : {}),
  });
}

async function prepare(env: Env, fakes: DemoFakes | null): Promise<void> {
  const database = openDatabase({ dataDir: env.dataDir });
  try {
    await migrateToLatest(database);
    const container = createContainer({ env, database, secrets: loadSecretBox(env), log: createLogger(env.LOG_LEVEL) });
    await seedDemo(container);
    if (fakes) await seedDemoMedia(container, fakes);
    // The seeding changed members: their debounced access passes run before this container closes.
    await container.access.settled();
    await container.operations.stop();
    await container.mediaRegistry.close();
    await container.gatewayRegistry.closeAll();
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-demo-'));
  // Removed however the process ends, so demo runs never pile up in the temp directory.
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));

  // Signals are handled from the start: Node's default exit on SIGINT would skip the clean-up above.
  const running: { usher?: RunningUsher; fakes?: ChildProcess } = {};
  process.once('exit', () => running.fakes?.kill());
  const stop = (code: number) => {
    (running.usher ? running.usher.stop() : Promise.resolve()).then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));

  const started = await startDemoFakes();
  running.fakes = started?.child;
  const fakes = started?.fakes ?? null;
  let env: Env;
  try {
    env = demoEnv(dataDir, fakes);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  await prepare(env, fakes);
  const usher = await startUsher(env, undefined, { demo: true });
  running.usher = usher;
  process.stdout.write(
    [
      '',
      '='.repeat(72),
      '  Usher demo is running (throw-away data, deleted when you stop it)',
      '',
      `  Open:      ${usher.url}/login`,
      `  Email:     ${DEMO_ADMIN_EMAIL}`,
      `  Password:  ${DEMO_ADMIN_PASSWORD}`,
      '',
      `  API docs:  ${usher.url}/api/docs`,
      ...(fakes
        ? [
            '',
            `  Fake servers: plex.tv ${fakes.plexTvUrl}, Plex ${fakes.plexServers.map((s) => s.url).join(' and ')},`,
            `                Jellyfin ${fakes.jellyfin.url}, Emby ${fakes.emby.url} (control: /__control/…)`,
            ...(fakes.stripe ? ['  Payments:  Stripe, PayPal and Plisio are fakes: register a customer, Subscribe, and pay on their pages.'] : []),
          ]
        : []),
      '  Stop:      Ctrl+C',
      '='.repeat(72),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
