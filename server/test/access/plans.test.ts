import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

const NOW = '2026-03-01T12:00:00.000Z';

/** Servers inserted as rows: the plan rules only read their kind and Plex Pass / Premiere flags. */
async function addServer(usher: TestUsher, id: string, kind: 'plex' | 'emby' | 'jellyfin', flags: { plexPass?: boolean; premiere?: boolean } = {}) {
  const db = usher.db.handle.db;
  let plexAccountId: string | null = null;
  if (kind === 'plex') {
    plexAccountId = `pa-${id}`;
    await db
      .insertInto('plex_accounts')
      .values({ id: plexAccountId, email: `${id}@example.com`, username: id, plex_user_id: null, token: 'sealed', password: null, proxy_url: null, proxy_username: null, proxy_password: null, has_plex_pass: flags.plexPass ?? false, plex_pass_override: null, token_status: 'valid', token_checked_at: null, created_at: NOW, updated_at: NOW })
      .execute();
  }
  await db
    .insertInto('servers')
    .values({ id, kind, name: `Server ${id}`, machine_id: null, version: null, plex_account_id: plexAccountId, url: `http://127.0.0.1:9/${id}`, api_key: null, allow_self_signed: false, location_id: null, enabled: true, allow_new_subscriptions: true, allow_trials: true, max_users: 0, allow_4k_transcoding: false, log_streaming: false, log_downloads: false, has_emby_premiere: flags.premiere ?? false, status: 'ok', status_message: null, members_imported_at: NOW, created_at: NOW, updated_at: NOW })
    .execute();
}

