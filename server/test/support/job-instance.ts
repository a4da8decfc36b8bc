/**
 * One Usher process for the multi-instance jobs test. It starts the way `npm start` does (migrations,
 * HTTP server, job scheduler), adds a job that ticks every second and holds each tick a little longer
 * than a second, and reports every execution on stdout, so the test can count executions apart from
 * what the database says. Lines for the test start with "@@"; everything else is Usher's own output.
 */
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/http/logger.js';
import { startUsher } from '../../src/server.js';

const holdMs = Number(process.env.TEST_TICK_HOLD_MS ?? '0');
const usher = await startUsher(loadEnv(process.env), createLogger('warn'));
const { jobs } = usher.container;

jobs.register('test.tick', '* * * * * *', 'Ticks every second (multi-instance test).', async ({ tick }) => {
  process.stdout.write(`@@ran ${tick?.toISOString() ?? 'manual'} ${jobs.instanceId}\n`);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
});
process.stdout.write(`@@ready ${jobs.instanceId} scheduler=${String(jobs.schedulerRunning)}\n`);

process.once('SIGTERM', () => {
  usher.stop().then(
    () => {
      process.stdout.write('@@stopped\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
