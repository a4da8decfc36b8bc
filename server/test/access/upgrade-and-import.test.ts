import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { memberStatus } from '../../src/domain/member-status.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import type { Kysely } from 'kysely';
import { describeEachDb, freshDatabase, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin } from '../support/app.js';

const T0 = '2026-01-01T00:00:00.000Z';

function member(id: string, permanent: boolean, importExpiresAt: string | null, deletedAt: string | null = null) {
  return { id, email: `${id}@example.com`, username: id, display_name: null, login_id: null, permanent, source: 'import', import_expires_at: importExpiresAt, deleted_at: deletedAt, created_at: T0, updated_at: T0 };
}

describeEachDb('upgrade to plans and payments', (dialect) => {
  const track = trackDisposables();

  it('gives every non-permanent member one default-plan payment, so nobody loses access', async () => {
    const fresh = track(await freshDatabase(dialect, { migrate: false }));
    await migrateTo(fresh.handle, '0005_sync_guard');
    const db = fresh.handle.db as unknown as Kysely<Database>;
    await sql`insert into settings (section, value, updated_at) values ('general', ${JSON.stringify({ currency: 'EUR', timeZone: 'Europe/Paris' })}, ${T0})`.execute(db);
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString();
    const past = '2025-06-01T00:00:00.000Z';
    await db
      .insertInto('members')
      .values([member('perm', true, null), member('until-date', false, later), member('no-date', false, null), member('lapsed', false, past), member('gone', false, null, T0)])
      .execute();

    const before = Date.now();
    await migrateToLatest(fresh.handle);
    const after = Date.now();

    const payments = await db.selectFrom('payments').selectAll().orderBy('member_id').execute();
    expect(payments.map((p) => p.member_id)).toEqual(['lapsed', 'no-date', 'until-date']);
    for (const p of payments) expect(p).toMatchObject({ plan_id: 'plan-default', amount_minor: 0, currency: 'EUR', gateway: 'manual' });
    const byMember = new Map(payments.map((p) => [p.member_id, p]));
    expect(byMember.get('until-date')!.period_to).toBe(later);
    // One calendar month in the site time zone from the migration's run time.
    const noDate = byMember.get('no-date')!;
    const from = Date.parse(noDate.period_from);
    expect(from).toBeGreaterThanOrEqual(before - 1);
    expect(from).toBeLessThanOrEqual(after + 1);
    const days = (Date.parse(noDate.period_to) - from) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(28 - 1 / 24);
    expect(days).toBeLessThanOrEqual(31 + 1 / 24);

    const now = new Date();
    for (const id of ['until-date', 'no-date']) {
      const p = byMember.get(id)!;
      const status = memberStatus({ permanent: false, payments: [{ id: p.id, from: new Date(p.period_from), to: new Date(p.period_to) }], now });
      expect(status.active, id).toBe(true);
    }
    // An import expiry already past stays past: that member was expired before the upgrade too.
    expect(byMember.get('lapsed')!.period_to).toBe(past);

    const plan = await db.selectFrom('plans').selectAll().executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ id: 'plan-default', name: 'Default', cost_minor: 0, duration_unit: 'months', duration_count: 1 });
    expect(Boolean(plan.is_default)).toBe(true);
    expect(Boolean(plan.active)).toBe(false);
    expect(await db.selectFrom('plan_library_groups').selectAll().execute()).toEqual([{ plan_id: 'plan-default', group_id: 'group-standard' }]);
  });
});

