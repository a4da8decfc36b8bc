import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { generateSecretKey, loadOrCreateKeyFile, parseSecretKey, SecretBox } from '../../src/platform/secrets.js';

describe('SecretBox', () => {
  const box = new SecretBox(parseSecretKey(generateSecretKey()));

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.encrypt('smtp-password');
    const b = box.encrypt('smtp-password');
    expect(a).not.toBe(b);
    expect(a).not.toContain('smtp-password');
    expect(box.decrypt(a)).toBe('smtp-password');
    expect(SecretBox.isSealed(a)).toBe(true);
  });

  it('detects tampering and the wrong key', () => {
    const sealed = box.encrypt('token');
    const parts = sealed.split(':');
    const flipped = [...parts.slice(0, 3), Buffer.from('other').toString('base64url')].join(':');
    expect(() => box.decrypt(flipped)).toThrow();
    expect(() => new SecretBox(parseSecretKey(generateSecretKey())).decrypt(sealed)).toThrow();
    expect(() => box.decrypt('plain text')).toThrow('not a sealed secret');
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
