import type { Clock } from '../../platform/clock.js';
import { SecretBox } from '../../platform/secrets.js';
import { AuditService, type Actor } from '../audit/audit.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { SEALED_COLUMNS, type KeyRotationRepository, type RotationUnit } from './key-rotation.repository.js';

export interface ResealCounts {
  settingsSecrets: number;
  /** Re-sealed values per `table.column`, for every sealed column outside the settings. */
  columns: Record<string, number>;
}

/** A stored secret the current key cannot open: rotating would lose it, so nothing is changed. */
export class UndecryptableSecretError extends Error {
  constructor(what: string) {
    super(`${what} cannot be decrypted with the current key, so the key was not rotated and nothing changed.`);
    this.name = 'UndecryptableSecretError';
  }
}

/** Re-seals every stored secret from one key to another (the database half of `usher rotate-key`). */
export class KeyRotationService {
  constructor(
    private readonly repo: KeyRotationRepository,
    private readonly clock: Clock,
  ) {}

  reseal(from: SecretBox, to: SecretBox, actor: Actor): Promise<ResealCounts> {
    return this.repo.inTransaction(async (unit) => {
      // Services built on the transaction's repositories, so their writes commit or roll back with it.
      const audit = new AuditService(unit.audit, this.clock);
      const counts = await this.resealIn(unit, audit, from, to, false);
      await audit.record(actor, 'system.secret_key_rotated', undefined, { ...counts });
      return counts;
    });
  }

  /**
   * Start-up step after the migrations (which do not hold the key): values still in an older sealed
   * format are re-sealed in the current one with the same key. Values the key cannot open are left
   * alone, so a start never fails or loses data over them. Idempotent; safe on several instances.
   */
  upgradeLegacy(box: SecretBox): Promise<ResealCounts> {
    return this.repo.inTransaction((unit) => this.resealIn(unit, new AuditService(unit.audit, this.clock), box, box, true));
  }

  private async resealIn(unit: RotationUnit, audit: AuditService, from: SecretBox, to: SecretBox, onlyLegacy: boolean): Promise<ResealCounts> {
    const settings = new SettingsService(unit.settings, from, this.clock, audit);
    let settingsSecrets: number;
    try {
      settingsSecrets = await settings.resealAll(from, to, onlyLegacy);
    } catch (error) {
      if (isDecryptFailure(error)) throw new UndecryptableSecretError('A secret in the settings');
      throw error;
    }
    const columns: Record<string, number> = {};
    for (const { table, columns: names } of SEALED_COLUMNS) {
      for (const name of names) columns[`${table}.${name}`] = 0;
      for (const row of await unit.sealed.listSealed(table, names)) {
        const resealed: Record<string, string> = {};
        for (const [column, sealed] of Object.entries(row.values)) {
          if (onlyLegacy && !SecretBox.isLegacy(sealed)) continue;
          const context = { table, column, rowId: row.id };
          let plain: string;
          try {
            plain = from.decrypt(sealed, context);
          } catch {
            if (onlyLegacy) continue;
            throw new UndecryptableSecretError(`The ${table}.${column} value of row ${row.id}`);
          }
          resealed[column] = to.encrypt(plain, context);
          columns[`${table}.${column}`]!++;
        }
        if (Object.keys(resealed).length > 0) await unit.sealed.writeSealed(table, row.id, resealed);
      }
    }
    return { settingsSecrets, columns };
  }
}

// AES-GCM reports a wrong key as an authentication failure; SecretBox reports a malformed value.
function isDecryptFailure(error: unknown): boolean {
  return error instanceof Error && /unable to authenticate|not a sealed secret|Invalid authentication tag/i.test(error.message);
}
