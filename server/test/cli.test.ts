import SQLite from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/config/env.js';
import { createContainer, type Container } from '../src/container.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/http/logger.js';
import { SYSTEM_CEILING } from '../src/domain/permission-ceiling.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { ADMIN_ROLE_ID, USER_ROLE_ID } from '../src/modules/roles/roles.repository.js';
import { loadSecretBox } from '../src/platform/secret-key.js';
import type { SecretBox } from '../src/platform/secrets.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = join(repoRoot, 'server', 'src', 'cli.ts');
const ADMIN = 'operator@example.com';
const PASSWORD = 'Operator-pass-42!';
const info = { ip: '127.0.0.1', userAgent: 'cli-test' };

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as an operator runs it: a separate process reading only the environment. */
function usher(dataDir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, USHER_DATA_DIR: dataDir, ...extraEnv };
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'USHER_ADMIN_EMAIL', 'USHER_ADMIN_PASSWORD', 'INIT_CWD', 'LOG_LEVEL']) {
    if (!(name in extraEnv)) delete env[name];
  }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cliEntry, ...args], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Opens the CLI's data directory in-process, as the server would, to check what a command did. */
async function withUsherAt<T>(dataDir: string, work: (c: Container) => Promise<T>, secrets?: SecretBox): Promise<T> {
  const env = loadEnv({ USHER_DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const database = openDatabase({ dataDir });
  try {
    await migrateToLatest(database);
    const container = createContainer({ env, database, secrets: secrets ?? loadSecretBox(env), log: createLogger('silent') });
    return await work(container);
  } finally {
    await database.close();
  }
}

describe('operator CLI [sqlite]', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'usher-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 2 with a clear message on usage errors', async () => {
    const none = await usher(dataDir, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No command given');
    expect(none.stderr).toContain('create-admin');

    const unknown = await usher(dataDir, ['make-coffee']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "make-coffee"');

    const badOption = await usher(dataDir, ['backup', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--bogus'");

    const noEmail = await usher(dataDir, ['create-admin', '--password', PASSWORD]);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain('--email is required');

    // Without a terminal there is nobody to ask, so the password must be on the command line.
    const noPassword = await usher(dataDir, ['create-admin', '--email', ADMIN]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('--password is required');

    const help = await usher(dataDir, ['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/rotate-key/);
  });

  it('migrate lists the applied migrations, then reports the database up to date', async () => {
    const freshDir = mkdtempSync(join(tmpdir(), 'usher-cli-migrate-'));
    try {
      const first = await usher(freshDir, ['migrate']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('0001_foundation');
      const again = await usher(freshDir, ['migrate']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('up to date');
    } finally {
      rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('create-admin refuses a weak password with the policy message and creates nothing', async () => {
    const res = await usher(dataDir, ['create-admin', '--email', ADMIN, '--password', 'password']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('The password needs');
    expect(res.stderr).toContain('an upper-case letter');
    await withUsherAt(dataDir, async (c) => expect(await c.auth.needsSetup()).toBe(true));
  });

  it('create-admin creates an administrator who can log in', async () => {
    const res = await usher(dataDir, ['create-admin', '--email', ADMIN, '--password', PASSWORD]);
    expect(res.code, res.stderr).toBe(0);
    await withUsherAt(dataDir, async (c) => {
      const outcome = await c.auth.login({ email: ADMIN, password: PASSWORD }, info);
      expect(outcome.status).toBe('ok');
      if (outcome.status === 'ok') expect(outcome.login.roleId).toBe(ADMIN_ROLE_ID);
      expect(await c.auth.needsSetup()).toBe(false);
    });
  });

  it('create-admin makes an existing login an enabled administrator', async () => {
    const email = 'customer@example.com';
    await withUsherAt(dataDir, async (c) => {
      const login = await c.logins.create({ email, password: 'Customer-pass-1!', roleId: USER_ROLE_ID }, systemActor, SYSTEM_CEILING);
      await c.logins.setDisabled(login.id, true, systemActor, SYSTEM_CEILING);
    });
    const res = await usher(dataDir, ['create-admin', '--email', email]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('now an enabled administrator');
    await withUsherAt(dataDir, async (c) => {
      const outcome = await c.auth.login({ email, password: 'Customer-pass-1!' }, info);
      expect(outcome.status).toBe('ok');
      if (outcome.status === 'ok') expect(outcome.login.roleId).toBe(ADMIN_ROLE_ID);
    });
  });

  it('reset-password sets the password and logs out every session of the login', async () => {
    const token = await withUsherAt(dataDir, async (c) => {
      const outcome = await c.auth.login({ email: ADMIN, password: PASSWORD }, info);
      expect(await c.auth.authenticate(outcome.issued.token)).not.toBeNull();
      return outcome.issued.token;
    });
    const newPassword = 'Brand-new-pass-7?';
    const res = await usher(dataDir, ['reset-password', '--email', ADMIN, '--password', newPassword]);
    expect(res.code, res.stderr).toBe(0);
    await withUsherAt(dataDir, async (c) => {
      expect(await c.auth.authenticate(token)).toBeNull();
      await expect(c.auth.login({ email: ADMIN, password: PASSWORD }, info)).rejects.toMatchObject({ code: 'invalid_credentials' });
      expect((await c.auth.login({ email: ADMIN, password: newPassword }, info)).status).toBe('ok');
    });
    const restored = await usher(dataDir, ['reset-password', '--email', ADMIN, '--password', PASSWORD]);
    expect(restored.code, restored.stderr).toBe(0);

    const missing = await usher(dataDir, ['reset-password', '--email', 'nobody@example.com', '--password', newPassword]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No login has the email nobody@example.com');
  });

  it('backup writes a readable SQLite copy with the logins, and the key file', async () => {
    const outDir = join(dataDir, 'elsewhere');
    const res = await usher(dataDir, ['backup', '--out', outDir]);
    expect(res.code, res.stderr).toBe(0);
    const files = readdirSync(outDir);
    const dbFile = files.find((f) => /^usher-\d{8}T\d{6}Z\.db$/.test(f));
    const keyFile = files.find((f) => /^usher-\d{8}T\d{6}Z\.secret\.key$/.test(f));
    expect(dbFile, files.join(', ')).toBeDefined();
    expect(keyFile, files.join(', ')).toBeDefined();

    const copy = new SQLite(join(outDir, dbFile!), { readonly: true, fileMustExist: true });
    try {
      const emails = (copy.prepare('select email from logins').all() as { email: string }[]).map((r) => r.email);
      expect(emails).toContain(ADMIN);
    } finally {
      copy.close();
    }
    expect(readFileSync(join(outDir, keyFile!), 'utf8')).toBe(readFileSync(join(dataDir, 'secret.key'), 'utf8'));
    expect(statSync(join(outDir, keyFile!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(outDir, dbFile!)).mode & 0o777).toBe(0o600);
  });

  it('rotate-key refuses when the key comes from USHER_SECRET_KEY and changes nothing', async () => {
    const before = readFileSync(join(dataDir, 'secret.key'), 'utf8');
    const res = await usher(dataDir, ['rotate-key'], { USHER_SECRET_KEY: before.trim() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('USHER_SECRET_KEY is set in the environment');
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).toBe(before);
  });
});
