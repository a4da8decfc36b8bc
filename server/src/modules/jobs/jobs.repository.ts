import type { Kysely, Selectable } from 'kysely';
import type { Database, JobRunsTable } from '../../db/schema.js';
import type { JobRunStatus, JobStore, JobTrigger } from '../../jobs/job-runner.js';

export interface JobRun {
  id: string;
  job: string;
  trigger: JobTrigger;
  status: JobRunStatus;
  tick: string | null;
  startedAt: string;
  finishedAt: string | null;
  progress: number | null;
  message: string | null;
  error: string | null;
  instanceId: string | null;
}

function toRun(row: Selectable<JobRunsTable>): JobRun {
  return {
    id: row.id,
    job: row.job,
    trigger: row.trigger === 'schedule' ? 'schedule' : 'manual',
    status: row.status === 'succeeded' || row.status === 'failed' ? row.status : 'running',
    tick: row.tick,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: row.progress === null ? null : Number(row.progress),
    message: row.message,
    error: row.error,
    instanceId: row.instance_id,
  };
}

/** Job run history and the per-tick claims that keep a scheduled run to one instance. */
export class JobsRepository implements JobStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claimTick(job: string, tick: string, instanceId: string, now: string): Promise<boolean> {
    const res = await this.db
      .insertInto('job_locks')
      .values({ job, tick, instance_id: instanceId, acquired_at: now })
      .onConflict((oc) => oc.columns(['job', 'tick']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async insertRun(run: { id: string; job: string; trigger: JobTrigger; tick: string | null; startedAt: string; instanceId: string }): Promise<void> {
    await this.db
      .insertInto('job_runs')
      .values({
        id: run.id,
        job: run.job,
        trigger: run.trigger,
        status: 'running',
        tick: run.tick,
        started_at: run.startedAt,
        finished_at: null,
        progress: null,
        message: null,
        error: null,
        instance_id: run.instanceId,
      })
      .execute();
  }

  async updateProgress(id: string, progress: number, message: string | undefined): Promise<void> {
    await this.db
      .updateTable('job_runs')
      .set({ progress, ...(message === undefined ? {} : { message }) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Only a running row changes, so a run already recorded as interrupted keeps that outcome. */
  async finishRun(
    id: string,
    result: { status: 'succeeded' | 'failed'; finishedAt: string; progress: number | null; message: string | null; error: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('job_runs')
      .set({ status: result.status, finished_at: result.finishedAt, progress: result.progress, message: result.message, error: result.error })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async recordIdleRun(id: string, job: string, at: string, message: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('job_runs').where('id', '=', id).execute();
      await trx
        .insertInto('job_idle_runs')
        .values({ job, count: 1, last_at: at, last_message: message })
        .onConflict((oc) => oc.column('job').doUpdateSet((eb) => ({ count: eb('job_idle_runs.count', '+', 1), last_at: at, last_message: message })))
        .execute();
    });
  }

  async idleRuns(): Promise<Map<string, { count: number; lastAt: string; lastMessage: string | null }>> {
    const rows = await this.db.selectFrom('job_idle_runs').selectAll().execute();
    return new Map(rows.map((r) => [r.job, { count: Number(r.count), lastAt: r.last_at, lastMessage: r.last_message }]));
  }

  async findRun(id: string): Promise<JobRun | undefined> {
    const row = await this.db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async latestRun(job: string): Promise<JobRun | undefined> {
    const row = await this.db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', job)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRun(row);
  }

  async listRuns(filter: { job?: string; offset: number; limit: number }): Promise<{ items: JobRun[]; total: number }> {
    let base = this.db.selectFrom('job_runs');
    if (filter.job) base = base.where('job', '=', filter.job);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return { items: rows.map(toRun), total: Number(total.n) };
  }

  /** Runs still "running" long after they started belong to an instance that died mid-run. */
  async failAbandonedRuns(startedBefore: string, now: string, error: string): Promise<number> {
    const res = await this.db
      .updateTable('job_runs')
      .set({ status: 'failed', finished_at: now, error })
      .where('status', '=', 'running')
      .where('started_at', '<', startedBefore)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async deleteRunsBefore(before: string): Promise<number> {
    const res = await this.db.deleteFrom('job_runs').where('started_at', '<', before).where('status', '!=', 'running').executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteLocksBefore(before: string): Promise<number> {
    const res = await this.db.deleteFrom('job_locks').where('tick', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
