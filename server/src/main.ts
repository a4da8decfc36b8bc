import { ConfigError, loadEnv } from './config/env.js';
import { createLogger } from './http/logger.js';
import { applyMemoryProfile } from './platform/memory-profile.js';
import { startUsher } from './server.js';

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  applyMemoryProfile(env.USHER_MEMORY_PROFILE);
  const log = createLogger(env.LOG_LEVEL);
  const usher = await startUsher(env, log);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    usher.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Usher failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
