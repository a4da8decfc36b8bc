import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { OperationsTable } from '../../db/schema-operations.js';
import type { Operation, OperationKind, OperationPayload } from '../../domain/reconcile.js';
import { newId } from '../../platform/ids.js';

export const OPERATION_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  memberId: string;
  serverId: string;
  remoteId: string | null;
  payload: OperationPayload;
  idempotencyKey: string;
  status: OperationStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
  createdAt: string;
  appliedAt: string | null;
  updatedAt: string;
}

export interface OperationListItem extends OperationRecord {
  serverName: string | null;
  /** The member's display name, email or username; null once the member is gone. */
  memberLabel: string | null;
}

export interface OperationFilter {
  status?: OperationStatus[];
  serverId?: string;
  memberId?: string;
  offset: number;
  limit: number;
}

export interface OperationCounts {
  pending: number;
  running: number;
  failed: number;
}

export const SUPERSEDED = 'Superseded by a newer change for the same member and server.';

function remoteIdOf(payload: OperationPayload): string | null {
  return payload.kind === 'provision' ? null : payload.account.remoteId;
}

function toRecord(row: Selectable<OperationsTable>): OperationRecord {
  return {
    id: row.id,
    kind: row.kind as OperationKind,
    memberId: row.member_id,
    serverId: row.server_id,
    remoteId: row.remote_id,
    payload: JSON.parse(row.payload) as OperationPayload,
    idempotencyKey: row.idempotency_key,
    status: row.status as OperationStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    claimedUntil: row.claimed_until,
    createdAt: row.created_at,
    appliedAt: row.applied_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The operations queue. Claims are compare-and-set updates guarded by the row's own state, so on
 * PostgreSQL (READ COMMITTED re-checks the WHERE after a concurrent update) and on SQLite (one
 * writer) exactly one instance wins a row; a claim is a lease that lapses if its instance dies.
 */
export class OperationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts each operation once per idempotency key (a repeat is ignored, whoever computed it). With
   * `supersede`, pending operations of the same member and server that this batch does not repeat are
   * cancelled: the batch is the newest picture of that pair, and an older grant must not run after it.
   */
  async enqueue(operations: readonly Operation[], now: string, options: { supersede?: boolean } = {}): Promise<{ inserted: OperationRecord[]; superseded: number }> {
    const inserted: OperationRecord[] = [];
    let superseded = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const op of operations) {
        const row: Selectable<OperationsTable> = {
          id: newId(),
          kind: op.kind,
          member_id: op.memberId,
          server_id: op.serverId,
          remote_id: remoteIdOf(op.payload),
          payload: JSON.stringify(op.payload),
          idempotency_key: op.idempotencyKey,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          claimed_by: null,
          claimed_until: null,
          created_at: now,
          applied_at: null,
          updated_at: now,
        };
        const res = await trx.insertInto('operations').values(row).onConflict((oc) => oc.column('idempotency_key').doNothing()).executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 1) inserted.push(toRecord(row));
      }
      if (options.supersede === false) return;
      const keysByPair = new Map<string, { memberId: string; serverId: string; keys: string[] }>();
      for (const op of operations) {
        const pair = `${op.memberId}\u0000${op.serverId}`;
        const entry = keysByPair.get(pair) ?? { memberId: op.memberId, serverId: op.serverId, keys: [] };
        entry.keys.push(op.idempotencyKey);
        keysByPair.set(pair, entry);
      }
      for (const { memberId, serverId, keys } of keysByPair.values()) {
        const res = await trx
          .updateTable('operations')
          .set({ status: 'cancelled', last_error: SUPERSEDED, updated_at: now })
          .where('member_id', '=', memberId)
          .where('server_id', '=', serverId)
          .where('status', '=', 'pending')
          .where('idempotency_key', 'not in', keys)
          .executeTakeFirst();
        superseded += Number(res.numUpdatedRows);
      }
    });
    return { inserted, superseded };
  }

  /**
   * Operations that may be claimed now, oldest first: pending and due, or running under a lease that
   * lapsed. A disabled server's operations are never offered; they wait until it is enabled. One
   * member's operations on one server run in the order they were queued, so a newer one waits while
   * an older one is still pending (backing off) or running, on whichever instance.
   */
  async dueIds(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('operations')
      .innerJoin('servers', 'servers.id', 'operations.server_id')
      .select('operations.id')
      .where('servers.enabled', '=', true)
      .where((eb) =>
        eb.or([
          eb.and([eb('operations.status', '=', 'pending'), eb('operations.next_attempt_at', '<=', now)]),
          eb.and([eb('operations.status', '=', 'running'), eb('operations.claimed_until', '<', now)]),
        ]),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('operations as earlier')
              .select('earlier.id')
              .whereRef('earlier.member_id', '=', 'operations.member_id')
              .whereRef('earlier.server_id', '=', 'operations.server_id')
              .whereRef('earlier.created_at', '<', 'operations.created_at')
              .where('earlier.status', 'in', ['pending', 'running']),
          ),
        ),
      )
      .orderBy('operations.created_at')
      .orderBy('operations.id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Takes one operation for this instance until `leaseUntil`; null when another instance won it. */
  async claim(id: string, instanceId: string, now: string, leaseUntil: string): Promise<OperationRecord | null> {
    const res = await this.db
      .updateTable('operations')
      .set((eb) => ({ status: 'running', claimed_by: instanceId, claimed_until: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('claimed_until', '<', now)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return null;
    const row = await this.db.selectFrom('operations').selectAll().where('id', '=', id).where('claimed_by', '=', instanceId).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Records success; false when this instance no longer holds the claim (its lease lapsed and another took it). */
  async complete(id: string, instanceId: string, now: string, remoteId?: string): Promise<boolean> {
    return this.finishClaim(id, instanceId, {
      status: 'done',
      applied_at: now,
      last_error: null,
      updated_at: now,
      ...(remoteId ? { remote_id: remoteId } : {}),
    });
  }

  /** A retryable failure: back to pending, due again at `nextAttemptAt`. */
  async retryLater(id: string, instanceId: string, error: string, nextAttemptAt: string, now: string): Promise<boolean> {
    return this.finishClaim(id, instanceId, { status: 'pending', last_error: error, next_attempt_at: nextAttemptAt, updated_at: now });
  }

  /** A failure that retrying will not fix: stays failed until the admin retries or cancels it. */
  async fail(id: string, instanceId: string, error: string, now: string): Promise<boolean> {
    return this.finishClaim(id, instanceId, { status: 'failed', last_error: error, updated_at: now });
  }

  /** Hands a claimed operation back untouched (its server was disabled meanwhile). */
  async release(id: string, instanceId: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('operations')
      .set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1), claimed_by: null, claimed_until: null, updated_at: now }))
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('claimed_by', '=', instanceId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  private async finishClaim(id: string, instanceId: string, set: Partial<Selectable<OperationsTable>>): Promise<boolean> {
    const res = await this.db
      .updateTable('operations')
      .set({ ...set, claimed_by: null, claimed_until: null })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('claimed_by', '=', instanceId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Cancels a pending or failed operation; false when it is in another state by now. */
  async cancel(id: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('operations')
      .set({ status: 'cancelled', updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'failed'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Makes a pending, failed or cancelled operation due now, with a fresh failure count. */
  async retryNow(id: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('operations')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'failed', 'cancelled'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async find(id: string): Promise<OperationRecord | undefined> {
    const row = await this.db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Newest first, with the server's name and the member's best label for the admin page. */
  async list(filter: OperationFilter): Promise<{ items: OperationListItem[]; total: number }> {
    let query = this.db.selectFrom('operations');
    if (filter.status && filter.status.length > 0) query = query.where('operations.status', 'in', filter.status);
    if (filter.serverId) query = query.where('operations.server_id', '=', filter.serverId);
    if (filter.memberId) query = query.where('operations.member_id', '=', filter.memberId);
    const [rows, count] = await Promise.all([
      query
        .leftJoin('servers', 'servers.id', 'operations.server_id')
        .leftJoin('members', 'members.id', 'operations.member_id')
        .selectAll('operations')
        .select(['servers.name as server_name', 'members.display_name', 'members.email', 'members.username'])
        .orderBy('operations.created_at', 'desc')
        .orderBy('operations.id', 'desc')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        ...toRecord(r),
        serverName: r.server_name ?? null,
        memberLabel: r.display_name ?? r.email ?? r.username ?? null,
      })),
      total: Number(count.n),
    };
  }

  async counts(): Promise<OperationCounts> {
    const rows = await this.db
      .selectFrom('operations')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('status', 'in', ['pending', 'running', 'failed'])
      .groupBy('status')
      .execute();
    const counts: OperationCounts = { pending: 0, running: 0, failed: 0 };
    for (const r of rows) counts[r.status as keyof OperationCounts] = Number(r.n);
    return counts;
  }
}
