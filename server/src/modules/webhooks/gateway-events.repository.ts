import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { GatewayEventsTable } from '../../db/schema-plans.js';

type Db = Kysely<Database> | Transaction<Database>;

export type GatewayEventStatus = 'applied' | 'ignored' | 'unmatched' | 'failed';
export const GATEWAY_EVENT_STATUSES: readonly GatewayEventStatus[] = ['applied', 'ignored', 'unmatched', 'failed'];

export interface GatewayEventRecord {
  id: string;
  gateway: string;
  account: string;
  eventId: string;
  gatewayType: string;
  type: string;
  status: GatewayEventStatus;
  memberId: string | null;
  paymentId: string | null;
  subscriptionId: string | null;
  payload: string;
  event: string;
  error: string | null;
  receivedAt: string;
  appliedAt: string | null;
}

export interface EventOutcome {
  status: GatewayEventStatus;
  memberId: string | null;
  paymentId: string | null;
  error: string | null;
  appliedAt: string | null;
}

/** The event log, plus the few member reads the pipeline makes inside its one transaction. */
export class GatewayEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the row unless (gateway, event_id) exists. On PostgreSQL a concurrent insert of the same
   * key waits for the first transaction and then inserts nothing, which is what makes ten parallel
   * deliveries apply once.
   */
  async insertIfNew(record: GatewayEventRecord, db: Db): Promise<boolean> {
    const result = await db
      .insertInto('gateway_events')
      .values(toRow(record))
      .onConflict((oc) => oc.columns(['gateway', 'event_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async byEventId(gateway: string, eventId: string, db: Db = this.db): Promise<GatewayEventRecord | null> {
    const row = await db
      .selectFrom('gateway_events')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async byId(id: string, db: Db = this.db): Promise<GatewayEventRecord | null> {
    const row = await db.selectFrom('gateway_events').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async setOutcome(id: string, outcome: EventOutcome, db: Db): Promise<void> {
    await db
      .updateTable('gateway_events')
      .set({
        status: outcome.status,
        member_id: outcome.memberId,
        payment_id: outcome.paymentId,
        error: outcome.error,
        applied_at: outcome.appliedAt,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Renewals that arrived before the checkout that links their subscription to a member. */
  async unmatchedForSubscription(gateway: string, subscriptionId: string, db: Db): Promise<GatewayEventRecord[]> {
    const rows = await db
      .selectFrom('gateway_events')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'unmatched')
      .orderBy('received_at')
      .execute();
    return rows.map(toRecord);
  }

  async list(filter: { gateway?: string | undefined; status?: GatewayEventStatus | undefined; offset: number; limit: number }) {
    let query = this.db.selectFrom('gateway_events');
    if (filter.gateway) query = query.where('gateway', '=', filter.gateway);
    if (filter.status) query = query.where('status', '=', filter.status);
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').offset(filter.offset).limit(filter.limit).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(total.n) };
  }

  /** The member's email and the login that owns them, read inside the pipeline's transaction. */
  async member(
    memberId: string,
    db: Db = this.db,
  ): Promise<{ id: string; email: string | null; loginId: string | null; deleted: boolean } | null> {
    const row = await db
      .selectFrom('members')
      .select(['id', 'email', 'login_id', 'deleted_at'])
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row ? { id: row.id, email: row.email, loginId: row.login_id, deleted: row.deleted_at !== null } : null;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}

function toRow(r: GatewayEventRecord): GatewayEventsTable {
  return {
    id: r.id,
    gateway: r.gateway,
    account: r.account,
    event_id: r.eventId,
    gateway_type: r.gatewayType,
    type: r.type,
    status: r.status,
    member_id: r.memberId,
    payment_id: r.paymentId,
    subscription_id: r.subscriptionId,
    payload: r.payload,
    event: r.event,
    error: r.error,
    received_at: r.receivedAt,
    applied_at: r.appliedAt,
  };
}

function toRecord(r: GatewayEventsTable): GatewayEventRecord {
  return {
    id: r.id,
    gateway: r.gateway,
    account: r.account,
    eventId: r.event_id,
    gatewayType: r.gateway_type,
    type: r.type,
    status: (GATEWAY_EVENT_STATUSES.includes(r.status as GatewayEventStatus) ? r.status : 'failed') as GatewayEventStatus,
    memberId: r.member_id,
    paymentId: r.payment_id,
    subscriptionId: r.subscription_id,
    payload: r.payload,
    event: r.event,
    error: r.error,
    receivedAt: r.received_at,
    appliedAt: r.applied_at,
  };
}
