import { AppError, badRequest, notFound } from '../../http/errors.js';
import { idle, type IdleOutcome, type JobContext } from '../../jobs/job-runner.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { PlacementServer } from '../../domain/placement.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { JobsService } from '../jobs/jobs.service.js';
import type { PlanRecord, PlansRepository } from '../plans/plans.repository.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import { checkInviteRow, readInviteSheet, rowPeriod, type InviteRow, type SheetRow } from './bulk-invite.csv.js';
import type { BulkInviteRecord, BulkInviteRepository, BulkInviteResult } from './bulk-invite.repository.js';
import type { InviteInput, InviteService } from './invite.service.js';
import { csvCell } from './member-ops.service.js';

export const BULK_INVITE_JOB = 'members.bulk_invite';

/** A row that passed every check, with its plan and server found. */
export interface ResolvedInviteRow extends InviteRow {
  planId: string;
  planName: string;
  serverId: string | null;
}

export interface RowCheck {
  row: number;
  email: string | null;
  username: string | null;
  ok: boolean;
  code: string | null;
  message: string;
  planName: string | null;
  serverName: string | null;
}

export interface BulkInviteView {
  id: string;
  status: BulkInviteRecord['status'];
  rowsTotal: number;
  rowsDone: number;
  invited: number;
  skipped: number;
  /** 0..1 */
  progress: number;
  runId: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  results: BulkInviteResult[];
}

/** The report is saved (and the heartbeat moved) this often; counts only, so a large file is cheap. */
const SAVE_EVERY_ROWS = 25;
/** A running invite whose heartbeat is older than this lost its instance and is taken over. */
const STALE_AFTER_MS = 10 * 60_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The checks only the file can make: its text, the people it names twice, and plans and servers by
 * name. Everything else (existing member, capacity, the plan on the server, transaction id) is the
 * Invite dialog's own check, asked per row through InviteService.
 */
class RowChecker {
  private readonly seenEmails = new Map<string, number>();
  private readonly seenUsernames = new Map<string, number>();
  private readonly seenTransactions = new Map<string, number>();

  constructor(
    private readonly plans: PlanRecord[],
    private readonly servers: ServerRecord[],
    private readonly ctx: { currency: string; timeZone: string },
  ) {}

  check(sheet: SheetRow): { ok: true; row: ResolvedInviteRow; check: RowCheck } | { ok: false; check: RowCheck } {
    const base = {
      row: sheet.row,
      email: sheet.fields.email.toLowerCase() || null,
      username: sheet.fields.username || null,
      planName: null,
      serverName: null,
    };
    const fail = (code: string, message: string) => ({ ok: false as const, check: { ...base, ok: false, code, message } });
    const text = checkInviteRow(sheet, this.ctx);
    if (!text.ok) return fail(text.code, text.message);
    const row = text.value;
    // Duplicates are noted before other checks, so the second of two rows is reported even if the first is bad.
    const dupEmail = row.email ? this.seenEmails.get(row.email) : undefined;
    const dupName = row.username ? this.seenUsernames.get(row.username.toLowerCase()) : undefined;
    const dupTx = row.transactionId ? this.seenTransactions.get(row.transactionId) : undefined;
    if (row.email && dupEmail === undefined) this.seenEmails.set(row.email, row.row);
    if (row.username && dupName === undefined) this.seenUsernames.set(row.username.toLowerCase(), row.row);
    if (row.transactionId && dupTx === undefined) this.seenTransactions.set(row.transactionId, row.row);
    if (dupEmail !== undefined) return fail('duplicate_in_file', `The email ${row.email} is already on line ${dupEmail}.`);
    if (dupName !== undefined) return fail('duplicate_in_file', `The username ${row.username} is already on line ${dupName}.`);
    if (dupTx !== undefined) return fail('duplicate_in_file', `The transaction id ${row.transactionId} is already on line ${dupTx}.`);

    const plan = this.findPlan(row.plan);
    if ('code' in plan) return fail(plan.code, plan.message);
    let server: ServerRecord | null = null;
    if (row.server) {
      const wanted = row.server.toLowerCase();
      const matches = this.servers.filter((s) => s.id === row.server || s.name.toLowerCase() === wanted);
      if (matches.length === 0) return fail('unknown_server', `No server is named "${row.server}".`);
      if (matches.length > 1) return fail('ambiguous_server', `More than one server is named "${row.server}"; use the server id.`);
      server = matches[0]!;
    }
    const resolved: ResolvedInviteRow = { ...row, planId: plan.id, planName: plan.name, serverId: server?.id ?? null };
    return {
      ok: true,
      row: resolved,
      check: {
        ...base,
        email: row.email,
        ok: true,
        code: null,
        message: 'Ready to invite.',
        planName: plan.name,
        serverName: server?.name ?? null,
      },
    };
  }

