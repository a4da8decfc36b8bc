import { Cron } from 'croner';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import { newId, randomToken } from '../platform/ids.js';
import {
  JobAlreadyRunningError,
  UnknownJobError,
  type JobContext,
  type JobHandler,
  type JobRunner,
  type JobStore,
  type JobTrigger,
  type ScheduledJob,
} from './job-runner.js';

/*
 * Why croner plus a tick claim, on SQLite and PostgreSQL alike, instead of pg-boss on PostgreSQL:
 *
 * Every instance computes the same ticks from the cron pattern (croner, in UTC, real time) and, at
 * each tick, inserts (job, tick) into `job_locks`, whose primary key makes the insert succeed for
 * exactly one instance; only that one runs the job. This gives "once per tick across instances",
 * which is all pg-boss's schedule() would give us here, with less:
 *   - pg-boss cron has minute granularity (it dedupes sends in 60-second slots) and fires up to
 *     `cronMonitorIntervalSeconds` late, then waits for a worker poll; croner ticks are exact and
 *     may have seconds, so the multi-instance guarantee is testable in seconds, not minutes;
 *   - pg-boss brings its own schema, migrations, connection pool and maintenance loop per instance,
 *     while run history with live progress has to live in our own `job_runs` table anyway;
 *   - durable work already lives in domain tables with their own row claims (the outbox), so a
 *     queue's retries would add nothing; a missed tick is caught up by the next one;
 *   - one code path for both dialects, exercised by every test run.
 * A tick is claimed only by an instance that is not already running that job, so a slow run on one
 * instance lets another take the next tick instead of piling runs up. Manual runs need no claim:
 * they run where they were asked for.
 */

/** Long waits are split so a changed system clock is noticed within this long. */
const MAX_TIMER_MS = 30_000;
const MAX_ERROR_CHARS = 4000;
const MAX_MESSAGE_CHARS = 500;

interface Entry extends ScheduledJob {
  handler: JobHandler;
  pattern: Cron;
  timer: NodeJS.Timeout | null;
  /** Last tick fired on this instance (epoch ms), so one tick is never fired twice. */
  lastTick: number;
  /** Runs of this job in progress on this instance. */
  running: number;
}

export interface CronJobRunnerOptions {
  store: JobStore;
  /** Stamps run rows; cron ticks always follow real time. */
  clock: Clock;
  log: Logger;
  instanceId?: string;
  /**
   * How long stop() waits for runs in progress before recording them as interrupted. The default
   * stays under the 10 seconds Docker allows between SIGTERM and SIGKILL.
   */
  stopTimeoutMs?: number;
}

