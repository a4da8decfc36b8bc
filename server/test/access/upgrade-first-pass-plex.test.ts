import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../../../fakes/src/index.js';
import { migrateTo } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { SecretBox } from '../../src/platform/secrets.js';
import { createTestUsher, setupAdmin, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables, type FreshDatabase } from '../support/db.js';
import { operationRows } from '../media/support/operations.js';

/**
 * The upgrade acceptance on Plex, where taking access away removes the share: an install from
 * before the access engine whose imported members (permanent and not, one invite still pending)
 * share exactly the Standard group keeps every share, with the same sections, through the first
 * pass with remote writes on. The old install is made by a current Usher on the same fakes and
 * copied, column by column as they were then, into a database migrated only that far.
 */
const STARTS = ['0007_privilege_ceiling', '0012_member_fields'] as const;
const DAY_MS = 86_400_000;

/** The columns each table had at 0007/0012 (later migrations added the rest). */
const OLD_COLUMNS = {
  plex_accounts: [
    'id',
    'email',
    'username',
    'plex_user_id',
    'token',
    'password',
    'proxy_url',
    'proxy_username',
    'proxy_password',
    'has_plex_pass',
    'plex_pass_override',
    'token_status',
    'token_checked_at',
    'created_at',
    'updated_at',
  ],
  servers: [
    'id',
    'kind',
    'name',
    'machine_id',
    'version',
    'plex_account_id',
    'url',
    'api_key',
    'allow_self_signed',
    'location_id',
    'enabled',
    'allow_new_subscriptions',
    'allow_trials',
    'max_users',
    'allow_4k_transcoding',
    'log_streaming',
    'log_downloads',
    'has_emby_premiere',
    'status',
    'status_message',
    'members_imported_at',
    'created_at',
    'updated_at',
  ],
  libraries: ['id', 'server_id', 'remote_id', 'key', 'title', 'type', 'group_id', 'item_count', 'removed_at', 'created_at', 'updated_at'],
  members: [
    'id',
    'email',
    'username',
    'display_name',
    'login_id',
    'permanent',
    'source',
    'import_expires_at',
    'deleted_at',
    'created_at',
    'updated_at',
  ],
  member_accounts: [
    'id',
    'server_id',
    'member_id',
    'remote_id',
    'username',
    'email',
    'display_name',
    'state',
    'libraries',
    'allow_downloads',
    'share_id',
    'invited_at',
    'accepted_at',
    'first_seen_at',
    'updated_at',
  ],
  payments: [
    'id',
    'member_id',
    'plan_id',
    'amount_minor',
    'currency',
    'period_from',
    'period_to',
    'gateway',
    'transaction_id',
    'sequence_number',
    'subscription_id',
    'payer_email',
    'notes',
    'created_at',
    'created_by',
  ],
} as const;
const BOOLEANS = new Set([
  'has_plex_pass',
  'plex_pass_override',
  'allow_self_signed',
  'enabled',
  'allow_new_subscriptions',
  'allow_trials',
  'allow_4k_transcoding',
  'log_streaming',
  'log_downloads',
  'has_emby_premiere',
  'permanent',
  'allow_downloads',
]);

type Rows = Record<string, Record<string, unknown>[]>;