  private findPlan(text: string): PlanRecord | { code: string; message: string } {
    if (!text) {
      const fallback = this.plans.find((p) => p.isDefault);
      return fallback ?? { code: 'unknown_plan', message: 'The row names no plan and no plan is marked as the default.' };
    }
    const byId = this.plans.find((p) => p.id === text);
    if (byId) return byId;
    const byName = this.plans.filter((p) => p.name.toLowerCase() === text.toLowerCase());
    if (byName.length > 1) return { code: 'ambiguous_plan', message: `More than one plan is named "${text}"; use the plan id.` };
    return (
      byName[0] ?? {
        code: 'unknown_plan',
        message: `No plan is named "${text}". Plans: ${this.plans.map((p) => p.name).join(', ') || 'none yet'}.`,
      }
    );
  }
}

/**
 * Bulk invite from CSV (issue 8 point 5): a dry run that changes nothing, then a background job
 * that re-checks each row against the database as it is then and applies the good ones.
 */
export class BulkInviteService {
  constructor(
    private readonly repo: BulkInviteRepository,
    private readonly plans: PlansRepository,
    private readonly servers: ServersRepository,
    private readonly invites: InviteService,
    private readonly settings: SettingsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private sheet(csv: string): SheetRow[] {
    const sheet = readInviteSheet(csv);
    if (!sheet.ok) throw badRequest(sheet.code, sheet.message);
    return sheet.rows;
  }

  private async checker(): Promise<RowChecker> {
    const { currency, timeZone } = await this.settings.get('general');
    return new RowChecker(await this.plans.list(), await this.servers.list(), { currency, timeZone });
  }

  /** The row as the Invite dialog would send it. */
  private async inviteInput(row: ResolvedInviteRow): Promise<InviteInput> {
    let period: InviteInput['period'];
    if (row.from || row.to || row.months) {
      const { timeZone } = await this.settings.get('general');
      const { from, to } = rowPeriod(row, this.clock.now(), timeZone);
      period = { from: from.toISOString(), ...(to ? { to: to.toISOString() } : {}) };
    }
    return {
      email: row.email,
      username: row.username,
      planId: row.planId,
      serverId: row.serverId,
      paypalEmail: row.payerEmail,
      transactionId: row.transactionId,
      ...(row.amountMinor === null ? {} : { amountMinor: row.amountMinor }),
      period,
      sendNotification: row.sendNotification,
      notes: row.notes,
    };
  }

  /**
   * Every row's verdict; nothing is written. The rows share one count of free seats, so a row sees
   * the seats the rows above it would take.
   */
  async dryRun(csv: string): Promise<{ total: number; valid: number; invalid: number; rows: RowCheck[] }> {
    const rows = this.sheet(csv);
    const checker = await this.checker();
    const seats = await this.invites.seats();
    const checks: RowCheck[] = [];
    for (const sheet of rows) checks.push(await this.checkRow(checker, sheet, seats));
    const valid = checks.filter((c) => c.ok).length;
    return { total: checks.length, valid, invalid: checks.length - valid, rows: checks };
  }

  private async checkRow(checker: RowChecker, sheet: SheetRow, seats: PlacementServer[]): Promise<RowCheck> {
    const verdict = checker.check(sheet);
    if (!verdict.ok) return verdict.check;
    try {
      const planned = await this.invites.validate(await this.inviteInput(verdict.row), { seats });
      return { ...verdict.check, serverName: planned.target.serverName };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { ...verdict.check, ok: false, code: err.code, message: err.message };
    }
  }

  /** Queues the file for the job and starts it on this instance (or the next tick, if a run is in progress). */
  async start(csv: string, actor: Actor): Promise<{ id: string; runId: string | null; total: number; valid: number }> {
    const dry = await this.dryRun(csv);
    if (dry.valid === 0)
      throw badRequest('nothing_to_invite', 'No row of the file can be invited; run the dry run and fix the rows it reports.');
    const id = newId();
    await this.repo.insert({ id, csv, actor: JSON.stringify(actor), rowsTotal: dry.total, createdAt: this.clock.now().toISOString() });
    await this.audit.record(actor, 'members.bulk_invite', { type: 'bulk_invite', id }, { rows: dry.total, valid: dry.valid });
    let runId: string | null = null;
    try {
      runId = (await this.jobs.runNow(BULK_INVITE_JOB)).runId;
    } catch (err) {
      // A run in progress takes the new file when it finishes the current one.
      if (!(err instanceof AppError && err.code === 'job_running')) throw err;
    }
    return { id, runId, total: dry.total, valid: dry.valid };
  }

  /**
   * Applies one row exactly as the Invite dialog would: the member, a manual payment (active at
   * once) and the placement in one transaction, then the access pass shares or provisions. The
   * placement is stored at once, so the next row counts this row's seat. No alert on a full
   * server: the report names the row instead.
   */
  async inviteRow(
    row: ResolvedInviteRow,
    actor: Actor,
    context: { bulkInviteId?: string } = {},
  ): Promise<{ memberId: string; serverName: string }> {
    const result = await this.invites.invite(await this.inviteInput(row), actor, {
      alert: false,
      audit: { via: 'bulk_invite', ...(context.bulkInviteId ? { bulkInviteId: context.bulkInviteId } : {}), row: row.row },
    });
    return { memberId: result.memberId, serverName: result.serverName };
  }

  /** The job: applies every waiting file, one at a time, resuming where a stopped run left off. */
  async runPending(context: JobContext): Promise<string | IdleOutcome> {
    let files = 0;
    let invited = 0;
    let skipped = 0;
    for (;;) {
      if (context.signal.aborted) break;
      const now = this.clock.now();
      const batch = await this.repo.claimNext(
        this.jobs.instanceId,
        context.runId,
        now.toISOString(),
        new Date(now.getTime() - STALE_AFTER_MS).toISOString(),
      );
      if (!batch) break;
      const outcome = await this.apply(batch, context);
      files++;
      invited += outcome.invited;
      skipped += outcome.skipped;
    }
    if (files === 0) return idle('No bulk invite was waiting.');
    return `Applied ${plural(files, 'bulk invite file')}: invited ${plural(invited, 'member')}, skipped ${plural(skipped, 'row')}.`;
  }

  private async apply(batch: BulkInviteRecord, context: JobContext): Promise<{ invited: number; skipped: number }> {
    const instance = this.jobs.instanceId;
    const actor = JSON.parse(batch.actor) as Actor;
    const report = [...batch.report];
    const done = new Set(report.map((r) => r.row));
    try {
      const rows = this.sheet(batch.csv);
      const checker = await this.checker();
      let sinceSave = 0;
      for (const sheet of rows) {
        // Rows already applied by a stopped run still go through the checker, so duplicates stay noted.
        const verdict = checker.check(sheet);
        if (done.has(sheet.row)) continue;
        if (context.signal.aborted) {
          await this.repo.saveProgress(batch.id, instance, report, this.clock.now().toISOString());
          await this.repo.finish(batch.id, instance, { status: 'pending', at: this.clock.now().toISOString(), error: null });
          return this.counts(report);
        }
        const base = { row: sheet.row, email: verdict.check.email, username: verdict.check.username };
        if (!verdict.ok) {
          report.push({ ...base, result: 'skipped', code: verdict.check.code, message: verdict.check.message, memberId: null });
        } else {
          try {
            const { memberId, serverName } = await this.inviteRow(verdict.row, actor, { bulkInviteId: batch.id });
            report.push({
              ...base,
              result: 'invited',
              code: null,
              message: `Invited on ${verdict.row.planName}, placed on ${serverName}.`,
              memberId,
            });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            report.push({ ...base, result: 'skipped', code: err.code, message: err.message, memberId: null });
          }
        }
        context.reportProgress(report.length / rows.length, `Bulk invite: ${report.length} of ${rows.length} rows`);
        if (++sinceSave >= SAVE_EVERY_ROWS) {
          sinceSave = 0;
          await this.repo.saveProgress(batch.id, instance, report, this.clock.now().toISOString());
        }
      }
      await this.repo.saveProgress(batch.id, instance, report, this.clock.now().toISOString());
      await this.repo.finish(batch.id, instance, { status: 'done', at: this.clock.now().toISOString(), error: null });
      const counts = this.counts(report);
      await this.audit.record(actor, 'members.bulk_invite.done', { type: 'bulk_invite', id: batch.id }, counts);
      return counts;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.repo.saveProgress(batch.id, instance, report, this.clock.now().toISOString());
      await this.repo.finish(batch.id, instance, { status: 'failed', at: this.clock.now().toISOString(), error: message.slice(0, 2000) });
      throw err;
    }
  }

  private counts(report: BulkInviteResult[]) {
    return { invited: report.filter((r) => r.result === 'invited').length, skipped: report.filter((r) => r.result === 'skipped').length };
  }

  async view(id: string): Promise<BulkInviteView> {
    const batch = await this.repo.find(id);
    if (!batch) throw notFound('bulk_invite_not_found', 'No bulk invite has that id.');
    return {
      id: batch.id,
      status: batch.status,
      rowsTotal: batch.rowsTotal,
      rowsDone: batch.rowsDone,
      invited: batch.invited,
      skipped: batch.failed,
      progress: batch.status === 'done' ? 1 : batch.rowsTotal === 0 ? 0 : batch.rowsDone / batch.rowsTotal,
      runId: batch.runId,
      error: batch.error,
      createdAt: batch.createdAt,
      finishedAt: batch.finishedAt,
      results: batch.report,
    };
  }

  /** The per-row report as CSV (rows applied so far while the job runs). */
  async reportCsv(id: string): Promise<string> {
    const { results } = await this.view(id);
    const lines = [['row', 'email', 'username', 'result', 'code', 'message', 'member_id'].join(',')];
    for (const r of results)
      lines.push([String(r.row), r.email, r.username, r.result, r.code, r.message, r.memberId].map(csvCell).join(','));
    return lines.join('\r\n') + '\r\n';
  }
}
