import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 'v1';

/**
 * AES-256-GCM for every secret Usher stores. The ciphertext format is
 * `v1:<iv>:<tag>:<data>` (base64url parts) so a future key or algorithm change can be detected.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    this.key = key;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A stable identifier derived from the key (e.g. the Plex client id of this install). */
  derive(label: string): string {
    return createHmac('sha256', this.key).update(label).digest('hex').slice(0, 32);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}:`);
  }
}

/** Accepts 64 hex chars or base64/base64url of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const buf = Buffer.from(trimmed, 'base64url');
  if (buf.length === 32) return buf;
  throw new Error('secret key must be 32 bytes as 64 hex characters or base64');
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/** Loads the key file, creating it (mode 0600) on first start. */
export function loadOrCreateKeyFile(path: string): Buffer {
  if (existsSync(path)) return parseSecretKey(readFileSync(path, 'utf8'));
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, generateSecretKey() + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return parseSecretKey(readFileSync(path, 'utf8'));
}
