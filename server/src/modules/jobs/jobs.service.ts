import { conflict, notFound } from '../../http/errors.js';
import type { JobHandler, JobRunner } from '../../jobs/job-runner.js';
import { DAY_MS, type Clock } from '../../platform/clock.js';
import type { JobRun, JobsRepository } from './jobs.repository.js';

export interface JobView {
  name: string;
  description: string;
  cron: string;
  /** The next tick; null when the pattern never fires again. */
  nextRunAt: string | null;
  /** Whether a run is in progress on this instance. */
  running: boolean;
  lastRun: JobRun | null;
  /** Scheduled runs that found nothing to do: counted here, not listed. */
  idleRuns: { count: number; lastAt: string; lastMessage: string | null } | null;
}

/** Finished runs are kept this long; tick claims only need to outlive clock skew between instances. */
const RUN_RETENTION_MS = 30 * DAY_MS;
const LOCK_RETENTION_MS = 2 * DAY_MS;
/** No Usher job runs for a day; a run "running" that long lost its instance. */
const ABANDONED_AFTER_MS = DAY_MS;

/** The admin's view of Usher's jobs: what is scheduled, what ran, and "run now". */
export class JobsService {
  constructor(
    private readonly runner: JobRunner,
    private readonly repo: JobsRepository,
    private readonly clock: Clock,
  ) {}

  /** Adds a job; the registry in jobs/schedule.ts calls this for each of Usher's jobs. */
  register(name: string, cron: string, description: string, handler: JobHandler): void {
    this.runner.schedule(name, cron, handler, { description });
  }

  get schedulerRunning(): boolean {
    return this.runner.started;
  }

  get instanceId(): string {
    return this.runner.instanceId;
  }

  start(): void {
    this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  async list(): Promise<JobView[]> {
    const jobs = this.runner.jobs().sort((a, b) => a.name.localeCompare(b.name));
    const idle = await this.repo.idleRuns();
    return Promise.all(
      jobs.map(async (job) => ({
        ...job,
        nextRunAt: this.runner.nextRunAt(job.name)?.toISOString() ?? null,
        running: this.runner.isRunning(job.name),
        lastRun: (await this.repo.latestRun(job.name)) ?? null,
        idleRuns: idle.get(job.name) ?? null,
      })),
    );
  }

  listRuns(filter: { job?: string; offset: number; limit: number }) {
    return this.repo.listRuns(filter);
  }

  async getRun(id: string): Promise<JobRun> {
    const run = await this.repo.findRun(id);
    if (!run) throw notFound('unknown_run', `There is no job run with id "${id}".`);
    return run;
  }

  /** Starts the job on this instance at once; the run continues after the call returns. */
  async runNow(name: string): Promise<{ runId: string }> {
    if (!this.runner.has(name)) {
      const known = this.runner
        .jobs()
        .map((j) => j.name)
        .sort();
      throw notFound('unknown_job', `There is no job named "${name}". Known jobs: ${known.join(', ')}.`);
    }
    if (this.runner.isRunning(name)) {
      throw conflict('job_running', `The job "${name}" is already running; wait for this run to finish before starting another.`);
    }
    return { runId: await this.runner.enqueue(name) };
  }

  /** Resolves when a run started on this instance has finished (tests and the CLI wait on it). */
  waitForRun(runId: string): Promise<void> {
    return this.runner.waitForRun(runId);
  }

  /** Trims history: old runs, spent tick claims, and runs whose instance died mid-run. */
  async prune(): Promise<{ abandoned: number; runs: number; locks: number }> {
    const now = this.clock.now();
    const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const abandoned = await this.repo.failAbandonedRuns(
      at(ABANDONED_AFTER_MS),
      now.toISOString(),
      'The instance running this job stopped before the run finished.',
    );
    const runs = await this.repo.deleteRunsBefore(at(RUN_RETENTION_MS));
    const locks = await this.repo.deleteLocksBefore(at(LOCK_RETENTION_MS));
    return { abandoned, runs, locks };
  }
}
