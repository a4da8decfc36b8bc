import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationOutboxTable } from '../../db/schema.js';

export type OutboxRow = Selectable<NotificationOutboxTable>;

export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts once per idempotency key; a second enqueue of the same message is a no-op. */
  async enqueue(row: Omit<OutboxRow, 'attempts' | 'last_error' | 'sent_at' | 'status'>): Promise<boolean> {
    const res = await this.db
      .insertInto('notification_outbox')
      .values({ ...row, status: 'pending', attempts: 0, last_error: null, sent_at: null })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async due(now: string, limit: number): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
  }

  /** Claims a row for delivery so two instances never send the same message. */
  async claim(id: string, attempts: number, leaseUntil: string): Promise<boolean> {
    const res = await this.db
      .updateTable('notification_outbox')
      .set({ attempts: attempts + 1, next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempts)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async markSent(id: string, now: string): Promise<void> {
    await this.db.updateTable('notification_outbox').set({ status: 'sent', sent_at: now, last_error: null }).where('id', '=', id).execute();
  }

  async markRetry(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set({ last_error: error, next_attempt_at: nextAttemptAt })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.updateTable('notification_outbox').set({ status: 'failed', last_error: error }).where('id', '=', id).execute();
  }

  async list(offset: number, limit: number): Promise<{ items: OutboxRow[]; total: number }> {
    const total = await this.db
      .selectFrom('notification_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const items = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items, total: Number(total.n) };
  }
}
