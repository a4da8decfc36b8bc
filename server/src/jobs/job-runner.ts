/**
 * The JobRunner port. Jobs only trigger work: anything that must survive a crash lives in domain
 * tables (the notification outbox, access operations), so a lost or skipped run is caught up by the
 * next one. Every run, scheduled or manual, is recorded with its progress for the admin Jobs page.
 */
export type JobTrigger = 'schedule' | 'manual';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobContext {
  runId: string;
  trigger: JobTrigger;
  /** The scheduled instant this run serves; null for a manual run. */
  tick: Date | null;
  /** Aborted when Usher shuts down, so a long job can stop between steps. */
  signal: AbortSignal;
  /** Records how far the run got (0..1) and what it is doing; the admin sees it live. */
  reportProgress(fraction: number, message?: string): void;
}

/**
 * A scheduled run that found nothing to do. It is counted on the job instead of listed, so a job
 * that runs every minute does not bury the runs that did something. Manual runs are always listed.
 */
export interface IdleOutcome {
  idle: string;
}

export const idle = (message: string): IdleOutcome => ({ idle: message });

/** A handler may return a one-line summary ("Sent 3 emails"); it becomes the run's message. */
export type JobHandler = (context: JobContext) => Promise<string | void | IdleOutcome>;

export interface ScheduledJob {
  name: string;
  cron: string;
  description: string;
}

export interface JobRunner {
  /** Adds a job. `cron` has 5 fields, or 6 with seconds first; it is read in UTC. */
  schedule(name: string, cron: string, handler: JobHandler, options?: { description?: string }): void;
  /** Starts a run now on this instance and returns its id once the run row exists. */
  enqueue(name: string): Promise<string>;
  start(): void;
  /** Stops scheduling and waits (bounded) for runs in progress on this instance. */
  stop(): Promise<void>;
  has(name: string): boolean;
  /** Whether a run of this job is in progress on this instance. */
  isRunning(name: string): boolean;
  jobs(): ScheduledJob[];
  nextRunAt(name: string): Date | null;
  readonly started: boolean;
  readonly instanceId: string;
  /** Resolves when the given run (started on this instance) has finished and been recorded. */
  waitForRun(runId: string): Promise<void>;
}

/** Where runs and tick claims are written; the jobs repository implements it. */
export interface JobStore {
  /** Claims one scheduled tick for one instance. True for exactly one caller across all instances. */
  claimTick(job: string, tick: string, instanceId: string, now: string): Promise<boolean>;
  insertRun(run: { id: string; job: string; trigger: JobTrigger; tick: string | null; startedAt: string; instanceId: string }): Promise<void>;
  updateProgress(id: string, progress: number, message: string | undefined): Promise<void>;
  /** Replaces a scheduled run that did nothing by one more on the job's idle count. */
  recordIdleRun(id: string, job: string, at: string, message: string): Promise<void>;
  finishRun(
    id: string,
    result: { status: Exclude<JobRunStatus, 'running'>; finishedAt: string; progress: number | null; message: string | null; error: string | null },
  ): Promise<void>;
}

export class UnknownJobError extends Error {
  constructor(readonly job: string) {
    super(`There is no job named "${job}".`);
    this.name = 'UnknownJobError';
  }
}

export class JobAlreadyRunningError extends Error {
  constructor(readonly job: string) {
    super(`The job "${job}" is already running on this instance.`);
    this.name = 'JobAlreadyRunningError';
  }
}