for (const start of STARTS) {
  describeEachDb(`Upgrade from ${start} on Plex: the first pass keeps every share and its sections`, (dialect) => {
    const track = trackDisposables();
    const secrets = new SecretBox(randomBytes(32));
    let fakes: PlexFakes;
    let usher: TestUsher;
    let machineId: string;
    let serverId: string;
    const rows: Rows = {};
    const shares = () =>
      fakes.plexTv.state
        .sharesOfServer(machineId)
        .map((s) => ({
          invited: s.invitedId,
          accepted: s.accepted,
          all: s.allLibraries,
          sections: [...s.sectionIds].sort((a, b) => a - b),
        }))
        .sort((a, b) => (a.invited ?? 0) - (b.invited ?? 0));
    let before: ReturnType<typeof shares>;

    const prepare = async (fresh: FreshDatabase) => {
      await migrateTo(fresh.handle, start);
      const db = fresh.handle.db as unknown as Kysely<Database>;
      for (const table of Object.keys(OLD_COLUMNS) as (keyof typeof OLD_COLUMNS)[]) {
        // Before 0008 an expiring import kept only its date; the migration turns it into a payment.
        if (table === 'payments' && start === '0007_privilege_ceiling') continue;
        for (const row of rows[table] ?? [])
          await db
            .insertInto(table)
            .values(row as never)
            .execute();
      }
    };

    beforeAll(async () => {
      fakes = await startPlexFakes({ servers: 1, usersPerServer: 4, pendingInvitesPerServer: 1, serverNames: ['Alpha'] });
      const url = fakes.plexTvUrl;
      const env = { PLEX_TV_URL: url, PLEX_CLIENTS_URL: url, PLEX_APP_URL: url };

      // The old install, made by a current Usher: the Plex account and server, the non-4K sections
      // (what every share holds) in the Standard group, the members imported, one of them permanent.
      const old = await createTestUsher('sqlite', env, { secrets });
      try {
        old.clock.set(new Date());
        const admin = await setupAdmin(old);
        await old.container.operations.stop();
        const accountId = (await admin.post('/api/admin/plex-accounts', { token: fakes.owner.token })).json().id;
        const alpha = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`))
          .json()
          .items.find((s: { name: string }) => s.name === 'Alpha');
        machineId = alpha.machineId;
        serverId = (
          await admin.post('/api/admin/servers', {
            kind: 'plex',
            plexAccountId: accountId,
            machineId,
            url: alpha.connections[0].uri,
            enabled: true,
          })
        ).json().id;
        expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
        for (const lib of await old.db.handle.db
          .selectFrom('libraries')
          .select(['id', 'title'])
          .where('server_id', '=', serverId)
          .execute()) {
          if (!/4k/i.test(lib.title))
            expect((await admin.put(`/api/admin/libraries/${lib.id}/group`, { groupId: 'group-standard' })).statusCode).toBe(200);
        }
        const accounts = await old.db.handle.db
          .selectFrom('member_accounts')
          .select(['remote_id', 'state'])
          .where('server_id', '=', serverId)
          .orderBy('remote_id')
          .execute();
        expect(accounts.map((a) => a.state)).toContain('pending');
        const expiresAt = new Date(Date.now() + 60 * DAY_MS).toISOString();
        const body = {
          serverIds: [serverId],
          mode: 'expiring',
          expiresAt,
          rows: [{ account: `${serverId}:${accounts[0]!.remote_id}`, mode: 'permanent' }],
        };
        expect((await admin.post('/api/admin/members/import', body)).json()).toEqual({ imported: 5 });
        const db = old.db.handle.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        for (const [table, columns] of Object.entries(OLD_COLUMNS)) {
          const found = await db
            .selectFrom(table)
            .select([...columns])
            .execute();
          rows[table] = found.map((r) =>
            Object.fromEntries(Object.entries(r).map(([k, v]) => [k, BOOLEANS.has(k) && v !== null ? Boolean(v) : v])),
          );
        }
      } finally {
        await old.dispose();
      }
      before = shares();
      expect(before).toHaveLength(5);

      usher = track(await createTestUsher(dialect, env, { secrets, prepare }));
      usher.clock.set(new Date());
    });
    afterAll(() => fakes.close());

    it('no share is removed or re-invited, and each keeps exactly its sections', async () => {
      const admin = await setupAdmin(usher);
      await usher.container.operations.stop();
      expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
      const members = (await admin.get('/api/admin/members')).json().items as { status: { state: string } }[];
      expect(members.map((m) => m.status.state).sort()).toEqual(['active', 'active', 'active', 'active', 'permanent']);

      const dry = (await admin.get('/api/admin/access/dry-run')).json();
      expect(dry.changes.filter((c: { kind: string }) => c.kind !== 'grant')).toEqual([]);

      expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
      await usher.container.access.reconcileAll();
      await usher.container.operations.applyDue();
      const ops = await operationRows(usher);
      expect(ops.filter((o) => o.kind !== 'grant' || o.status !== 'done')).toEqual([]);
      expect(shares()).toEqual(before);

      expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });
      expect((await usher.container.access.reconcileAll()).operations).toEqual([]);
    });
  });
}
