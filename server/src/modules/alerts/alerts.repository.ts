import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface Alert {
  id: string;
  at: string;
  kind: string;
  severity: 'info' | 'warning' | 'error';
  title: string;
  message: string;
  readAt: string | null;
}

export class AlertsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(alert: Alert & { dedupeKey: string | null }): Promise<void> {
    await this.db
      .insertInto('alerts')
      .values({
        id: alert.id,
        at: alert.at,
        kind: alert.kind,
        severity: alert.severity,
        title: alert.title,
        message: alert.message,
        dedupe_key: alert.dedupeKey,
        read_at: null,
      })
      .execute();
  }

  async hasUnread(dedupeKey: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('alerts')
      .select('id')
      .where('dedupe_key', '=', dedupeKey)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return !!row;
  }

  async list(filter: { unreadOnly: boolean; offset: number; limit: number }): Promise<{ items: Alert[]; total: number }> {
    let base = this.db.selectFrom('alerts');
    if (filter.unreadOnly) base = base.where('read_at', 'is', null);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('at', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        kind: r.kind,
        severity: r.severity as Alert['severity'],
        title: r.title,
        message: r.message,
        readAt: r.read_at,
      })),
    };
  }

  async unreadCount(): Promise<number> {
    const row = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async markRead(ids: string[] | 'all', now: string): Promise<number> {
    let q = this.db.updateTable('alerts').set({ read_at: now }).where('read_at', 'is', null);
    if (ids !== 'all') {
      if (ids.length === 0) return 0;
      q = q.where('id', 'in', ids);
    }
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
