import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { backupSqlite } from '../db/backup.js';
import { isPostgresUrl, sqlitePathFrom } from '../db/database.js';
import { latestMigration, migrateToLatest } from '../db/migrate.js';
import { KeyRotationRepository } from '../modules/system/key-rotation.repository.js';
import { KeyRotationService, UndecryptableSecretError, type ResealCounts } from '../modules/system/key-rotation.service.js';
import { copyKeyFile, installKeyFile, keyFilePath, loadSecretBox, stageKeyFile } from '../platform/secret-key.js';
import { generateSecretKey, parseSecretKey, SecretBox } from '../platform/secrets.js';
import { CliFailure, cliActor, utcStamp, withDatabase, withUsher, type CliContext } from './context.js';

export async function migrate(ctx: CliContext): Promise<void> {
  const applied = await withDatabase(ctx, (database) => migrateToLatest(database));
  if (applied.length === 0) ctx.io.out(`The database is up to date (latest migration: ${latestMigration}).`);
  else ctx.io.out(`Applied migrations:\n${applied.map((name) => `  ${name}`).join('\n')}`);
}

export async function backup(ctx: CliContext, options: { out?: string | undefined }): Promise<void> {
  const { env, io } = ctx;
  // `npm run usher` runs in the repository root; INIT_CWD is where the operator typed the command.
  const base = process.env.INIT_CWD ?? process.cwd();
  const outDir = options.out ? (isAbsolute(options.out) ? options.out : resolve(base, options.out)) : join(env.dataDir, 'backups');
  const stamp = utcStamp(new Date());

  if (isPostgresUrl(env.DATABASE_URL)) {
    io.out('This Usher runs on PostgreSQL: back the database up with pg_dump, for example');
    io.out(`  pg_dump --format=custom --file=usher-${stamp}.dump "$DATABASE_URL"`);
  } else {
    const source = sqlitePathFrom(env.DATABASE_URL, env.dataDir);
    if (!existsSync(source)) throw new CliFailure(`There is no database at ${source} to back up.`);
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const target = join(outDir, `usher-${stamp}.db`);
    await backupSqlite(source, target);
    io.out(`Database backed up to ${target}`);
  }

  if (env.USHER_SECRET_KEY) {
    io.out('The secret key comes from USHER_SECRET_KEY: keep a copy of it with this backup yourself.');
    return;
  }
  const keyPath = keyFilePath(env);
  if (!existsSync(keyPath)) {
    io.err(`Warning: there is no key file at ${keyPath}; stored secrets cannot be read without the key they were sealed with.`);
    return;
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const keyCopy = join(outDir, `usher-${stamp}.secret.key`);
  copyKeyFile(keyPath, keyCopy);
  io.out(`Secret key copied to ${keyCopy} (keep it as safe as the database: it opens the stored secrets).`);
}

/**
 * A new key, every stored secret re-sealed with it in one transaction, then the key file replaced.
 * Order matters for a crash at any point: the old key is copied aside and the new key is on disk
 * before the database changes, and the key file is swapped with one rename after the commit.
 */
export async function rotateKey(ctx: CliContext): Promise<void> {
  const { env, io } = ctx;
  if (env.USHER_SECRET_KEY) {
    throw new CliFailure(
      [
        'USHER_SECRET_KEY is set in the environment, so Usher cannot replace the key: it does not own where that value lives.',
        'To rotate it yourself: stop Usher, write the current key to a key file, unset USHER_SECRET_KEY (point',
        'USHER_SECRET_KEY_FILE at that file), run rotate-key, then keep using the key file or put its new',
        'contents in USHER_SECRET_KEY and delete the file.',
      ].join('\n'),
    );
  }
  const keyPath = keyFilePath(env);
  if (!existsSync(keyPath)) throw new CliFailure(`There is no key file at ${keyPath}; start Usher once to create it.`);

  await withUsher(ctx, async ({ container }) => {
    const from = loadSecretBox(env);
    const newKey = generateSecretKey();
    const to = new SecretBox(parseSecretKey(newKey));
    const stamp = utcStamp(container.clock.now());
    const oldCopy = `${keyPath}.old-${stamp}`;
    const staged = `${keyPath}.new-${stamp}`;
    copyKeyFile(keyPath, oldCopy);
    stageKeyFile(staged, newKey);

    let counts: ResealCounts;
    try {
      counts = await new KeyRotationService(new KeyRotationRepository(container.database.db), container.clock).reseal(from, to, cliActor);
    } catch (error) {
      unlinkSync(staged);
      unlinkSync(oldCopy);
      if (error instanceof UndecryptableSecretError) throw new CliFailure(error.message);
      throw error;
    }
    try {
      installKeyFile(staged, keyPath);
    } catch (error) {
      throw new CliFailure(
        `The stored secrets now use the new key, but it could not be moved into place (${(error as Error).message}).\n` +
          `Move ${staged} to ${keyPath} before starting Usher.`,
      );
    }
    const others = Object.entries(counts.columns).filter(([, n]) => n > 0);
    const otherTotal = others.reduce((sum, [, n]) => sum + n, 0);
    const detail = others.length > 0 ? ` (${others.map(([column, n]) => `${column}: ${n}`).join(', ')})` : '';
    io.out(`Re-encrypted ${counts.settingsSecrets} settings secret(s) and ${otherTotal} other stored secret(s)${detail}.`);
    io.out(`New key written to ${keyPath}; the old key is kept in ${oldCopy}.`);
    io.out('Restart Usher (every instance) so it loads the new key, then make a fresh backup and delete the old key.');
  });
}