describeEachDb('importing members records default-plan payments', (dialect) => {
  const track = trackDisposables();

  it('an expiring import gets a payment until the chosen date; a permanent import none', async () => {
    const usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    const db = usher.db.handle.db;
    const now = usher.clock.now().toISOString();
    for (const id of ['srv-a', 'srv-b']) {
      await db
        .insertInto('servers')
        .values({ id, kind: 'jellyfin', name: id, machine_id: null, version: null, plex_account_id: null, url: `http://127.0.0.1:9/${id}`, api_key: null, allow_self_signed: false, location_id: null, enabled: true, allow_new_subscriptions: true, allow_trials: true, max_users: 0, allow_4k_transcoding: false, log_streaming: false, log_downloads: false, has_emby_premiere: false, status: 'ok', status_message: null, members_imported_at: null, created_at: now, updated_at: now })
        .execute();
      await db
        .insertInto('member_accounts')
        .values({ id: `acc-${id}`, server_id: id, member_id: null, remote_id: `r-${id}`, username: `user-${id}`, email: `${id}@example.com`, display_name: null, state: 'active', libraries: '[]', allow_downloads: false, share_id: null, invited_at: null, accepted_at: null, first_seen_at: now, updated_at: now })
        .execute();
    }
    const until = '2026-06-01T00:00:00.000Z';
    expect((await admin.post('/api/admin/members/import', { serverIds: ['srv-a'], mode: 'expiring', expiresAt: until })).json()).toEqual({ imported: 1 });
    expect((await admin.post('/api/admin/members/import', { serverIds: ['srv-b'], mode: 'permanent' })).json()).toEqual({ imported: 1 });

    const members = (await admin.get('/api/admin/members')).json().items as { username: string; status: { state: string; until: string | null; planId: string | null } }[];
    const a = members.find((m) => m.username === 'user-srv-a')!;
    const b = members.find((m) => m.username === 'user-srv-b')!;
    expect(a.status).toMatchObject({ state: 'active', until, planId: 'plan-default' });
    expect(b.status).toMatchObject({ state: 'permanent' });
    const payments = await db.selectFrom('payments').selectAll().execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ plan_id: 'plan-default', period_from: now, period_to: until, amount_minor: 0 });
  });
});

describeEachDb('import preview rows: each is Permanent or Default plan until DATE (reference §2.11)', (dialect) => {
  const track = trackDisposables();

  it('rows that differ from the page-wide choice are imported as chosen; only "until DATE" rows get a payment', async () => {
    const usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    const db = usher.db.handle.db;
    const now = usher.clock.now().toISOString();
    await db
      .insertInto('servers')
      .values({
        id: 'srv',
        kind: 'jellyfin',
        name: 'srv',
        machine_id: null,
        version: null,
        plex_account_id: null,
        url: 'http://127.0.0.1:9/srv',
        api_key: null,
        allow_self_signed: false,
        location_id: null,
        enabled: true,
        allow_new_subscriptions: true,
        allow_trials: true,
        max_users: 0,
        allow_4k_transcoding: false,
        log_streaming: false,
        log_downloads: false,
        has_emby_premiere: false,
        status: 'ok',
        status_message: null,
        members_imported_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const name of ['friend', 'payer', 'other', 'left']) {
      await db
        .insertInto('member_accounts')
        .values({
          id: `acc-${name}`,
          server_id: 'srv',
          member_id: null,
          remote_id: name,
          username: name,
          email: `${name}@example.com`,
          display_name: null,
          state: 'active',
          libraries: '[]',
          allow_downloads: false,
          share_id: null,
          invited_at: null,
          accepted_at: null,
          first_seen_at: now,
          updated_at: now,
        })
        .execute();
    }
    const until = '2026-06-01T00:00:00.000Z';
    const body = {
      serverIds: ['srv'],
      mode: 'permanent',
      rows: [
        { account: 'srv:payer', mode: 'expiring' },
        { account: 'srv:left', mode: 'expiring' },
      ],
      exclude: ['srv:left'],
    };
    // A row on the default plan needs the date, even when the page-wide choice is Permanent; nothing is imported without it.
    const refused = await admin.post('/api/admin/members/import', body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('invalid_expiry');
    expect(await db.selectFrom('members').select('id').execute()).toEqual([]);

    expect((await admin.post('/api/admin/members/import', { ...body, expiresAt: until })).json()).toEqual({ imported: 3 });
    const members = (await admin.get('/api/admin/members')).json().items as {
      username: string;
      status: { state: string; until: string | null; planId: string | null };
    }[];
    const statusOf = (name: string) => members.find((m) => m.username === name)?.status;
    expect(statusOf('friend')).toMatchObject({ state: 'permanent' });
    expect(statusOf('other')).toMatchObject({ state: 'permanent' });
    expect(statusOf('payer')).toMatchObject({ state: 'active', until, planId: 'plan-default' });
    expect(statusOf('left')).toBeUndefined();
    const payments = await db
      .selectFrom('payments')
      .innerJoin('members', 'members.id', 'payments.member_id')
      .select(['members.username', 'payments.period_to'])
      .execute();
    expect(payments).toEqual([{ username: 'payer', period_to: until }]);
  });
});