const basePlan = { name: 'Standard', costMinor: 1000, duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'] };

describeEachDb('plans', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await addServer(usher, 'plex-nopass', 'plex');
    await addServer(usher, 'plex-pass', 'plex', { plexPass: true });
    await addServer(usher, 'emby-plain', 'emby');
    await addServer(usher, 'emby-premiere', 'emby', { premiere: true });
    await addServer(usher, 'jelly', 'jellyfin');
  });

  it('starts with the seeded default plan, inactive (not for sale), on the Standard group', async () => {
    const items = (await admin.get('/api/admin/plans')).json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 'plan-default', name: 'Default', isDefault: true, active: false, costMinor: 0, currency: 'USD', duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'] });
  });

  it('creates a plan with every field and audits it', async () => {
    const body = {
      ...basePlan,
      name: 'Premium',
      description: 'Everything',
      libraryGroupIds: ['group-standard', 'group-premium-4k'],
      serverIds: ['plex-pass', 'emby-premiere', 'jelly'],
      maxStreams: 3,
      allowDownloads: true,
      weeklyDownloadQuota: 20,
      allowTranscoding: false,
      maxEmbyDevices: 5,
      maxSubAccounts: 2,
      masterOnly: true,
      isTrial: true,
      trialDays: 7,
      stripePriceId: 'price_123abc',
      paypalPlanId: 'P-5ML4271244454362WXNWU5NQ',
    };
    const res = await admin.post('/api/admin/plans', body);
    expect(res.statusCode).toBe(201);
    const plan = res.json();
    expect(plan).toMatchObject({ ...body, serverIds: ['emby-premiere', 'jelly', 'plex-pass'], libraryGroupIds: ['group-premium-4k', 'group-standard'], isDefault: false, active: true, currency: 'USD', members: 0, sortOrder: 1 });
    const audit = (await admin.get('/api/admin/audit?q=plan.create')).json();
    expect(JSON.stringify(audit)).toContain('plan.create');
  });

  it('refuses every broken rule with a code that names it, changing nothing', async () => {
    const cases: [object, string][] = [
      [{ ...basePlan, libraryGroupIds: [] }, 'validation_failed'],
      [{ ...basePlan, libraryGroupIds: ['nope'] }, 'unknown_library_group'],
      [{ ...basePlan, serverIds: ['nope'] }, 'unknown_server'],
      [{ ...basePlan, costMinor: 9.5 }, 'validation_failed'],
      [{ ...basePlan, costMinor: -1 }, 'validation_failed'],
      [{ ...basePlan, duration: { unit: 'days', count: 0 } }, 'validation_failed'],
      [{ ...basePlan, duration: { unit: 'months', count: 121 } }, 'validation_failed'],
      [{ ...basePlan, allowDownloads: true, serverIds: ['plex-nopass'] }, 'downloads_need_plex_pass'],
      [{ ...basePlan, allowDownloads: true, serverIds: ['emby-plain'] }, 'downloads_need_emby_premiere'],
      [{ ...basePlan, weeklyDownloadQuota: 5 }, 'quota_needs_downloads'],
      [{ ...basePlan, isTrial: true }, 'trial_needs_duration'],
      [{ ...basePlan, trialDays: 3 }, 'trial_duration_without_trial'],
      [{ ...basePlan, stripePriceId: 'prod_1' }, 'validation_failed'],
      [{ ...basePlan, paypalPlanId: 'I-ABC' }, 'validation_failed'],
      [{ ...basePlan, name: '' }, 'validation_failed'],
    ];
    const before = (await admin.get('/api/admin/plans')).json().items.length;
    for (const [body, code] of cases) {
      const res = await admin.post('/api/admin/plans', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code, JSON.stringify(body)).toBe(code);
      expect(res.json().error.message.length).toBeGreaterThan(10);
    }
    expect((await admin.get('/api/admin/plans')).json().items.length).toBe(before);
    // Schema-level refusals name the rule in their issues.
    const noGroup = await admin.post('/api/admin/plans', { ...basePlan, libraryGroupIds: [] });
    expect(JSON.stringify(noGroup.json().error.details)).toContain('at least one library group');
    const badDuration = await admin.post('/api/admin/plans', { ...basePlan, duration: { unit: 'months', count: 121 } });
    expect(JSON.stringify(badDuration.json().error.details)).toContain('at most 3650 days or 120 months');
    const plexPass = await admin.post('/api/admin/plans', { ...basePlan, allowDownloads: true, serverIds: ['plex-nopass'] });
    expect(plexPass.json().error.message).toContain('Plex Pass');
    // A Plex Pass override set by the admin counts as Plex Pass.
    await usher.db.handle.db.updateTable('plex_accounts').set({ plex_pass_override: true }).where('id', '=', 'pa-plex-nopass').execute();
    expect((await admin.post('/api/admin/plans', { ...basePlan, name: 'Overridden', allowDownloads: true, serverIds: ['plex-nopass'] })).statusCode).toBe(201);
    await usher.db.handle.db.updateTable('plex_accounts').set({ plex_pass_override: null }).where('id', '=', 'pa-plex-nopass').execute();
    // Editing into a broken state is refused too.
    const plain = (await admin.post('/api/admin/plans', { ...basePlan, name: 'Plain', serverIds: ['emby-plain'] })).json();
    const edit = await admin.patch(`/api/admin/plans/${plain.id}`, { allowDownloads: true });
    expect(edit.json().error.code).toBe('downloads_need_emby_premiere');
    expect((await admin.get(`/api/admin/plans/${plain.id}`)).json().allowDownloads).toBe(false);
  });

  it('keeps exactly one default: a new default unsets the previous, and the default cannot be unset or deleted', async () => {
    const a = (await admin.post('/api/admin/plans', { ...basePlan, name: 'Default A', isDefault: true })).json();
    let defaults = (await admin.get('/api/admin/plans')).json().items.filter((p: { isDefault: boolean }) => p.isDefault);
    expect(defaults.map((p: { id: string }) => p.id)).toEqual([a.id]);
    const b = (await admin.post('/api/admin/plans', { ...basePlan, name: 'Default B' })).json();
    expect((await admin.patch(`/api/admin/plans/${b.id}`, { isDefault: true })).statusCode).toBe(200);
    defaults = (await admin.get('/api/admin/plans')).json().items.filter((p: { isDefault: boolean }) => p.isDefault);
    expect(defaults.map((p: { id: string }) => p.id)).toEqual([b.id]);
    expect((await admin.patch(`/api/admin/plans/${b.id}`, { isDefault: false })).json().error.code).toBe('default_required');
    expect((await admin.delete(`/api/admin/plans/${b.id}`)).json().error.code).toBe('plan_is_default');
    expect((await admin.delete(`/api/admin/plans/${a.id}`)).statusCode).toBe(200);
  });

  it('reorders with the full list only', async () => {
    const ids = (await admin.get('/api/admin/plans')).json().items.map((p: { id: string }) => p.id) as string[];
    const reversed = [...ids].reverse();
    expect((await admin.put('/api/admin/plans/order', { ids: reversed.slice(1) })).json().error.code).toBe('plan_order_incomplete');
    expect((await admin.put('/api/admin/plans/order', { ids: reversed })).statusCode).toBe(200);
    expect((await admin.get('/api/admin/plans')).json().items.map((p: { id: string }) => p.id)).toEqual(reversed);
  });

  it('refuses to delete a plan in use with the member count; a deactivated plan keeps its members', async () => {
    const plan = (await admin.post('/api/admin/plans', { ...basePlan, name: 'Used' })).json();
    const db = usher.db.handle.db;
    for (const id of ['m-used-1', 'm-used-2']) {
      await db.insertInto('members').values({ id, email: `${id}@example.com`, username: id, display_name: null, login_id: null, permanent: false, source: 'invite', import_expires_at: null, deleted_at: null, created_at: NOW, updated_at: NOW }).execute();
      expect((await admin.post(`/api/admin/members/${id}/payments`, { planId: plan.id })).statusCode).toBe(201);
    }
    const refused = await admin.delete(`/api/admin/plans/${plan.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'plan_in_use', details: { members: 2 } });
    expect(refused.json().error.message).toContain('2 members');
    expect((await admin.patch(`/api/admin/plans/${plan.id}`, { active: false })).json()).toMatchObject({ active: false, members: 2 });
    const member = (await admin.get('/api/admin/members/m-used-1')).json();
    expect(member.status).toMatchObject({ state: 'active', planId: plan.id });
  });

  it('refuses to change the currency while priced plans or payments exist, and allows it otherwise', async () => {
    const refused = await admin.put('/api/admin/settings/general', { values: { currency: 'EUR' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('currency_locked');
    expect(refused.json().error.message).toContain('USD');
    expect((await admin.get('/api/admin/settings/general')).json().values.currency).toBe('USD');
    const bogus = await admin.put('/api/admin/settings/general', { values: { currency: 'ABC' } });
    expect(bogus.json().error.code).toBe('invalid_settings');
  });
});

describeEachDb('currency on a fresh install', (dialect) => {
  const track = trackDisposables();
  it('can change while only the free seeded plan exists', async () => {
    const usher = track(await createTestUsher(dialect));
    const admin = await setupAdmin(usher);
    expect((await admin.put('/api/admin/settings/general', { values: { currency: 'EUR' } })).statusCode).toBe(200);
    expect((await admin.get('/api/admin/plans')).json().items[0].currency).toBe('EUR');
  });
});
