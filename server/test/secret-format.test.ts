import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnv, type Env } from '../src/config/env.js';
import { createContainer, type Container } from '../src/container.js';
import { createLogger } from '../src/http/logger.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { startUsher } from '../src/server.js';
import { loadSecretBox } from '../src/platform/secret-key.js';
import { parseSecretKey, SecretBox, settingsSealContext } from '../src/platform/secrets.js';
import { describeEachDb, freshDatabase, type FreshDatabase } from './support/db.js';
import { legacySeal } from './support/legacy-seal.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = join(repoRoot, 'server', 'src', 'cli.ts');
const ADMIN = 'operator@example.com';
const PASSWORD = 'Operator-pass-42!';
const info = { ip: '127.0.0.1', userAgent: 'secret-format-test' };
const plexToken = { table: 'plex_accounts', column: 'token', rowId: 'plex-account-1' };
const plexPassword = { ...plexToken, column: 'password' };
const plexProxyPassword = { ...plexToken, column: 'proxy_password' };

/** The URL a separate process uses to reach this file's database (PostgreSQL: its own schema). */
function databaseUrlOf(db: FreshDatabase): string | undefined {
  if (!db.pg) return undefined;
  const separator = db.pg.url.includes('?') ? '&' : '?';
  return `${db.pg.url}${separator}options=${encodeURIComponent(`-c search_path=${db.pg.schema}`)}`;
}

function envOf(db: FreshDatabase): Env {
  const url = databaseUrlOf(db);
  return loadEnv({ USHER_DATA_DIR: db.dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', USHER_DISABLE_JOBS: 'true', ...(url ? { DATABASE_URL: url } : {}) });
}

/** The CLI as an operator runs it: a separate process reading only the environment. */
function usher(db: FreshDatabase, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, USHER_DATA_DIR: db.dataDir };
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'USHER_ADMIN_EMAIL', 'USHER_ADMIN_PASSWORD', 'INIT_CWD', 'LOG_LEVEL']) delete env[name];
  const url = databaseUrlOf(db);
  if (url) env.DATABASE_URL = url;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cliEntry, ...args], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function withContainer<T>(db: FreshDatabase, box: SecretBox, work: (c: Container) => Promise<T>): Promise<T> {
  return work(createContainer({ env: envOf(db), database: db.handle, secrets: box, log: createLogger('silent') }));
}

