import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbyFake, startJellyfinFake, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { migrateTo } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { SecretBox } from '../../src/platform/secrets.js';
import { createTestUsher, setupAdmin, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables, type FreshDatabase } from '../support/db.js';
import { operationRows } from '../media/support/operations.js';

/**
 * Acceptance (issue 8): an install from before the access engine, with members imported from its
 * servers (permanent and not), upgraded and given a first pass with remote writes on, keeps every
 * member's libraries on the servers: nothing removed, nothing granted beyond the default plan's
 * Standard group (which holds exactly what they had).
 *
 * Two starting points: 0007 (before plans and payments existed: imports only had an expiry date)
 * and 0012 (imports recorded default-plan payments).
 */
const STARTS = ['0007_privilege_ceiling', '0012_member_fields'] as const;
const STANDARD = ['Movies', 'TV Shows'];
const T0 = '2026-01-01T00:00:00.000Z';
const DAY_MS = 86_400_000;

interface Seeded {
  fake: MediaBrowserFake;
  serverId: string;
}

for (const start of STARTS) {
  describeEachDb(`Upgrade from ${start}: the first pass keeps every imported member’s libraries`, (dialect) => {
    const track = trackDisposables();
    const secrets = new SecretBox(randomBytes(32));
    const servers: Seeded[] = [];
    let usher: TestUsher;
    const before = new Map<string, { folders: string[]; all: boolean }>();

    const seedFake = (fake: MediaBrowserFake) =>
      fake.seed({
        libraries: [
          { name: 'Movies', collectionType: 'movies' },
          { name: 'TV Shows', collectionType: 'tvshows' },
          { name: '4K Movies', collectionType: 'movies' },
          { name: 'Music', collectionType: 'music' },
        ],
        users: [
          { name: 'admin', password: 'admin-password', admin: true },
          ...[1, 2, 3, 4, 5].map((i) => ({
            name: `m${i}`,
            password: `pw-${i}`,
            libraries: STANDARD,
            allowDownloads: i % 2 === 0,
            disabled: i === 5,
          })),
        ],
      });

    /** The pre-upgrade install: servers, their libraries grouped by the admin, imported members and their accounts. */
    const prepare = async (fresh: FreshDatabase) => {
      await migrateTo(fresh.handle, start);
      const db = fresh.handle.db as unknown as Kysely<Database>;
      const now = new Date().toISOString();
      const importExpiry = new Date(Date.now() + 60 * DAY_MS).toISOString();
      for (const { fake, serverId } of servers) {
        await db
          .insertInto('servers')
          .values({
            id: serverId,
            kind: fake.flavor,
            name: serverId,
            machine_id: null,
            version: null,
            plex_account_id: null,
            url: fake.url,
            api_key: secrets.encrypt(fake.apiKey, { table: 'servers', column: 'api_key', rowId: serverId }),
            allow_self_signed: false,
            location_id: null,
            enabled: true,
            allow_new_subscriptions: true,
            allow_trials: true,
            max_users: 0,
            allow_4k_transcoding: true,
            log_streaming: false,
            log_downloads: false,
            has_emby_premiere: fake.flavor === 'emby',
            status: 'ok',
            status_message: null,
            members_imported_at: T0,
            created_at: T0,
            updated_at: T0,
          })
          .execute();
        for (const lib of fake.state.libraries.values()) {
          await db
            .insertInto('libraries')
            .values({
              id: `${serverId}-${lib.id}`,
              server_id: serverId,
              remote_id: lib.guid,
              key: lib.id,
              title: lib.name,
              type: 'movie',
              group_id: STANDARD.includes(lib.name) ? 'group-standard' : 'group-private',
              item_count: 0,
              removed_at: null,
              created_at: T0,
              updated_at: T0,
            })
            .execute();
        }
        for (const user of fake.state.users.values()) {
          if (user.name === 'admin') continue;
          const memberId = `${serverId}-${user.name}`;
          // m1 and m4 were imported as permanent; the others with an expiry date.
          const permanent = user.name === 'm1' || user.name === 'm4';
          await db
            .insertInto('members')
            .values({
              id: memberId,
              email: null,
              username: user.name,
              display_name: null,
              login_id: null,
              permanent,
              source: 'import',
              import_expires_at: permanent ? null : importExpiry,
              deleted_at: null,
              created_at: T0,
              updated_at: T0,
            })
            .execute();
          await db
            .insertInto('member_accounts')
            .values({
              id: `acc-${memberId}`,
              server_id: serverId,
              member_id: memberId,
              remote_id: user.id,
              username: user.name,
              email: null,
              display_name: user.name,
              state: user.policy.IsDisabled ? 'disabled' : 'active',
              libraries: JSON.stringify(user.policy.EnabledFolders),
              allow_downloads: user.policy.EnableContentDownloading === true,
              share_id: null,
              invited_at: null,
              accepted_at: null,
              first_seen_at: T0,
              updated_at: T0,
            })
            .execute();
          // Since 0008 an expiring import records a default-plan payment until the chosen date.
          if (start === '0012_member_fields' && !permanent) {
            await db
              .insertInto('payments')
              .values({
                id: `pay-${memberId}`,
                member_id: memberId,
                plan_id: 'plan-default',
                amount_minor: 0,
                currency: 'USD',
                period_from: now,
                period_to: importExpiry,
                gateway: 'manual',
                transaction_id: null,
                sequence_number: 0,
                subscription_id: null,
                payer_email: null,
                notes: 'Recorded on import.',
                created_at: now,
                created_by: 'system',
              })
              .execute();
          }
        }
      }
    };

    beforeAll(async () => {
      for (const [flavor, startFake] of [
        ['jellyfin', startJellyfinFake],
        ['emby', startEmbyFake],
      ] as const) {
        const fake = await startFake({ serverName: flavor, premiere: true });
        seedFake(fake);
        servers.push({ fake, serverId: `srv-${flavor}` });
        for (const user of fake.state.users.values()) {
          before.set(`${flavor}/${user.name}`, {
            folders: [...(user.policy.EnabledFolders as string[])].sort(),
            all: user.policy.EnableAllFolders === true,
          });
        }
      }
      usher = track(await createTestUsher(dialect, {}, { secrets, prepare }));
      // The migration seeded payments from the real "now"; the pass must run at that time too.
      usher.clock.set(new Date());
    });
    afterAll(async () => {
      for (const { fake } of servers) await fake.close();
    });

    it('after the upgrade the dry run lists no removal, and the first pass with writes on leaves every member’s libraries as they were', async () => {
      const admin = await setupAdmin(usher);
      await usher.container.operations.stop();
      for (const { serverId } of servers)
        expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true });

      const dry = (await admin.get('/api/admin/access/dry-run')).json();
      expect(dry.changes.filter((c: { kind: string }) => c.kind !== 'grant')).toEqual([]);
      for (const change of dry.changes as { librariesBefore: string[]; librariesAfter: string[] }[]) {
        expect([...change.librariesAfter].sort()).toEqual([...change.librariesBefore].sort());
      }

      expect((await admin.put('/api/admin/settings/mediaServer', { values: { syncSharedLibraries: true } })).statusCode).toBe(200);
      await usher.container.access.reconcileAll();
      await usher.container.operations.applyDue();
      const ops = await operationRows(usher);
      expect(ops.filter((o) => o.kind !== 'grant')).toEqual([]);
      expect(ops.filter((o) => o.status !== 'done')).toEqual([]);

      for (const { fake } of servers) {
        for (const user of fake.state.users.values()) {
          const was = before.get(`${fake.flavor}/${user.name}`)!;
          expect({
            user: `${fake.flavor}/${user.name}`,
            folders: [...(user.policy.EnabledFolders as string[])].sort(),
            all: user.policy.EnableAllFolders === true,
          }).toEqual({
            user: `${fake.flavor}/${user.name}`,
            ...was,
          });
          expect(fake.state.findUser(user.name)).toBeDefined();
        }
      }

      // Settled: a second sync and pass change nothing more.
      for (const { serverId } of servers) await admin.post(`/api/admin/servers/${serverId}/sync`);
      const again = await usher.container.access.reconcileAll();
      expect(again.operations).toEqual([]);
    });
  });
}
