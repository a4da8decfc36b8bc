import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';

type ColumnsOf<T extends keyof Database> = Exclude<keyof Database[T] & string, 'id'>;

/** A table whose rows have an `id` and one or more columns holding SecretBox ciphertext. */
export type SealedColumns = {
  [T in keyof Database]: Database[T] extends { id: string } ? { table: T; columns: readonly ColumnsOf<T>[] } : never;
}[keyof Database];

/**
 * Every sealed column outside the settings table (settings secrets live inside its JSON values and
 * are re-sealed by SettingsService). A feature that adds a sealed column lists it here, or
 * `rotate-key` would leave it sealed with the old key.
 */
export const SEALED_COLUMNS = [
  { table: 'logins', columns: ['totp_secret'] },
  { table: 'plex_accounts', columns: ['token', 'password', 'proxy_password'] },
  { table: 'servers', columns: ['api_key'] },
] as const satisfies readonly SealedColumns[];

export interface SealedRow {
  id: string;
  values: Record<string, string>;
}

/** The repositories a key rotation writes through, all bound to one transaction. */
export interface RotationUnit {
  sealed: KeyRotationRepository;
  settings: SettingsRepository;
  audit: AuditRepository;
}

// The table and column names come from SEALED_COLUMNS, which the type above checks against the
// schema; past that point they are plain strings.
type LooseDatabase = Record<string, Record<string, string | null>>;

export class KeyRotationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Runs `work` in one transaction: either every secret is re-sealed or none is. */
  inTransaction<T>(work: (unit: RotationUnit) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) =>
      work({ sealed: new KeyRotationRepository(trx), settings: new SettingsRepository(trx), audit: new AuditRepository(trx) }),
    );
  }

  /** Rows with at least one of the columns set, with only the set values. */
  async listSealed(table: string, columns: readonly string[]): Promise<SealedRow[]> {
    const db = this.db as unknown as Kysely<LooseDatabase>;
    const rows = await db
      .selectFrom(table)
      .select(['id', ...columns])
      .execute();
    return rows.flatMap((row) => {
      const values: Record<string, string> = {};
      for (const column of columns) {
        const value = row[column];
        if (typeof value === 'string' && value !== '') values[column] = value;
      }
      return Object.keys(values).length > 0 ? [{ id: String(row.id), values }] : [];
    });
  }

  /** Leaves updated_at alone: re-sealing changes no data, only how it is stored. */
  async writeSealed(table: string, id: string, values: Record<string, string>): Promise<void> {
    const db = this.db as unknown as Kysely<LooseDatabase>;
    await db.updateTable(table).set(values).where('id', '=', id).execute();
  }
}
