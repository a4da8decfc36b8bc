import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { PlanFields, PlanRecord, PlansRepository } from './plans.repository.js';

export type PlanInput = PlanFields;

/** The fields a member's remote access follows; changing one re-shares the plan's members. */
const ACCESS_FIELDS = new Set<string>(['libraryGroupIds', 'allowDownloads', 'allowTranscoding', 'maxStreams']);
export type PlanPatch = Partial<PlanInput>;

/** Plans (reference §2.7): what a member buys: libraries, limits, period and price in the site currency. */
export class PlansService {
  constructor(
    private readonly repo: PlansRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The access engine's pass for a plan's members after its libraries or options changed (a callback: no import cycle). */
    private readonly planChanged: (planId: string) => void = () => undefined,
  ) {}

  async list(): Promise<(PlanRecord & { currency: string; members: number })[]> {
    const { currency } = await this.settings.get('general');
    const plans = await this.repo.list();
    return Promise.all(plans.map(async (p) => ({ ...p, currency, members: await this.repo.memberCount(p.id) })));
  }

  async get(id: string) {
    const plan = await this.repo.find(id);
    if (!plan) throw notFound('plan_not_found', 'No plan has that id.');
    const { currency } = await this.settings.get('general');
    return { ...plan, currency, members: await this.repo.memberCount(id) };
  }

  async create(input: PlanInput, actor: Actor) {
    await this.validate(input, null);
    const id = newId();
    const now = this.now();
    const isDefault = input.isDefault || !(await this.repo.findDefault());
    await this.repo.transaction(async (trx) => {
      await this.repo.insert(id, { ...input, isDefault }, now, trx);
      if (isDefault) await this.repo.clearDefaultExcept(id, now, trx);
    });
    await this.audit.record(actor, 'plan.create', { type: 'plan', id }, { name: input.name });
    return this.get(id);
  }

  async update(id: string, patch: PlanPatch, actor: Actor) {
    const current = await this.repo.find(id);
    if (!current) throw notFound('plan_not_found', 'No plan has that id.');
    const next: PlanInput = { ...current, ...patch };
    await this.validate(next, current);
    const now = this.now();
    await this.repo.transaction(async (trx) => {
      await this.repo.update(id, next, now, trx);
      if (next.isDefault && !current.isDefault) await this.repo.clearDefaultExcept(id, now, trx);
    });
    const changed = (Object.keys(patch) as (keyof PlanPatch)[]).filter((k) => JSON.stringify(patch[k]) !== JSON.stringify(current[k]));
    if (changed.length) await this.audit.record(actor, 'plan.update', { type: 'plan', id }, { name: next.name, fields: changed });
    if (changed.some((k) => ACCESS_FIELDS.has(k))) this.planChanged(id);
    return this.get(id);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const plan = await this.repo.find(id);
    if (!plan) throw notFound('plan_not_found', 'No plan has that id.');
    if (plan.isDefault) throw conflict('plan_is_default', 'The default plan cannot be deleted: make another plan the default first.');
    const members = await this.repo.memberCount(id);
    if (members > 0) {
      throw conflict('plan_in_use', `${members} member${members === 1 ? ' has' : 's have'} payments on this plan; deactivate it instead, so it is no longer offered.`, { members });
    }
    await this.repo.delete(id);
    await this.audit.record(actor, 'plan.delete', { type: 'plan', id }, { name: plan.name });
  }

  /** The full order of every plan: a partial list would leave the others' positions ambiguous. */
  async reorder(ids: string[], actor: Actor): Promise<void> {
    const existing = (await this.repo.list()).map((p) => p.id);
    const given = new Set(ids);
    if (given.size !== ids.length || given.size !== existing.length || existing.some((id) => !given.has(id))) {
      throw badRequest('plan_order_incomplete', 'List every plan exactly once, in the new order.');
    }
    await this.repo.transaction((trx) => this.repo.setOrder(ids, this.now(), trx));
    await this.audit.record(actor, 'plan.reorder', undefined, { order: ids });
  }

  /** Settings guard: money amounts mean nothing in another currency, so a switch waits until none is recorded. */
  async checkCurrencyChange(before: string, after: string): Promise<void> {
    if (before === after) return;
    const counts = await this.repo.pricedCounts();
    if (counts.plans + counts.payments > 0) {
      throw badRequest(
        'currency_locked',
        `The site currency cannot change from ${before} to ${after} while ${counts.plans} priced plan(s) and ${counts.payments} payment(s) are recorded in ${before}.`,
        counts,
      );
    }
  }

  private async validate(p: PlanInput, current: PlanRecord | null): Promise<void> {
    if (p.libraryGroupIds.length === 0) throw badRequest('plan_needs_library_group', 'A plan needs at least one library group.');
    const groups = await this.repo.existingGroupIds(p.libraryGroupIds);
    const unknownGroups = p.libraryGroupIds.filter((g) => !groups.includes(g));
    if (unknownGroups.length) throw badRequest('unknown_library_group', 'Some library groups do not exist.', { groupIds: unknownGroups });
    const servers = await this.repo.serverCapabilities(p.serverIds);
    const unknownServers = p.serverIds.filter((s) => !servers.some((c) => c.id === s));
    if (unknownServers.length) throw badRequest('unknown_server', 'Some target servers do not exist.', { serverIds: unknownServers });
    if (p.allowDownloads) {
      const noPass = servers.filter((s) => s.kind === 'plex' && s.plexPass !== true);
      if (noPass.length) {
        throw badRequest('downloads_need_plex_pass', `Downloads need Plex Pass: the Plex account of ${noPass.map((s) => s.name).join(', ')} has no Plex Pass.`, { serverIds: noPass.map((s) => s.id) });
      }
      const noPremiere = servers.filter((s) => s.kind === 'emby' && !s.embyPremiere);
      if (noPremiere.length) {
        throw badRequest('downloads_need_emby_premiere', `Downloads on Emby need Emby Premiere: ${noPremiere.map((s) => s.name).join(', ')} is not marked as having it.`, { serverIds: noPremiere.map((s) => s.id) });
      }
    }
    if (!p.allowDownloads && p.weeklyDownloadQuota !== null && p.weeklyDownloadQuota > 0) {
      throw badRequest('quota_needs_downloads', 'A weekly download quota only applies to a plan that allows downloads.');
    }
    if (p.isTrial && !p.trialDays) throw badRequest('trial_needs_duration', 'A trial plan needs its trial length in days.');
    if (!p.isTrial && p.trialDays !== null) throw badRequest('trial_duration_without_trial', 'A trial length only applies to a trial plan.');
    if (current?.isDefault && !p.isDefault) throw badRequest('default_required', 'Exactly one plan is the default: make another plan the default instead.');
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
