import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { CheckoutsTable } from '../../db/schema-plans.js';
import type { GatewayAccount } from './gateway-directory.js';

export type CheckoutMode = 'one_off' | 'recurring';
export type CheckoutStatus = 'open' | 'paid' | 'failed' | 'expired' | 'cancelled';

export interface CheckoutRecord {
  id: string;
  memberId: string;
  planId: string;
  gatewayAccount: GatewayAccount;
  mode: CheckoutMode;
  amountMinor: number;
  currency: string;
  serverId: string | null;
  discountCodeId: string | null;
  externalId: string | null;
  redirectUrl: string | null;
  status: CheckoutStatus;
  failureReason: string | null;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewCheckout = Omit<
  CheckoutRecord,
  'externalId' | 'redirectUrl' | 'status' | 'failureReason' | 'expiresAt' | 'createdAt' | 'updatedAt'
>;

type Db = Kysely<Database> | Transaction<Database>;

export class CheckoutsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(checkout: NewCheckout, now: string): Promise<CheckoutRecord> {
    const row: CheckoutsTable = {
      id: checkout.id,
      member_id: checkout.memberId,
      plan_id: checkout.planId,
      gateway_account: checkout.gatewayAccount,
      mode: checkout.mode,
      amount_minor: checkout.amountMinor,
      currency: checkout.currency,
      server_id: checkout.serverId,
      discount_code_id: checkout.discountCodeId,
      external_id: null,
      redirect_url: null,
      status: 'open',
      failure_reason: null,
      expires_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('checkouts').values(row).execute();
    return toRecord(row);
  }

  /** Once the gateway made its session: where to send the payer, and the id its events carry. */
  async attachSession(
    id: string,
    session: { externalId: string; redirectUrl: string; expiresAt: string | null },
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('checkouts')
      .set({ external_id: session.externalId, redirect_url: session.redirectUrl, expires_at: session.expiresAt, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async byId(id: string, db: Db = this.db): Promise<CheckoutRecord | null> {
    const row = await db.selectFrom('checkouts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async byExternalId(account: GatewayAccount, externalId: string, db: Db = this.db): Promise<CheckoutRecord | null> {
    const row = await db
      .selectFrom('checkouts')
      .selectAll()
      .where('gateway_account', '=', account)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /**
   * Moves an open checkout to a final status; a checkout already final stays as it is (a late
   * "expired" must not undo "paid"). Returns whether this call changed it.
   */
  async settle(
    id: string,
    status: Exclude<CheckoutStatus, 'open'>,
    failureReason: string | null,
    now: string,
    db: Db = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable('checkouts')
      .set({ status, failure_reason: failureReason, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listForMember(memberId: string, limit = 20): Promise<CheckoutRecord[]> {
    const rows = await this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('member_id', '=', memberId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }
}

function toRecord(row: CheckoutsTable): CheckoutRecord {
  return {
    id: row.id,
    memberId: row.member_id,
    planId: row.plan_id,
    gatewayAccount: row.gateway_account as GatewayAccount,
    mode: row.mode as CheckoutMode,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    serverId: row.server_id,
    discountCodeId: row.discount_code_id,
    externalId: row.external_id,
    redirectUrl: row.redirect_url,
    status: row.status as CheckoutStatus,
    failureReason: row.failure_reason,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
