import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { HeldRemovals } from '../../domain/sync-guard.js';
import type { Clock } from '../../platform/clock.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface HeldRemovalsRecord extends HeldRemovals {
  serverId: string;
  detectedAt: string;
}

/** The sync guard's state: held passes per server, and the removals Usher made itself. */
export class SyncGuardRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async held(serverId: string, db: Db = this.db): Promise<HeldRemovalsRecord | null> {
    const row = await db.selectFrom('sync_held_removals').selectAll().where('server_id', '=', serverId).executeTakeFirst();
    if (!row) return null;
    return {
      serverId: row.server_id,
      detectedAt: row.detected_at,
      accounts: { stored: row.accounts_stored, seen: row.accounts_seen, removing: JSON.parse(row.account_remote_ids) as string[] },
      libraries: { stored: row.libraries_stored, seen: row.libraries_seen, removing: JSON.parse(row.library_remote_ids) as string[] },
    };
  }

  async hold(serverId: string, held: HeldRemovals, detectedAt: string): Promise<void> {
    const values = {
      account_remote_ids: JSON.stringify(held.accounts.removing),
      library_remote_ids: JSON.stringify(held.libraries.removing),
      accounts_stored: held.accounts.stored,
      accounts_seen: held.accounts.seen,
      libraries_stored: held.libraries.stored,
      libraries_seen: held.libraries.seen,
      detected_at: detectedAt,
    };
    await this.db
      .insertInto('sync_held_removals')
      .values({ server_id: serverId, ...values })
      .onConflict((oc) => oc.column('server_id').doUpdateSet(values))
      .execute();
  }

  async release(serverId: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('sync_held_removals').where('server_id', '=', serverId).execute();
  }

  /**
   * Records that Usher itself removed (unshared, deleted) an account on a server, so the sync that
   * then finds it gone does not count it toward the mass-removal guard. The access engine calls this
   * right after the remote change succeeds.
   */
  async recordExpectedRemoval(serverId: string, remoteAccountId: string): Promise<void> {
    await this.db
      .insertInto('sync_expected_removals')
      .values({ server_id: serverId, remote_id: remoteAccountId, recorded_at: this.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(['server_id', 'remote_id']).doUpdateSet({ recorded_at: this.clock.now().toISOString() }))
      .execute();
  }

  async expectedRemovals(serverId: string, db: Db = this.db): Promise<Set<string>> {
    const rows = await db.selectFrom('sync_expected_removals').select('remote_id').where('server_id', '=', serverId).execute();
    return new Set(rows.map((r) => r.remote_id));
  }

  /** Once a sync has removed an expected account, its record has done its job. */
  async forgetExpectedRemovals(serverId: string, remoteIds: string[], db: Db = this.db): Promise<void> {
    for (let i = 0; i < remoteIds.length; i += 500) {
      await db.deleteFrom('sync_expected_removals').where('server_id', '=', serverId).where('remote_id', 'in', remoteIds.slice(i, i + 500)).execute();
    }
  }
}
