import { chmodSync, closeSync, copyFileSync, constants, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from '../config/env.js';
import { loadOrCreateKeyFile, parseSecretKey, SecretBox } from './secrets.js';

export function keyFilePath(env: Env): string {
  return env.USHER_SECRET_KEY_FILE ?? join(env.dataDir, 'secret.key');
}

/** USHER_SECRET_KEY wins; otherwise the key file, generated (mode 0600) on first start. */
export function loadSecretBox(env: Env): SecretBox {
  if (env.USHER_SECRET_KEY) return new SecretBox(parseSecretKey(env.USHER_SECRET_KEY));
  return new SecretBox(loadOrCreateKeyFile(keyFilePath(env)));
}

/** Copies a key file without ever overwriting an existing file; the copy is owner-only like the original. */
export function copyKeyFile(from: string, to: string): void {
  copyFileSync(from, to, constants.COPYFILE_EXCL);
  chmodSync(to, 0o600);
}

/**
 * Writes a new key next to the key file, flushed to disk, ready for `installKeyFile`. Writing it
 * before the database changes means a crash between the two steps leaves the new key recoverable.
 */
export function stageKeyFile(path: string, keyText: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, keyText.endsWith('\n') ? keyText : `${keyText}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}

/** Moves a staged key into place in one rename, so readers see the old key or the new one, never half. */
export function installKeyFile(stagedPath: string, keyPath: string): void {
  renameSync(stagedPath, keyPath);
  try {
    const dir = openSync(dirname(keyPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself has happened.
  }
}
