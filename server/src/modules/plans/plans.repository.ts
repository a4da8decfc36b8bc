import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PlansTable } from '../../db/schema-plans.js';
import type { PlanDuration } from '../../domain/calendar.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PlanRecord {
  id: string;
  name: string;
  description: string;
  costMinor: number;
  duration: PlanDuration;
  maxStreams: number | null;
  /** Which streams a member over maxStreams loses: the newest ones over the limit, or all of them. */
  streamLimitPolicy: 'newest' | 'all';
  allowDownloads: boolean;
  weeklyDownloadQuota: number | null;
  allowTranscoding: boolean;
  maxEmbyDevices: number | null;
  maxSubAccounts: number;
  masterOnly: boolean;
  isDefault: boolean;
  isTrial: boolean;
  trialDays: number | null;
  active: boolean;
  sortOrder: number;
  stripePriceId: string | null;
  paypalPlanId: string | null;
  libraryGroupIds: string[];
  serverIds: string[];
  createdAt: string;
  updatedAt: string;
}

export type PlanFields = Omit<PlanRecord, 'id' | 'createdAt' | 'updatedAt' | 'sortOrder'>;

/** The target servers' download capabilities, for the Plex Pass / Emby Premiere rule. */
export interface ServerCapability {
  id: string;
  name: string;
  kind: string;
  plexPass: boolean | null; // null: no Plex account attached
  embyPremiere: boolean;
}

function columns(f: PlanFields) {
  return {
    name: f.name,
    description: f.description,
    cost_minor: f.costMinor,
    duration_unit: f.duration.unit,
    duration_count: f.duration.count,
    max_streams: f.maxStreams,
    stream_limit_policy: f.streamLimitPolicy,
    allow_downloads: f.allowDownloads,
    weekly_download_quota: f.weeklyDownloadQuota,
    allow_transcoding: f.allowTranscoding,
    max_emby_devices: f.maxEmbyDevices,
    max_sub_accounts: f.maxSubAccounts,
    master_only: f.masterOnly,
    is_default: f.isDefault,
    is_trial: f.isTrial,
    trial_days: f.trialDays,
    active: f.active,
    stripe_price_id: f.stripePriceId,
    paypal_plan_id: f.paypalPlanId,
  };
}

