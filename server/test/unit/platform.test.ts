import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { generateSecretKey, loadOrCreateKeyFile, parseSecretKey, SecretBox, settingsSealContext } from '../../src/platform/secrets.js';
import { legacySeal } from '../support/legacy-seal.js';

describe('SecretBox', () => {
  const key = parseSecretKey(generateSecretKey());
  const box = new SecretBox(key);
  const here = { table: 'servers', column: 'api_key', rowId: 'server-1' };

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.encrypt('smtp-password', here);
    const b = box.encrypt('smtp-password', here);
    expect(a).not.toBe(b);
    expect(a).not.toContain('smtp-password');
    expect(a.startsWith('v2:')).toBe(true);
    expect(box.decrypt(a, here)).toBe('smtp-password');
    expect(SecretBox.isSealed(a)).toBe(true);
    expect(SecretBox.isLegacy(a)).toBe(false);
  });

  it('detects tampering and the wrong key', () => {
    const sealed = box.encrypt('token', here);
    const parts = sealed.split(':');
    const flipped = [...parts.slice(0, 3), Buffer.from('other').toString('base64url')].join(':');
    expect(() => box.decrypt(flipped, here)).toThrow();
    expect(() => new SecretBox(parseSecretKey(generateSecretKey())).decrypt(sealed, here)).toThrow();
    expect(() => box.decrypt('plain text', here)).toThrow('not a sealed secret');
  });

  it('refuses a ciphertext moved to another row, column or table', () => {
    const sealed = box.encrypt('api-key', here);
    expect(() => box.decrypt(sealed, { ...here, rowId: 'server-2' })).toThrow();
    expect(() => box.decrypt(sealed, { ...here, column: 'token' })).toThrow();
    expect(() => box.decrypt(sealed, { ...here, table: 'plex_accounts' })).toThrow();
    const setting = box.encrypt('smtp', settingsSealContext('email', 'password'));
    expect(() => box.decrypt(setting, settingsSealContext('discord', 'botToken'))).toThrow();
    expect(box.decrypt(setting, settingsSealContext('email', 'password'))).toBe('smtp');
  });

  it('refuses a truncated authentication tag', () => {
    const [version, iv, tag, data] = box.encrypt('token', here).split(':');
    const short = [version, iv, Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url'), data].join(':');
    expect(() => box.decrypt(short, here)).toThrow('16 bytes');
    const legacy = legacySeal(key, 'token').split(':');
    const shortLegacy = [legacy[0], legacy[1], Buffer.from(legacy[2]!, 'base64url').subarray(0, 12).toString('base64url'), legacy[3]].join(':');
    expect(() => box.decrypt(shortLegacy, here)).toThrow('16 bytes');
  });

  it('still opens values sealed in the unbound v1 format', () => {
    const legacy = legacySeal(key, 'old-secret');
    expect(SecretBox.isSealed(legacy)).toBe(true);
    expect(SecretBox.isLegacy(legacy)).toBe(true);
    expect(box.decrypt(legacy, here)).toBe('old-secret');
  });

  it('accepts hex and base64 keys and refuses short ones', () => {
    expect(parseSecretKey('a'.repeat(64))).toHaveLength(32);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(() => parseSecretKey('too-short')).toThrow();
  });

  it('generates the key file once, readable only by its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usher-key-'));
    const path = join(dir, 'nested', 'secret.key');
    const first = loadOrCreateKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(path).equals(first)).toBe(true);
  });
});

describe('loadEnv', () => {
  it('uses defaults on an empty environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(8080);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.dataDir).toMatch(/data$/);
    expect(env.TRUST_PROXY).toBe(false);
    expect(env.USHER_MEMORY_PROFILE).toBe('small');
  });

  it('accepts only the two memory profiles', () => {
    expect(loadEnv({ USHER_MEMORY_PROFILE: 'fast' }).USHER_MEMORY_PROFILE).toBe('fast');
    expect(() => loadEnv({ USHER_MEMORY_PROFILE: 'tiny' })).toThrow(/USHER_MEMORY_PROFILE/);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', USHER_ADMIN_EMAIL: 'not-an-email' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'USHER_ADMIN_EMAIL']) expect(problems).toContain(name);
  });

  it('requires the headless admin variables together', () => {
    expect(() => loadEnv({ USHER_ADMIN_EMAIL: 'a@example.com' })).toThrow(/set together/);
  });

  it('reads X from the file named by X_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usher-env-'));
    writeFileSync(join(dir, 'pw'), 'From-File-Pass-1!\n');
    const env = loadEnv({ USHER_ADMIN_EMAIL: 'a@example.com', USHER_ADMIN_PASSWORD_FILE: join(dir, 'pw') });
    expect(env.USHER_ADMIN_PASSWORD).toBe('From-File-Pass-1!');
    expect(() => loadEnv({ PORT_FILE: join(dir, 'missing') })).toThrow(/PORT_FILE/);
  });

  it('parses TRUST_PROXY as boolean, hop count or address list', () => {
    expect(loadEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: '10.0.0.1,10.0.0.2' }).TRUST_PROXY).toBe('10.0.0.1,10.0.0.2');
  });
});