async function insertPlexAccount(c: Container, values: { token: string; password: string; proxyPassword: string }) {
  const now = c.clock.now().toISOString();
  await c.database.db
    .insertInto('plex_accounts')
    .values({
      id: 'plex-account-1',
      email: 'owner@plex.example',
      username: 'owner',
      plex_user_id: '1',
      token: values.token,
      password: values.password,
      proxy_url: 'http://proxy.example:3128',
      proxy_username: 'p',
      proxy_password: values.proxyPassword,
      has_plex_pass: false,
      plex_pass_override: null,
      token_status: 'valid',
      token_checked_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

function readPlex(c: Container) {
  return c.database.db.selectFrom('plex_accounts').selectAll().where('id', '=', 'plex-account-1').executeTakeFirstOrThrow();
}

describeEachDb('rotate-key', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
  });
  afterAll(() => db.dispose());

  it('re-seals every stored secret with the new key, bound to its row, old-format values included', async () => {
    const created = await usher(db, ['create-admin', '--email', ADMIN, '--password', PASSWORD]);
    expect(created.code, created.stderr).toBe(0);
    const oldKeyText = readFileSync(join(db.dataDir, 'secret.key'), 'utf8');
    const oldKey = parseSecretKey(oldKeyText);
    const oldBox = new SecretBox(oldKey);
    const before = await withContainer(db, oldBox, async (c) => {
      await c.settings.update('email', { values: { host: 'smtp.example.com' }, secrets: { password: 'smtp-secret' } }, systemActor);
      const outcome = await c.auth.login({ email: ADMIN, password: PASSWORD }, info);
      if (outcome.status !== 'ok') throw new Error('the administrator has no second factor yet');
      const { secret } = await c.twoFactor.beginTotp(outcome.login);
      // One value still in the old unbound format, as an install upgraded without a restart has it.
      await insertPlexAccount(c, {
        token: oldBox.encrypt('plex-token', plexToken),
        password: oldBox.encrypt('plex-password', plexPassword),
        proxyPassword: legacySeal(oldKey, 'proxy-password'),
      });
      return { loginId: outcome.login.id, secret };
    });

    const res = await usher(db, ['rotate-key']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      'Re-encrypted 1 settings secret(s) and 4 other stored secret(s) (logins.totp_secret: 1, plex_accounts.token: 1, plex_accounts.password: 1, plex_accounts.proxy_password: 1)',
    );
    const newKeyText = readFileSync(join(db.dataDir, 'secret.key'), 'utf8');
    expect(newKeyText).not.toBe(oldKeyText);
    expect(statSync(join(db.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(db.dataDir).filter((f) => /^secret\.key\.old-\d{8}T\d{6}Z$/.test(f))).toHaveLength(1);

    const newBox = new SecretBox(parseSecretKey(newKeyText));
    await withContainer(db, newBox, async (c) => {
      expect((await c.settings.get('email')).password).toBe('smtp-secret');
      const totp = (await c.logins.get(before.loginId)).totpSecret!;
      const totpContext = { table: 'logins', column: 'totp_secret', rowId: before.loginId };
      expect(totp.startsWith('v2:')).toBe(true);
      expect(newBox.decrypt(totp, totpContext)).toBe(before.secret);
      expect(() => oldBox.decrypt(totp, totpContext)).toThrow();
      const plex = await readPlex(c);
      for (const value of [plex.token, plex.password!, plex.proxy_password!]) expect(value.startsWith('v2:')).toBe(true);
      expect(newBox.decrypt(plex.token, plexToken)).toBe('plex-token');
      expect(newBox.decrypt(plex.password!, plexPassword)).toBe('plex-password');
      expect(newBox.decrypt(plex.proxy_password!, plexProxyPassword)).toBe('proxy-password');
      expect(() => oldBox.decrypt(plex.token, plexToken)).toThrow();
      // Bound to its row and column: the token does not open as the password.
      expect(() => newBox.decrypt(plex.token, plexPassword)).toThrow();
    });
    // The old key opens nothing any more: the settings read a sealed value it cannot open as unset.
    await withContainer(db, oldBox, async (c) => expect((await c.settings.get('email')).password).toBe(''));
  });
});

describeEachDb('start-up re-seals old-format secrets', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
  });
  afterAll(() => db.dispose());

  it('reads v1 values, re-seals them as v2 bound to their row, and leaves current ones alone', async () => {
    const env = envOf(db);
    const box = loadSecretBox(env);
    const key = parseSecretKey(readFileSync(join(db.dataDir, 'secret.key'), 'utf8'));
    const current = box.encrypt('plex-password', plexPassword);
    await withContainer(db, box, async (c) => {
      await insertPlexAccount(c, { token: legacySeal(key, 'plex-token'), password: current, proxyPassword: legacySeal(key, 'proxy-password') });
      await c.settings.update('email', { values: { host: 'smtp.example.com' }, secrets: { password: 'smtp-secret' } }, systemActor);
      await c.database.db.updateTable('settings').set({ value: JSON.stringify({ host: 'smtp.example.com', password: legacySeal(key, 'smtp-secret') }) }).where('section', '=', 'email').execute();
      // Read before the upgrade: the old format still opens.
      expect((await c.settings.get('email')).password).toBe('smtp-secret');
    });

    const running = await startUsher(env, createLogger('silent'));
    await running.stop();
    // stop() closed the handle startUsher opened; this file's own handle stays open.

    await withContainer(db, box, async (c) => {
      const plex = await readPlex(c);
      expect(plex.token.startsWith('v2:')).toBe(true);
      expect(box.decrypt(plex.token, plexToken)).toBe('plex-token');
      expect(box.decrypt(plex.proxy_password!, plexProxyPassword)).toBe('proxy-password');
      expect(plex.password).toBe(current);
      const stored = await c.database.db.selectFrom('settings').select('value').where('section', '=', 'email').executeTakeFirstOrThrow();
      const sealed = (JSON.parse(String(stored.value)) as { password: string }).password;
      expect(sealed.startsWith('v2:')).toBe(true);
      expect(box.decrypt(sealed, settingsSealContext('email', 'password'))).toBe('smtp-secret');
      expect((await c.settings.get('email')).password).toBe('smtp-secret');
    });
  });
});
