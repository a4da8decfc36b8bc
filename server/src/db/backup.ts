import SQLite from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';

/**
 * An online backup through SQLite's backup API: consistent even while Usher is running and writing,
 * unlike copying the file (which can catch a half-applied WAL). The copy holds password hashes and
 * sealed secrets, so it is readable by the owner only.
 */
export async function backupSqlite(sourcePath: string, destinationPath: string): Promise<void> {
  if (existsSync(destinationPath)) throw new Error(`${destinationPath} already exists`);
  const source = new SQLite(sourcePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(destinationPath);
  } finally {
    source.close();
  }
  chmodSync(destinationPath, 0o600);
}
