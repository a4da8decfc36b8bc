import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PaymentsTable } from '../../db/schema-plans.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PaymentRecord {
  id: string;
  memberId: string;
  planId: string;
  planName: string;
  amountMinor: number;
  currency: string;
  from: string;
  to: string;
  gateway: string;
  transactionId: string | null;
  sequenceNumber: number;
  subscriptionId: string | null;
  payerEmail: string | null;
  notes: string | null;
  createdAt: string;
  createdBy: string | null;
}

/** Just what deciding access needs from a payment: which plan, for which period. */
export interface PaymentPeriodRow {
  id: string;
  memberId: string;
  planId: string;
  from: string;
  to: string;
}

/** What is written for a payment: the record less what the database and the plan supply. */
export type PaymentRow = Omit<PaymentRecord, 'id' | 'planName' | 'createdAt' | 'createdBy'>;

function toRecord(r: Selectable<PaymentsTable> & { plan_name: string }): PaymentRecord {
  return {
    id: r.id,
    memberId: r.member_id,
    planId: r.plan_id,
    planName: r.plan_name,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    from: r.period_from,
    to: r.period_to,
    gateway: r.gateway,
    transactionId: r.transaction_id,
    sequenceNumber: Number(r.sequence_number),
    subscriptionId: r.subscription_id,
    payerEmail: r.payer_email,
    notes: r.notes,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function columns(p: PaymentRow) {
  return {
    member_id: p.memberId,
    plan_id: p.planId,
    amount_minor: p.amountMinor,
    currency: p.currency,
    period_from: p.from,
    period_to: p.to,
    gateway: p.gateway,
    transaction_id: p.transactionId,
    sequence_number: p.sequenceNumber,
    subscription_id: p.subscriptionId,
    payer_email: p.payerEmail,
    notes: p.notes,
  };
}

export class PaymentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private base(db: Db) {
    return db
      .selectFrom('payments')
      .innerJoin('plans', 'plans.id', 'payments.plan_id')
      .selectAll('payments')
      .select('plans.name as plan_name');
  }

  async forMember(memberId: string, db: Db = this.db): Promise<PaymentRecord[]> {
    const rows = await this.base(db)
      .where('payments.member_id', '=', memberId)
      .orderBy('payments.period_from', 'desc')
      .orderBy('payments.id')
      .execute();
    return rows.map(toRecord);
  }

  /** Every payment of these members, for deriving a page of statuses in one query. */
  async forMembers(memberIds: string[], db: Db = this.db): Promise<PaymentRecord[]> {
    const out: PaymentRecord[] = [];
    for (let i = 0; i < memberIds.length; i += 500) {
      const rows = await this.base(db)
        .where('payments.member_id', 'in', memberIds.slice(i, i + 500))
        .execute();
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  /**
   * The periods of these members' payments, or of every payment (a full access pass): one lean scan
   * instead of whole records, since a pass reads them for every member.
   */
  async paymentPeriods(memberIds?: readonly string[]): Promise<PaymentPeriodRow[]> {
    const query = this.db.selectFrom('payments').select(['id', 'member_id', 'plan_id', 'period_from', 'period_to']);
    const toRow = (r: { id: string; member_id: string; plan_id: string; period_from: string; period_to: string }): PaymentPeriodRow => ({
      id: r.id,
      memberId: r.member_id,
      planId: r.plan_id,
      from: r.period_from,
      to: r.period_to,
    });
    if (!memberIds) return (await query.execute()).map(toRow);
    const out: PaymentPeriodRow[] = [];
    for (let i = 0; i < memberIds.length; i += 500) {
      const rows = await query.where('member_id', 'in', memberIds.slice(i, i + 500)).execute();
      for (const r of rows) out.push(toRow(r));
    }
    return out;
  }

  async find(id: string, db: Db = this.db): Promise<PaymentRecord | undefined> {
    const row = await this.base(db).where('payments.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByTransaction(gateway: string, transactionId: string, sequenceNumber: number, db: Db = this.db): Promise<string | undefined> {
    const row = await db
      .selectFrom('payments')
      .select('id')
      .where('gateway', '=', gateway)
      .where('transaction_id', '=', transactionId)
      .where('sequence_number', '=', sequenceNumber)
      .executeTakeFirst();
    return row?.id;
  }

  /** A gateway payment by its transaction id alone (migration 0021 makes it unique per gateway). */
  async findByGatewayTransaction(gateway: string, transactionId: string, db: Db = this.db): Promise<PaymentRecord | undefined> {
    const row = await this.base(db)
      .where('payments.gateway', '=', gateway)
      .where('payments.transaction_id', '=', transactionId)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async insert(rows: { id: string; row: PaymentRow }[], now: string, createdBy: string | null, db: Db = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += 100) {
      await db
        .insertInto('payments')
        .values(rows.slice(i, i + 100).map((r) => ({ id: r.id, ...columns(r.row), created_at: now, created_by: createdBy })))
        .execute();
    }
  }

  async update(id: string, row: PaymentRow, db: Db = this.db): Promise<void> {
    await db.updateTable('payments').set(columns(row)).where('id', '=', id).execute();
  }

  async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('payments').where('id', '=', id).execute();
  }
}
