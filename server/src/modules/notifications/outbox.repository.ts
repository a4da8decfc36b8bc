import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, NotificationOutboxTable } from '../../db/schema.js';

export type OutboxRow = Selectable<NotificationOutboxTable>;

/** What stays of a message that carried a one-time link or code once it left (or was given up). */
export const REMOVED_BODY = 'Removed after sending: this message carried a one-time link or code.\n';

export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts once per idempotency key; a second enqueue of the same message is a no-op. */
  async enqueue(
    row: Omit<OutboxRow, 'attempts' | 'last_error' | 'sent_at' | 'status'>,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<boolean> {
    const res = await db
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
    await this.forgetSecrets(id);
  }

  /** A message with one-time values keeps only its masked subject once it is no longer pending. */
  private async forgetSecrets(id: string): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set((eb) => ({ subject: eb.ref('safe_subject'), body_text: REMOVED_BODY, body_html: null }))
      .where('id', '=', id)
      .where('safe_subject', 'is not', null)
      .execute();
  }

  /** Deletes sent messages sent before `before`, and failed ones created before it. */
  async pruneFinished(before: string): Promise<number> {
    const res = await this.db
      .deleteFrom('notification_outbox')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'sent'), eb('sent_at', '<', before)]),
          eb.and([eb('status', '=', 'failed'), eb('created_at', '<', before)]),
        ]),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
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
    await this.forgetSecrets(id);
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
