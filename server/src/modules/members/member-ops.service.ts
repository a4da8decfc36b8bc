import { linkRefusal } from '../../domain/linked-members.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { MemberFieldsRow, MemberOpsRepository } from './member-ops.repository.js';
import type { MembersService } from './members.service.js';

export interface MemberEdit {
  permanent?: boolean | undefined;
  weeklyDownloadQuota?: number | null | undefined;
  email?: string | null | undefined;
  paypalEmail?: string | null | undefined;
  discordId?: string | null | undefined;
  notes?: string | null | undefined;
  requiresPlexAccountChange?: boolean | undefined;
}

export const BULK_ACTIONS = ['extend', 'make_permanent', 'change_plan', 'delete'] as const;
export interface BulkRequest {
  ids: string[];
  action: (typeof BULK_ACTIONS)[number];
  days?: number | undefined;
  planId?: string | undefined;
}
export interface BulkResult {
  id: string;
  ok: boolean;
  error: { code: string; message: string } | null;
}

const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() ? v.trim() : null);

/**
 * Admin operations on members that only change Usher's records (issue 8 point 5). The reconciler
 * turns the resulting member and payment state into shares; nothing here talks to a server.
 */
export class MemberOpsService {
  constructor(
    private readonly repo: MemberOpsRepository,
    private readonly members: MembersService,
    private readonly payments: PaymentsService,
    private readonly plans: PlansRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The access engine's immediate pass for members whose access may have changed. */
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {}

  private async live(id: string) {
    const member = await this.repo.find(id);
    if (!member || member.deleted_at) throw notFound('member_not_found', `No member has the id ${id}.`);
    return member;
  }

  async edit(id: string, input: MemberEdit, actor: Actor) {
    await this.live(id);
    const fields: MemberFieldsRow = {};
    const rawEmail = blankToNull(input.email);
    const email = rawEmail ? rawEmail.toLowerCase() : rawEmail;
    if (email !== undefined) {
      if (email && (await this.repo.emailTaken(email, id))) throw conflict('email_taken', `Another member already has the email ${email}; merge them instead.`);
      fields.email = email;
    }
    const paypal = blankToNull(input.paypalEmail);
    if (paypal !== undefined) fields.paypal_email = paypal?.toLowerCase() ?? null;
    const discord = blankToNull(input.discordId);
    if (discord !== undefined) fields.discord_id = discord;
    const notes = blankToNull(input.notes);
    if (notes !== undefined) fields.notes = notes;
    if (input.weeklyDownloadQuota !== undefined) fields.weekly_download_quota = input.weeklyDownloadQuota;
    if (input.requiresPlexAccountChange !== undefined) fields.requires_plex_account_change = input.requiresPlexAccountChange;
    if (input.permanent !== undefined) fields.permanent = input.permanent;
    await this.repo.update(id, fields, this.clock.now().toISOString());
    // Field names only: notes and emails are the member's data, not the audit log's.
    await this.audit.record(actor, 'member.update', { type: 'member', id }, { fields: Object.keys(fields) });
    this.memberChanged(id);
    return this.members.detail(id);
  }

  /** Each member is done on its own (each write is one statement), so one failure never undoes the others. */
  async bulk(request: BulkRequest, actor: Actor): Promise<{ results: BulkResult[] }> {
    if (request.action === 'extend' && !request.days) throw badRequest('days_required', 'Say by how many days to extend the members.');
    if (request.action === 'change_plan') {
      if (!request.planId) throw badRequest('plan_required', 'Choose the plan to move the members to.');
      if (!(await this.plans.find(request.planId))) throw badRequest('unknown_plan', 'No plan has that id.');
    }
    const results: BulkResult[] = [];
    for (const id of [...new Set(request.ids)]) {
      try {
        if (request.action === 'extend') await this.payments.extend(id, request.days!, actor);
        else if (request.action === 'change_plan') await this.payments.changePlan(id, request.planId!, actor);
        else if (request.action === 'make_permanent') await this.members.setPermanent(id, true, actor);
        else await this.members.delete(id, actor);
        results.push({ id, ok: true, error: null });
        this.memberChanged(id);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    const done = results.filter((r) => r.ok).length;
    await this.audit.record(actor, 'members.bulk', undefined, { action: request.action, days: request.days ?? null, planId: request.planId ?? null, done, failed: results.length - done });
    return { results };
  }

  /**
   * Merges `sourceId` into `targetId` (reference §6.7: how an email or username change is done):
   * payments, server accounts, server history, linked subs, the login link and notes move to the
   * target; the source is deleted like any deleted member, so sync never brings it back.
   */
  async merge(sourceId: string, targetId: string, actor: Actor) {
    if (sourceId === targetId) throw badRequest('merge_into_self', 'A member cannot be merged into itself.');
    const source = await this.repo.find(sourceId);
    const target = await this.repo.find(targetId);
    if (!source) throw notFound('member_not_found', `No member has the id ${sourceId}.`);
    if (!target) throw notFound('merge_target_not_found', `No member has the id ${targetId}.`);
    if (source.deleted_at || target.deleted_at) throw conflict('member_deleted', 'Deleted members cannot be merged.');
    const notes = [target.notes, source.notes ? `Merged from ${source.email ?? source.username ?? source.id}: ${source.notes}` : null].filter(Boolean).join('\n\n') || null;
    const fields = {
      notes,
      paypal_email: target.paypal_email ?? source.paypal_email,
      discord_id: target.discord_id ?? source.discord_id,
      weekly_download_quota: target.weekly_download_quota ?? source.weekly_download_quota,
      permanent: Boolean(target.permanent) || Boolean(source.permanent),
      ...(target.login_id ? {} : { login_id: source.login_id }),
      // The target must not stay a sub of the member that disappears.
      ...(target.master_member_id === sourceId ? { master_member_id: source.master_member_id } : {}),
    };
    const now = this.clock.now().toISOString();
    const moved = await this.repo.transaction((trx) => this.repo.merge(sourceId, targetId, fields, now, trx));
    await this.audit.record(actor, 'member.merge', { type: 'member', id: targetId }, { from: sourceId, ...moved, loginMoved: !target.login_id && !!source.login_id });
    this.memberChanged(targetId);
    return this.members.detail(targetId);
  }

  async subs(masterId: string) {
    await this.live(masterId);
    const rows = await this.repo.subs(masterId);
    return rows.map((r) => ({ id: r.id, email: r.email, username: r.username, displayName: r.display_name }));
  }

  /** Links `subId` under `masterId`, within the master plan's sub-account limit (reference §2.14). */
  async link(masterId: string, subId: string, actor: Actor): Promise<void> {
    const master = await this.live(masterId);
    const sub = await this.repo.find(subId);
    if (!sub) throw notFound('member_not_found', `No member has the id ${subId}.`);
    const masterPlanId = await this.payments.planOf(masterId);
    const masterPlan = masterPlanId ? await this.plans.find(masterPlanId) : undefined;
    const subPlanId = await this.payments.planOf(subId);
    const subPlan = subPlanId ? await this.plans.find(subPlanId) : undefined;
    const refusal = linkRefusal({
      master: { id: master.id, deleted: !!master.deleted_at, masterId: master.master_member_id, subCount: await this.repo.subCount(masterId) },
      sub: { id: sub.id, deleted: !!sub.deleted_at, masterId: sub.master_member_id, subCount: await this.repo.subCount(subId) },
      maxSubs: masterPlan?.maxSubAccounts ?? 0,
      subPlanMasterOnly: subPlan?.masterOnly ?? false,
    });
    if (refusal) throw (refusal.code === 'member_deleted' || refusal.code === 'already_linked' ? conflict : badRequest)(refusal.code, refusal.message);
    await this.repo.setMaster(subId, masterId, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.link', { type: 'member', id: masterId }, { subId });
    this.memberChanged(subId);
  }

  async unlink(masterId: string, subId: string, actor: Actor): Promise<void> {
    const sub = await this.live(subId);
    if (sub.master_member_id !== masterId) throw notFound('link_not_found', 'That member is not linked to this master.');
    await this.repo.setMaster(subId, null, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.unlink', { type: 'member', id: masterId }, { subId });
    this.memberChanged(subId);
  }

  /** Every live member as CSV, for API users and spreadsheets (the table also exports its page). */
  async exportCsv(): Promise<string> {
    const { members, accounts } = await this.repo.exportRows();
    const statuses = await this.members.statusesFor(members.map((m) => ({ id: m.id, permanent: Boolean(m.permanent) })));
    const header = ['id', 'email', 'username', 'display_name', 'status', 'plan', 'expires_at', 'permanent', 'servers', 'master_member_id', 'paypal_email', 'discord_id', 'created_at'];
    const lines = [header.join(',')];
    for (const m of members) {
      const s = statuses.get(m.id)!;
      const servers = accounts.filter((a) => a.memberId === m.id).map((a) => `${a.serverName} (${a.state})`).join('; ');
      const expires = s.until ?? s.expiredAt ?? '';
      lines.push(
        [m.id, m.email, m.username, m.display_name, s.state, s.planName, expires, m.permanent ? 'yes' : 'no', servers, m.master_member_id, m.paypal_email, m.discord_id, m.created_at].map(csvCell).join(','),
      );
    }
    return lines.join('\r\n') + '\r\n';
  }
}

/** RFC 4180 quoting, and a leading quote on values a spreadsheet would run as a formula. */
export function csvCell(value: string | null | undefined): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
