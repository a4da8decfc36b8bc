import { sql, type Kysely } from 'kysely';
import { periodEnd } from '../../domain/calendar.js';

/**
 * Plans and payments (issue 8). Payments become the source of truth for who is active, so an
 * existing install must not lose anyone on upgrade: every non-permanent member without a payment
 * gets one on the seeded default plan. A migration has no injected clock, so "now" is the moment
 * the migration runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cost_minor', 'integer', (c) => c.notNull())
    .addColumn('duration_unit', 'text', (c) => c.notNull()) // 'days' | 'months'
    .addColumn('duration_count', 'integer', (c) => c.notNull())
    .addColumn('max_streams', 'integer') // null = no limit
    .addColumn('allow_downloads', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('weekly_download_quota', 'integer') // null = no limit
    .addColumn('allow_transcoding', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('max_emby_devices', 'integer') // null = no limit
    .addColumn('max_sub_accounts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('master_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_trial', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('trial_days', 'integer')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stripe_price_id', 'text')
    .addColumn('paypal_plan_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_library_groups')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('library_groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('plan_library_groups_pk', ['plan_id', 'group_id'])
    .execute();

  // A server deleted from Usher simply drops out of the plans that targeted it.
  await db.schema
    .createTable('plan_servers')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('plan_servers_pk', ['plan_id', 'server_id'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // No cascade: a plan with payments cannot be deleted (the service says how many members).
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('sequence_number', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('subscription_id', 'text')
    .addColumn('payer_email', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('payments_member_idx').on('payments').columns(['member_id', 'period_to']).execute();
  await db.schema.createIndex('payments_plan_idx').on('payments').column('plan_id').execute();
  // A null transaction id (most manual payments) never collides: NULLs are distinct on both dialects.
  await db.schema.createIndex('payments_transaction_uq').unique().on('payments').columns(['gateway', 'transaction_id', 'sequence_number']).execute();

  const now = new Date();
  const nowIso = now.toISOString();
  const general = await readGeneralSettings(db);
  const duration = { unit: 'months' as const, count: 1 };

  // Inactive = not offered in checkout (reference §2.7); its members keep it and renew it.
  await sql`insert into plans (id, name, description, cost_minor, duration_unit, duration_count, allow_downloads, allow_transcoding,
      max_sub_accounts, master_only, is_default, is_trial, active, sort_order, created_at, updated_at)
    values ('plan-default', 'Default', 'Members imported before plans existed.', 0, ${duration.unit}, ${duration.count}, ${false}, ${true},
      0, ${false}, ${true}, ${false}, ${false}, 0, ${nowIso}, ${nowIso})`.execute(db);
  await sql`insert into plan_library_groups (plan_id, group_id) values ('plan-default', 'group-standard')`.execute(db);

  const { rows: members } = await sql<{ id: string; import_expires_at: string | null; created_at: string }>`
    select m.id, m.import_expires_at, m.created_at from members m
    where m.permanent = ${false} and m.deleted_at is null
      and not exists (select 1 from payments p where p.member_id = m.id)`.execute(db);
  const defaultEnd = periodEnd(now, duration, general.timeZone).toISOString();
  for (const m of members) {
    const to = m.import_expires_at ?? defaultEnd;
    // An import expiry already past stays past: the member was expired before and still is.
    const from = to > nowIso ? nowIso : m.created_at < to ? m.created_at : to;
    await sql`insert into payments (id, member_id, plan_id, amount_minor, currency, period_from, period_to, gateway, sequence_number, notes, created_at, created_by)
      values (${`pay-seed-${m.id}`}, ${m.id}, 'plan-default', 0, ${general.currency}, ${from}, ${to}, 'manual', 0,
        'Recorded by the upgrade to plans, so the member keeps access.', ${nowIso}, 'system')`.execute(db);
  }
}

async function readGeneralSettings(db: Kysely<unknown>): Promise<{ currency: string; timeZone: string }> {
  const { rows } = await sql<{ value: string }>`select value from settings where section = 'general'`.execute(db);
  let stored: Record<string, unknown> = {};
  try {
    stored = rows[0] ? (JSON.parse(rows[0].value) as Record<string, unknown>) : {};
  } catch {
    stored = {};
  }
  const currency = typeof stored.currency === 'string' && /^[A-Z]{3}$/.test(stored.currency) ? stored.currency : 'USD';
  const timeZone = typeof stored.timeZone === 'string' && isZone(stored.timeZone) ? stored.timeZone : 'UTC';
  return { currency, timeZone };
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the plans and payments migration cannot be rolled back'));
}
