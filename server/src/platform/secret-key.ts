import { join } from 'node:path';
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