export class CronJobRunner implements JobRunner {
  readonly instanceId: string;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private state: 'idle' | 'started' | 'stopped' = 'idle';
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: CronJobRunnerOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomToken(3)}`;
  }

  get started(): boolean {
    return this.state === 'started';
  }

  private get log(): Logger {
    return this.options.log;
  }

  schedule(name: string, cron: string, handler: JobHandler, options: { description?: string } = {}): void {
    if (this.entries.has(name)) throw new Error(`The job "${name}" is already scheduled.`);
    // Built without a callback, croner only computes ticks; the timers below are ours, so each run
    // knows the exact tick it serves (croner's own callback only sees the wall time it woke at).
    const pattern = new Cron(cron, { timezone: 'UTC', mode: '5-or-6-parts' });
    const entry: Entry = { name, cron, description: options.description ?? '', handler, pattern, timer: null, lastTick: 0, running: 0 };
    this.entries.set(name, entry);
    if (this.state === 'started') this.arm(entry);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  isRunning(name: string): boolean {
    return (this.entries.get(name)?.running ?? 0) > 0;
  }

  jobs(): ScheduledJob[] {
    return [...this.entries.values()].map(({ name, cron, description }) => ({ name, cron, description }));
  }

  nextRunAt(name: string): Date | null {
    const entry = this.entries.get(name);
    return entry ? entry.pattern.nextRun(new Date(Math.max(Date.now(), entry.lastTick))) : null;
  }

  start(): void {
    if (this.state === 'started') return;
    if (this.state === 'stopped') throw new Error('A stopped job runner cannot be started again.');
    this.state = 'started';
    for (const entry of this.entries.values()) this.arm(entry);
    this.log.info({ instanceId: this.instanceId, jobs: [...this.entries.keys()] }, 'job scheduler started');
  }

  async enqueue(name: string): Promise<string> {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownJobError(name);
    if (this.state === 'stopped') throw new Error('Usher is shutting down; the job was not started.');
    if (entry.running > 0) throw new JobAlreadyRunningError(name);
    const runId = newId();
    const inserted = this.options.store.insertRun({
      id: runId,
      job: name,
      trigger: 'manual',
      tick: null,
      startedAt: this.now(),
      instanceId: this.instanceId,
    });
    this.track(entry, runId, inserted.then(() => this.execute(entry, runId, 'manual', null), () => undefined));
    await inserted;
    return runId;
  }

  waitForRun(runId: string): Promise<void> {
    return this.inflight.get(runId) ?? Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
    }
    this.abort.abort();
    const pending = [...this.inflight.keys()];
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 8_000);
      });
      const outcome = await Promise.race([Promise.allSettled([...this.inflight.values()]).then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        // The handlers keep going in the background, but the database is about to close: say so in
        // their rows rather than leave them "running" forever.
        for (const runId of this.inflight.keys()) {
          await this.finish(runId, { status: 'failed', progress: null, message: null, error: 'Usher stopped before this run finished.' });
        }
      }
    }
    if (wasStarted) this.log.info({ instanceId: this.instanceId }, 'job scheduler stopped');
  }

  private arm(entry: Entry): void {
    if (this.state !== 'started') return;
    const next = entry.pattern.nextRun(new Date(Math.max(Date.now(), entry.lastTick)));
    if (next) this.wait(entry, next.getTime());
  }

  private wait(entry: Entry, tick: number): void {
    const delay = Math.min(Math.max(tick - Date.now(), 0), MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.state !== 'started') return;
      if (Date.now() < tick) {
        this.wait(entry, tick);
        return;
      }
      entry.lastTick = tick;
      this.fire(entry, new Date(tick));
      this.arm(entry);
    }, delay);
    // The HTTP server keeps the process alive; timers alone must not (tests, CLI).
    entry.timer.unref();
  }

  private fire(entry: Entry, tick: Date): void {
    if (entry.running > 0) {
      this.log.debug({ job: entry.name, tick }, 'job still running here; leaving this tick to another instance');
      return;
    }
    const runId = newId();
    const { store } = this.options;
    const run = async () => {
      const now = this.now();
      if (!(await store.claimTick(entry.name, tick.toISOString(), this.instanceId, now))) return;
      await store.insertRun({ id: runId, job: entry.name, trigger: 'schedule', tick: tick.toISOString(), startedAt: now, instanceId: this.instanceId });
      await this.execute(entry, runId, 'schedule', tick);
    };
    this.track(
      entry,
      runId,
      run().catch((error: unknown) => this.log.error({ err: error, job: entry.name, tick }, 'could not start a scheduled job')),
    );
  }

  private track(entry: Entry, runId: string, done: Promise<void>): void {
    entry.running++;
    this.inflight.set(
      runId,
      done.finally(() => {
        entry.running--;
        this.inflight.delete(runId);
      }),
    );
  }

  /** Runs the handler and records the outcome; never rejects. */
  private async execute(entry: Entry, runId: string, trigger: JobTrigger, tick: Date | null): Promise<void> {
    const progress = new ProgressWriter(this.options.store, runId, this.log);
    const context: JobContext = {
      runId,
      trigger,
      tick,
      signal: this.abort.signal,
      reportProgress: (fraction, message) => progress.report(fraction, message),
    };
    let outcome: Parameters<CronJobRunner['finish']>[1];
    try {
      const result = await entry.handler(context);
      if (typeof result === 'object' && trigger === 'schedule') {
        await progress.flush();
        await this.recordIdle(entry.name, runId, result.idle);
        return;
      }
      const summary = typeof result === 'object' ? result.idle : result;
      outcome = { status: 'succeeded', progress: 1, message: clip(summary || progress.message, MAX_MESSAGE_CHARS), error: null };
    } catch (error) {
      this.log.warn({ err: error, job: entry.name, runId }, 'job failed');
      outcome = { status: 'failed', progress: progress.fraction, message: progress.message, error: clip(describe(error), MAX_ERROR_CHARS) };
    }
    await progress.flush();
    await this.finish(runId, outcome);
  }

  private async recordIdle(job: string, runId: string, message: string): Promise<void> {
    try {
      await this.options.store.recordIdleRun(runId, job, this.now(), clip(message, MAX_MESSAGE_CHARS) ?? message);
    } catch (error) {
      this.log.error({ err: error, runId }, 'could not record an idle job run');
    }
  }

  private async finish(runId: string, outcome: Omit<Parameters<JobStore['finishRun']>[1], 'finishedAt'>): Promise<void> {
    try {
      await this.options.store.finishRun(runId, { ...outcome, finishedAt: this.now() });
    } catch (error) {
      this.log.error({ err: error, runId }, 'could not record the end of a job run');
    }
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }
}

/**
 * Writes progress in the background, one write at a time and always the latest value, so a handler
 * that reports often never waits on the database and never floods it.
 */
class ProgressWriter {
  fraction: number | null = null;
  message: string | null = null;
  private dirty = false;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly runId: string,
    private readonly log: Logger,
  ) {}

  report(fraction: number, message?: string): void {
    if (!Number.isFinite(fraction)) return;
    this.fraction = Math.min(1, Math.max(0, fraction));
    if (message !== undefined) this.message = clip(message, MAX_MESSAGE_CHARS);
    this.dirty = true;
    this.writing ??= this.drain();
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.store.updateProgress(this.runId, this.fraction ?? 0, this.message ?? undefined);
      } catch (error) {
        this.log.warn({ err: error, runId: this.runId }, 'could not record job progress');
      }
    }
    this.writing = null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function clip<T extends string | null | undefined | void>(text: T, max: number): string | null {
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
