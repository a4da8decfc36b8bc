import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async read(section: string): Promise<Record<string, unknown>> {
    const row = await this.db.selectFrom('settings').select('value').where('section', '=', section).executeTakeFirst();
    return row ? (JSON.parse(row.value) as Record<string, unknown>) : {};
  }

  async readAll(): Promise<Map<string, Record<string, unknown>>> {
    const rows = await this.db.selectFrom('settings').selectAll().execute();
    return new Map(rows.map((r) => [r.section, JSON.parse(r.value) as Record<string, unknown>]));
  }

  /** Sections saved at least once (even with every value at its default). */
  async savedSections(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('settings').select('section').execute();
    return new Set(rows.map((r) => r.section));
  }

  async write(section: string, diff: Record<string, unknown>, now: string): Promise<void> {
    const value = JSON.stringify(diff);
    await this.db
      .insertInto('settings')
      .values({ section, value, updated_at: now })
      .onConflict((oc) => oc.column('section').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}
