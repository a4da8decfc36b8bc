import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const LEGACY = 'v1';
const VERSION = 'v2';
const TAG_BYTES = 16;

/** Where a sealed value lives; it is bound to the ciphertext so a value moved elsewhere fails to open. */
export interface SealContext {
  table: string;
  column: string;
  rowId: string;
}

/** Settings secrets live in one JSON row per section, so the field path stands in for the column. */
export function settingsSealContext(section: string, field: string): SealContext {
  return { table: 'settings', column: `${section}.${field}`, rowId: 'site' };
}

/**
 * AES-256-GCM for every secret Usher stores. The format is `v2:<iv>:<tag>:<data>` (base64url
 * parts) with the table, column and row as additional authenticated data, so a database writer who
 * copies one row's ciphertext into another (say an attacker's server row) cannot make Usher open it
 * there. `v1:` values (no binding) are still opened; start-up and `rotate-key` re-seal them as v2.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    this.key = key;
  }

  encrypt(plain: string, context: SealContext): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(sealed: string, context: SealContext): string {
    const [version, iv, tag, data, extra] = sealed.split(':');
    if ((version !== VERSION && version !== LEGACY) || !iv || !tag || data === undefined || extra !== undefined) throw new Error('not a sealed secret');
    const tagBytes = Buffer.from(tag, 'base64url');
    // GCM accepts truncated tags unless told otherwise, which would make forgeries far cheaper.
    if (tagBytes.length !== TAG_BYTES) throw new Error('not a sealed secret (the authentication tag is not 16 bytes)');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    if (version === VERSION) decipher.setAAD(aad(context));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A stable identifier derived from the key (e.g. the Plex client id of this install). */
  derive(label: string): string {
    return createHmac('sha256', this.key).update(label).digest('hex').slice(0, 32);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}:`) || value.startsWith(`${LEGACY}:`);
  }

  /** Sealed in an older format that start-up re-seals. */
  static isLegacy(value: string): boolean {
    return value.startsWith(`${LEGACY}:`);
  }
}

function aad({ table, column, rowId }: SealContext): Buffer {
  // NUL never occurs in identifiers, so no two contexts share an encoding.
  return Buffer.from(`usher\0${table}\0${column}\0${rowId}`, 'utf8');
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
