import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { BulkInvitesTable } from '../../db/schema-media.js';

export type BulkInviteStatus = 'pending' | 'running' | 'done' | 'failed';

/** One row's outcome, as the report shows it. */
export interface BulkInviteResult {
  row: number;
  email: string | null;
  username: string | null;
  result: 'invited' | 'skipped';
  code: string | null;
  message: string;
  memberId: string | null;
}

export interface BulkInviteRecord {
  id: string;
  status: BulkInviteStatus;
  csv: string;
  actor: string;
  rowsTotal: number;
  rowsDone: number;
  invited: number;
  failed: number;
  report: BulkInviteResult[];
  runId: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const STATUSES: readonly BulkInviteStatus[] = ['pending', 'running', 'done', 'failed'];

function toRecord(r: Selectable<BulkInvitesTable>): BulkInviteRecord {
  return {
    id: r.id,
    status: STATUSES.find((s) => s === r.status) ?? 'failed',
    csv: r.csv,
    actor: r.actor,
    rowsTotal: Number(r.rows_total),
    rowsDone: Number(r.rows_done),
    invited: Number(r.invited),
    failed: Number(r.failed),
    report: JSON.parse(r.report) as BulkInviteResult[],
    runId: r.run_id,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Bulk invites waiting for or applied by the job (the members they create go through InviteService). */
export class BulkInviteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: { id: string; csv: string; actor: string; rowsTotal: number; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('bulk_invites')
      .values({
        id: row.id,
        status: 'pending',
        csv: row.csv,
        actor: row.actor,
        rows_total: row.rowsTotal,
        report: '[]',
        run_id: null,
        claimed_by: null,
        heartbeat_at: null,
        error: null,
        created_at: row.createdAt,
        started_at: null,
        finished_at: null,
      })
      .execute();
  }

  async find(id: string): Promise<BulkInviteRecord | undefined> {
    const row = await this.db.selectFrom('bulk_invites').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Takes the oldest waiting invite, or one whose instance stopped moving its heartbeat. The
   * conditional update makes the claim exclusive across instances.
   */
  async claimNext(instanceId: string, runId: string, now: string, staleBefore: string): Promise<BulkInviteRecord | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const candidate = await this.db
        .selectFrom('bulk_invites')
        .select(['id', 'status', 'heartbeat_at'])
        .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]))
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      const res = await this.db
        .updateTable('bulk_invites')
        .set((eb) => ({
          status: 'running',
          claimed_by: instanceId,
          run_id: runId,
          heartbeat_at: now,
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
        }))
        .where('id', '=', candidate.id)
        .where('status', '=', candidate.status)
        .where((eb) => (candidate.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', candidate.heartbeat_at)))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return this.find(candidate.id);
    }
    return undefined;
  }

  async saveProgress(id: string, instanceId: string, report: BulkInviteResult[], now: string): Promise<void> {
    await this.db
      .updateTable('bulk_invites')
      .set({
        rows_done: report.length,
        invited: report.filter((r) => r.result === 'invited').length,
        failed: report.filter((r) => r.result === 'skipped').length,
        report: JSON.stringify(report),
        heartbeat_at: now,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', instanceId)
      .execute();
  }

  async finish(
    id: string,
    instanceId: string,
    outcome: { status: 'done' | 'failed' | 'pending'; at: string; error: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('bulk_invites')
      .set({
        status: outcome.status,
        error: outcome.error,
        ...(outcome.status === 'pending' ? { claimed_by: null, heartbeat_at: null } : { finished_at: outcome.at }),
      })
      .where('id', '=', id)
      .where('claimed_by', '=', instanceId)
      .execute();
  }
}