function toRecord(r: Selectable<PlansTable>, groups: string[], servers: string[]): PlanRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    costMinor: Number(r.cost_minor),
    duration: { unit: r.duration_unit === 'months' ? 'months' : 'days', count: Number(r.duration_count) },
    maxStreams: r.max_streams,
    streamLimitPolicy: r.stream_limit_policy === 'all' ? 'all' : 'newest',
    allowDownloads: toBool(r.allow_downloads),
    weeklyDownloadQuota: r.weekly_download_quota,
    allowTranscoding: toBool(r.allow_transcoding),
    maxEmbyDevices: r.max_emby_devices,
    maxSubAccounts: Number(r.max_sub_accounts),
    masterOnly: toBool(r.master_only),
    isDefault: toBool(r.is_default),
    isTrial: toBool(r.is_trial),
    trialDays: r.trial_days,
    active: toBool(r.active),
    sortOrder: Number(r.sort_order),
    stripePriceId: r.stripe_price_id,
    paypalPlanId: r.paypal_plan_id,
    libraryGroupIds: groups,
    serverIds: servers,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class PlansRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(db: Db = this.db): Promise<PlanRecord[]> {
    const rows = await db.selectFrom('plans').selectAll().orderBy('sort_order').orderBy('name').orderBy('id').execute();
    const groups = await db.selectFrom('plan_library_groups').selectAll().execute();
    const servers = await db.selectFrom('plan_servers').selectAll().execute();
    return rows.map((r) =>
      toRecord(
        r,
        groups.filter((g) => g.plan_id === r.id).map((g) => g.group_id).sort(),
        servers.filter((s) => s.plan_id === r.id).map((s) => s.server_id).sort(),
      ),
    );
  }

  async find(id: string, db: Db = this.db): Promise<PlanRecord | undefined> {
    const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const groups = await db.selectFrom('plan_library_groups').select('group_id').where('plan_id', '=', id).orderBy('group_id').execute();
    const servers = await db.selectFrom('plan_servers').select('server_id').where('plan_id', '=', id).orderBy('server_id').execute();
    return toRecord(row, groups.map((g) => g.group_id), servers.map((s) => s.server_id));
  }

  async findDefault(db: Db = this.db): Promise<PlanRecord | undefined> {
    const row = await db.selectFrom('plans').select('id').where('is_default', '=', true).orderBy('id').executeTakeFirst();
    return row ? this.find(row.id, db) : undefined;
  }

  async insert(id: string, fields: PlanFields, now: string, db: Db): Promise<void> {
    const last = await db.selectFrom('plans').select((eb) => eb.fn.max('sort_order').as('n')).executeTakeFirst();
    const sortOrder = last?.n === null || last?.n === undefined ? 0 : Number(last.n) + 1;
    await db.insertInto('plans').values({ id, ...columns(fields), sort_order: sortOrder, created_at: now, updated_at: now }).execute();
    await this.setLinks(id, fields, db);
  }

  async update(id: string, fields: PlanFields, now: string, db: Db): Promise<void> {
    await db.updateTable('plans').set({ ...columns(fields), updated_at: now }).where('id', '=', id).execute();
    await db.deleteFrom('plan_library_groups').where('plan_id', '=', id).execute();
    await db.deleteFrom('plan_servers').where('plan_id', '=', id).execute();
    await this.setLinks(id, fields, db);
  }

  /** Exactly one default: called in the same transaction that makes another plan the default. */
  async clearDefaultExcept(id: string, now: string, db: Db): Promise<void> {
    await db.updateTable('plans').set({ is_default: false, updated_at: now }).where('id', '!=', id).where('is_default', '=', true).execute();
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('plans').where('id', '=', id).execute();
  }

  async setOrder(ids: string[], now: string, db: Db): Promise<void> {
    for (const [index, id] of ids.entries()) await db.updateTable('plans').set({ sort_order: index, updated_at: now }).where('id', '=', id).execute();
  }

  /** Members with at least one payment on the plan (deleted members too: their payments still point at it). */
  async memberCount(planId: string, db: Db = this.db): Promise<number> {
    const row = await db
      .selectFrom('payments')
      .select(sql<number>`count(distinct member_id)`.as('n'))
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async existingGroupIds(ids: string[], db: Db = this.db): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await db.selectFrom('library_groups').select('id').where('id', 'in', ids).execute()).map((r) => r.id);
  }

  async serverCapabilities(ids: string[], db: Db = this.db): Promise<ServerCapability[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('servers')
      .leftJoin('plex_accounts', 'plex_accounts.id', 'servers.plex_account_id')
      .select(['servers.id', 'servers.name', 'servers.kind', 'servers.has_emby_premiere', 'plex_accounts.has_plex_pass', 'plex_accounts.plex_pass_override', 'plex_accounts.id as account_id'])
      .where('servers.id', 'in', ids)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      // The admin's override wins over what plex.tv reported, as on the Plex accounts page.
      plexPass: r.account_id === null ? null : r.plex_pass_override !== null ? toBool(r.plex_pass_override) : toBool(r.has_plex_pass),
      embyPremiere: toBool(r.has_emby_premiere),
    }));
  }

  /** Money that a currency change would silently reinterpret: priced plans and non-zero payments. */
  async pricedCounts(): Promise<{ plans: number; payments: number }> {
    const plans = await this.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).where('cost_minor', '>', 0).executeTakeFirstOrThrow();
    const payments = await this.db.selectFrom('payments').select((eb) => eb.fn.countAll<number>().as('n')).where('amount_minor', '>', 0).executeTakeFirstOrThrow();
    return { plans: Number(plans.n), payments: Number(payments.n) };
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  private async setLinks(id: string, fields: PlanFields, db: Db): Promise<void> {
    if (fields.libraryGroupIds.length) await db.insertInto('plan_library_groups').values(fields.libraryGroupIds.map((g) => ({ plan_id: id, group_id: g }))).execute();
    if (fields.serverIds.length) await db.insertInto('plan_servers').values(fields.serverIds.map((s) => ({ plan_id: id, server_id: s }))).execute();
  }
}
