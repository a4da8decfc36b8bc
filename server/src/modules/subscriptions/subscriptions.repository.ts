import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { GatewaySubscriptionStatus } from '../../domain/member-status.js';

export interface SubscriptionRecord {
  id: string;
  memberId: string;
  gateway: string;
  externalId: string;
  status: GatewaySubscriptionStatus;
  currentPeriodEnd: string | null;
  createdAt: string;
  updatedAt: string;
}

const STATUSES: readonly GatewaySubscriptionStatus[] = ['active', 'past_due', 'cancelled', 'expired'];
const status = (value: string): GatewaySubscriptionStatus =>
  STATUSES.includes(value as GatewaySubscriptionStatus) ? (value as GatewaySubscriptionStatus) : 'expired';

export class SubscriptionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** One row per (gateway, external id): a later report of the same subscription overwrites it. */
  async upsert(
    row: Omit<SubscriptionRecord, 'createdAt' | 'updatedAt'>,
    now: string,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<void> {
    await db
      .insertInto('subscriptions')
      .values({
        id: row.id,
        member_id: row.memberId,
        gateway: row.gateway,
        external_id: row.externalId,
        status: row.status,
        current_period_end: row.currentPeriodEnd,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['gateway', 'external_id'])
          .doUpdateSet({ member_id: row.memberId, status: row.status, current_period_end: row.currentPeriodEnd, updated_at: now }),
      )
      .execute();
  }

  async find(
    gateway: string,
    externalId: string,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<SubscriptionRecord | null> {
    const r = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return r ? toRecord(r) : null;
  }

  async forMembers(memberIds: readonly string[]): Promise<SubscriptionRecord[]> {
    const out: SubscriptionRecord[] = [];
    for (let i = 0; i < memberIds.length; i += 500) {
      const chunk = memberIds.slice(i, i + 500);
      if (chunk.length === 0) continue;
      const rows = await this.db.selectFrom('subscriptions').selectAll().where('member_id', 'in', chunk).orderBy('created_at').execute();
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  /**
   * The statuses of each member's subscriptions (members without any are absent); without ids,
   * every member's in one query (a full access pass).
   */
  async statusesFor(memberIds?: readonly string[]): Promise<Map<string, GatewaySubscriptionStatus[]>> {
    const out = new Map<string, GatewaySubscriptionStatus[]>();
    const query = this.db.selectFrom('subscriptions').select(['member_id', 'status']).orderBy('created_at');
    const add = (rows: { member_id: string; status: string }[]) => {
      for (const r of rows) {
        const list = out.get(r.member_id);
        if (list) list.push(status(r.status));
        else out.set(r.member_id, [status(r.status)]);
      }
    };
    if (!memberIds) add(await query.execute());
    else for (let i = 0; i < memberIds.length; i += 500) add(await query.where('member_id', 'in', memberIds.slice(i, i + 500)).execute());
    return out;
  }
}

function toRecord(r: {
  id: string;
  member_id: string;
  gateway: string;
  external_id: string;
  status: string;
  current_period_end: string | null;
  created_at: string;
  updated_at: string;
}): SubscriptionRecord {
  return {
    id: r.id,
    memberId: r.member_id,
    gateway: r.gateway,
    externalId: r.external_id,
    status: status(r.status),
    currentPeriodEnd: r.current_period_end,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
