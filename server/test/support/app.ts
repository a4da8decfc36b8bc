import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createContainer, type Container } from '../../src/container.js';
import type { Dialect } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/http/logger.js';
import { ManualClock, OffsetClock } from '../../src/platform/clock.js';
import { SecretBox } from '../../src/platform/secrets.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import type { SessionMonitorOptions } from '../../src/modules/enforcement/session-monitor.js';
import { freshDatabase, type FreshDatabase } from './db.js';
import { startTestSmtp, type TestSmtp } from './smtp.js';

export const ADMIN_EMAIL = 'owner@example.com';
export const ADMIN_PASSWORD = 'Correct-Horse-9!';

export interface TestUsher {
  app: FastifyInstance;
  container: Container;
  clock: ManualClock;
  db: FreshDatabase;
  smtp: TestSmtp;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  setupToken: string;
  dispose(): Promise<void>;
}

/** A complete Usher on a fresh database, with a manual clock, captured logs and a real SMTP server. */
export interface TestUsherOptions {
  /** The key secrets are sealed with, so a test can seal values it writes before Usher starts. */
  secrets?: SecretBox;
  /**
   * Builds an older install first: runs on the unmigrated database (migrate it part way with
   * `migrateTo` and write rows in that schema); the database is then migrated to the latest.
   */
  prepare?: (db: FreshDatabase) => Promise<void>;
  /** Demo mode: the container runs on a movable demo clock over the manual one (its routes exist). */
  demo?: boolean;
  /** Timings of the session monitor (it only runs when a test starts it). */
  sessionMonitor?: Partial<SessionMonitorOptions>;
}

export async function createTestUsher(
  dialect: Dialect,
  envOverrides: Record<string, string> = {},
  options: TestUsherOptions = {},
): Promise<TestUsher> {
  const db = await freshDatabase(dialect, options.prepare ? { migrate: false } : {});
  if (options.prepare) {
    await options.prepare(db);
    await migrateToLatest(db.handle);
  }
  const smtp = await startTestSmtp();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  // Tests talk to loopback only: unless a test points them at fakes, Plex URLs refuse at once.
  const env = loadEnv({
    USHER_DATA_DIR: db.dataDir,
    LOG_LEVEL: 'debug',
    NODE_ENV: 'test',
    PLEX_TV_URL: 'http://127.0.0.1:9',
    PLEX_CLIENTS_URL: 'http://127.0.0.1:9',
    PLEX_APP_URL: 'http://127.0.0.1:9',
    ...envOverrides,
  });
  const clock = new ManualClock('2026-03-01T12:00:00.000Z');
  const container = createContainer({
    env,
    database: db.handle,
    secrets: options.secrets ?? new SecretBox(randomBytes(32)),
    log: createLogger('debug', sink),
    clock,
    ...(options.demo ? { demoClock: new OffsetClock(clock) } : {}),
    ...(options.sessionMonitor ? { sessionMonitor: options.sessionMonitor } : {}),
  });
  await container.settings.update(
    'email',
    { values: { enabled: true, host: '127.0.0.1', port: smtp.port, security: 'none', fromAddress: 'usher@example.com' } },
    systemActor,
  );
  await container.settings.update('general', { values: { siteUrl: 'https://usher.example.com' } }, systemActor);
  const app = await buildApp(container);
  await app.ready();
  const setupToken = container.auth.issueSetupToken();
  return {
    app,
    container,
    clock,
    db,
    smtp,
    logs,
    setupToken,
    async dispose() {
      await app.close();
      await container.sessionMonitor.stop();
      await container.jobs.stop();
      await container.access.settled();
      await container.operations.stop();
      await container.mediaRegistry.close();
      await smtp.close();
      await db.dispose();
    },
  };
}

/** A cookie-keeping client over app.inject that echoes the CSRF cookie like the web app does. */
export class TestClient {
  private cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  get csrf(): string | undefined {
    return this.cookies.get('usher_csrf');
  }

  async request(options: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.csrf !== false && this.csrf && options.method && options.method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const { csrf: _ignored, ...rest } = options;
    const res = await this.app.inject({ remoteAddress: this.ip, ...rest, headers });
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() <= 0) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }
  post(url: string, payload?: unknown) {
    return this.request({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  }
  put(url: string, payload?: unknown) {
    return this.request({ method: 'PUT', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  }
  patch(url: string, payload?: unknown) {
    return this.request({ method: 'PATCH', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  }
  delete(url: string) {
    return this.request({ method: 'DELETE', url });
  }
}

/** Completes first-run setup and returns a logged-in administrator client. */
export async function setupAdmin(usher: TestUsher): Promise<TestClient> {
  const client = new TestClient(usher.app);
  const res = await client.post('/api/setup', { token: usher.setupToken, email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (res.statusCode !== 200) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return client;
}

/** Creates a login with the given role (through the admin API) and logs it in. */
export async function loginAs(usher: TestUsher, admin: TestClient, email: string, roleId: string): Promise<TestClient> {
  const password = 'Another-Pass-7?';
  const created = await admin.post('/api/admin/logins', { email, password, roleId });
  if (created.statusCode !== 201) throw new Error(`create login failed: ${created.body}`);
  const client = new TestClient(usher.app, `10.0.0.${Math.floor(Math.random() * 200) + 2}`);
  const res = await client.post('/api/auth/login', { email, password });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return client;
}
