import type { Kysely } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { EnforcementRule } from '../../domain/enforcement.js';
import { newId } from '../../platform/ids.js';

export interface MemberFacts {
  memberId: string;
  email: string | null;
  name: string;
  /** A linked (sub) member follows its master's permanence and plan (reference §2.14). */
  permanent: boolean;
  payerId: string;
}

export interface PlanPayment {
  id: string;
  memberId: string;
  planId: string;
  from: string;
  to: string;
}

export interface EnforcementPlan {
  id: string;
  name: string;
  maxStreams: number | null;
  allowTranscoding: boolean;
  streamLimitPolicy: 'newest' | 'all';
  isDefault: boolean;
  /** null: no limit (reference §2.15). */
  maxEmbyDevices: number | null;
}

export interface HistoryInsert {
  serverId: string;
  sessionId: string;
  memberId: string | null;
  accountRemoteId: string;
  username: string | null;
  device: string | null;
  player: string | null;
  ip: string | null;
  title: string;
  source4k: boolean;
  videoTranscode: boolean;
  startedAt: string;
  now: string;
}

export interface HistoryRow {
  id: string;
  serverId: string;
  serverName: string;
  memberId: string | null;
  memberName: string | null;
  username: string | null;
  device: string | null;
  player: string | null;
  ip: string | null;
  title: string;
  source4k: boolean;
  videoTranscode: boolean;
  startedAt: string;
  endedAt: string | null;
  stoppedFor: string | null;
}

export interface WarningRow {
  id: string;
  kind: string;
  serverId: string | null;
  serverName: string | null;
  details: Record<string, unknown>;
  at: string;
}

export interface CapRow {
  memberId: string;
  memberName: string;
  serverId: string;
  serverName: string;
  serverKind: string;
  username: string | null;
  sessionCap: number;
}

const memberName = (r: { display_name: string | null; username: string | null; email: string | null; id: string }) =>
  r.display_name ?? r.username ?? r.email ?? r.id;

/** Everything enforcement reads and writes; the monitor's lease lives here too. */
export class EnforcementRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** remote account id → member id, for the accounts of one server Usher manages. */
  async owners(serverId: string, remoteIds: readonly string[]): Promise<Map<string, string>> {
    if (remoteIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('member_accounts')
      .innerJoin('members', 'members.id', 'member_accounts.member_id')
      .select(['member_accounts.remote_id', 'member_accounts.member_id'])
      .where('member_accounts.server_id', '=', serverId)
      .where('member_accounts.remote_id', 'in', [...new Set(remoteIds)])
      .where('member_accounts.replaced_at', 'is', null)
      .where('members.deleted_at', 'is', null)
      .execute();
    return new Map(rows.map((r) => [r.remote_id, r.member_id!]));
  }

  /** Every account of a live member on this server (remote id → member id); or only this member's. */
  async managedAccounts(serverId: string, memberId?: string): Promise<Map<string, string>> {
    return new Map([...(await this.managedAccountStates(serverId, memberId))].map(([remoteId, a]) => [remoteId, a.memberId]));
  }

  /** The member accounts on a server with whether Usher restricted their devices (Emby device caps). */
  async managedAccountStates(serverId: string, memberId?: string): Promise<Map<string, { memberId: string; devicesRestricted: boolean }>> {
    let query = this.db
      .selectFrom('member_accounts')
      .innerJoin('members', 'members.id', 'member_accounts.member_id')
      .select(['member_accounts.remote_id', 'member_accounts.member_id', 'member_accounts.devices_restricted'])
      .where('member_accounts.server_id', '=', serverId)
      .where('member_accounts.replaced_at', 'is', null)
      .where('members.deleted_at', 'is', null);
    if (memberId) query = query.where('member_accounts.member_id', '=', memberId);
    const rows = await query.execute();
    return new Map(rows.map((r) => [r.remote_id, { memberId: r.member_id!, devicesRestricted: toBool(r.devices_restricted) }]));
  }

  async markDevicesRestricted(serverId: string, remoteId: string, restricted: boolean): Promise<void> {
    await this.db
      .updateTable('member_accounts')
      .set({ devices_restricted: restricted })
      .where('server_id', '=', serverId)
      .where('remote_id', '=', remoteId)
      .execute();
  }

  async members(memberIds: readonly string[]): Promise<MemberFacts[]> {
    if (memberIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('members')
      .leftJoin('members as master', 'master.id', 'members.master_member_id')
      .select([
        'members.id',
        'members.email',
        'members.username',
        'members.display_name',
        'members.permanent',
        'members.master_member_id',
        'master.permanent as master_permanent',
      ])
      .where('members.id', 'in', [...new Set(memberIds)])
      .execute();
    return rows.map((r) => ({
      memberId: r.id,
      email: r.email,
      name: memberName(r),
      permanent: r.master_member_id ? toBool(r.master_permanent) : toBool(r.permanent),
      payerId: r.master_member_id ?? r.id,
    }));
  }

  async payments(memberIds: readonly string[]): Promise<PlanPayment[]> {
    if (memberIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('payments')
      .select(['id', 'member_id', 'plan_id', 'period_from', 'period_to'])
      .where('member_id', 'in', [...new Set(memberIds)])
      .execute();
    return rows.map((r) => ({ id: r.id, memberId: r.member_id, planId: r.plan_id, from: r.period_from, to: r.period_to }));
  }

  async plans(): Promise<EnforcementPlan[]> {
    const rows = await this.db
      .selectFrom('plans')
      .select(['id', 'name', 'max_streams', 'allow_transcoding', 'stream_limit_policy', 'is_default', 'max_emby_devices'])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      maxStreams: r.max_streams,
      allowTranscoding: toBool(r.allow_transcoding),
      streamLimitPolicy: r.stream_limit_policy === 'all' ? 'all' : 'newest',
      isDefault: toBool(r.is_default),
      maxEmbyDevices: r.max_emby_devices,
    }));
  }

  // ---- stream history ----------------------------------------------------------------------------

  /** The history rows of streams this server was last seen playing: session id → row id. */
  async openHistory(serverId: string): Promise<Map<string, { id: string; startedAt: string }>> {
    const rows = await this.db
      .selectFrom('stream_history')
      .select(['id', 'session_id', 'started_at'])
      .where('server_id', '=', serverId)
      .where('ended_at', 'is', null)
      .execute();
    return new Map(rows.map((r) => [r.session_id, { id: r.id, startedAt: r.started_at }]));
  }

  async insertHistory(rows: readonly HistoryInsert[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('stream_history')
      .values(
        rows.map((r) => ({
          id: newId(),
          server_id: r.serverId,
          session_id: r.sessionId,
          member_id: r.memberId,
          account_remote_id: r.accountRemoteId,
          username: r.username,
          device: r.device,
          player: r.player,
          ip: r.ip,
          title: r.title,
          source_4k: r.source4k,
          video_transcode: r.videoTranscode,
          started_at: r.startedAt,
          last_seen_at: r.now,
          ended_at: null,
          stopped_for: null,
        })),
      )
      .execute();
  }

  async touchHistory(ids: readonly string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('stream_history').set({ last_seen_at: now }).where('id', 'in', [...ids]).execute();
  }

  async endHistory(ids: readonly string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('stream_history').set({ ended_at: now }).where('id', 'in', [...ids]).execute();
  }

  /** Streams still open on servers that are gone from the watch list (disabled, deleted, logging off). */
  async endOpenHistoryExcept(serverIds: readonly string[], now: string): Promise<void> {
    let query = this.db.updateTable('stream_history').set({ ended_at: now }).where('ended_at', 'is', null);
    if (serverIds.length > 0) query = query.where('server_id', 'not in', [...serverIds]);
    await query.execute();
  }

  async markStopped(serverId: string, sessionId: string, rule: EnforcementRule): Promise<void> {
    await this.db
      .updateTable('stream_history')
      .set({ stopped_for: rule })
      .where('server_id', '=', serverId)
      .where('session_id', '=', sessionId)
      .where('ended_at', 'is', null)
      .execute();
  }

  async listHistory(filter: { memberId?: string; serverId?: string; offset: number; limit: number }): Promise<{ items: HistoryRow[]; total: number }> {
    let base = this.db
      .selectFrom('stream_history')
      .innerJoin('servers', 'servers.id', 'stream_history.server_id')
      .leftJoin('members', 'members.id', 'stream_history.member_id');
    if (filter.memberId) base = base.where('stream_history.member_id', '=', filter.memberId);
    if (filter.serverId) base = base.where('stream_history.server_id', '=', filter.serverId);
    const total = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
    const rows = await base
      .select([
        'stream_history.id',
        'stream_history.server_id',
        'servers.name as server_name',
        'stream_history.member_id',
        'members.display_name',
        'members.username as member_username',
        'members.email',
        'stream_history.username',
        'stream_history.device',
        'stream_history.player',
        'stream_history.ip',
        'stream_history.title',
        'stream_history.source_4k',
        'stream_history.video_transcode',
        'stream_history.started_at',
        'stream_history.ended_at',
        'stream_history.stopped_for',
      ])
      .orderBy('stream_history.started_at', 'desc')
      .orderBy('stream_history.id')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
    return {
      total: Number(total?.n ?? 0),
      items: rows.map((r) => ({
        id: r.id,
        serverId: r.server_id,
        serverName: r.server_name,
        memberId: r.member_id,
        memberName: r.member_id ? memberName({ id: r.member_id, display_name: r.display_name, username: r.member_username, email: r.email }) : null,
        username: r.username,
        device: r.device,
        player: r.player,
        ip: r.ip,
        title: r.title,
        source4k: toBool(r.source_4k),
        videoTranscode: toBool(r.video_transcode),
        startedAt: r.started_at,
        endedAt: r.ended_at,
        stoppedFor: r.stopped_for,
      })),
    };
  }

  /** Deletes finished streams that started before the cutoff. */
  async pruneHistory(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('stream_history')
      .where('started_at', '<', before)
      .where('ended_at', 'is not', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // ---- warnings ----------------------------------------------------------------------------------

  /** False when this warning (same session and rule) was recorded before. */
  async insertWarning(w: { memberId: string; serverId: string; kind: EnforcementRule; details: Record<string, unknown>; dedupeKey: string; at: string }): Promise<boolean> {
    const result = await this.db
      .insertInto('member_warnings')
      .values({ id: newId(), member_id: w.memberId, server_id: w.serverId, kind: w.kind, details: JSON.stringify(w.details), dedupe_key: w.dedupeKey, at: w.at })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async warnings(memberId: string, limit: number): Promise<WarningRow[]> {
    const rows = await this.db
      .selectFrom('member_warnings')
      .leftJoin('servers', 'servers.id', 'member_warnings.server_id')
      .select(['member_warnings.id', 'member_warnings.kind', 'member_warnings.server_id', 'servers.name', 'member_warnings.details', 'member_warnings.at'])
      .where('member_warnings.member_id', '=', memberId)
      .orderBy('member_warnings.at', 'desc')
      .orderBy('member_warnings.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      serverId: r.server_id,
      serverName: r.name,
      details: JSON.parse(r.details) as Record<string, unknown>,
      at: r.at,
    }));
  }

  async warningCounts(memberId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('member_warnings')
      .select(['kind', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('member_id', '=', memberId)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  }

  // ---- server-side caps --------------------------------------------------------------------------

  /** Jellyfin/Emby accounts of members whose server-side stream cap is known. */
  async knownCaps(): Promise<CapRow[]> {
    const rows = await this.db
      .selectFrom('member_accounts')
      .innerJoin('members', 'members.id', 'member_accounts.member_id')
      .innerJoin('servers', 'servers.id', 'member_accounts.server_id')
      .select([
        'members.id',
        'members.display_name',
        'members.username as member_username',
        'members.email',
        'servers.id as server_id',
        'servers.name as server_name',
        'servers.kind',
        'member_accounts.username',
        'member_accounts.session_cap',
      ])
      .where('member_accounts.session_cap', 'is not', null)
      .where('member_accounts.replaced_at', 'is', null)
      .where('members.deleted_at', 'is', null)
      .where('servers.kind', 'in', ['jellyfin', 'emby'])
      .execute();
    return rows.map((r) => ({
      memberId: r.id,
      memberName: memberName({ id: r.id, display_name: r.display_name, username: r.member_username, email: r.email }),
      serverId: r.server_id,
      serverName: r.server_name,
      serverKind: r.kind,
      username: r.username,
      sessionCap: Number(r.session_cap),
    }));
  }

  // ---- lease -------------------------------------------------------------------------------------

  /**
   * Takes or renews the named lease for `holder` when it is free, expired or already held by it.
   * One statement, so two instances racing for an expired lease cannot both win.
   */
  async acquireLease(name: string, holder: string, now: string, expiresAt: string): Promise<boolean> {
    await this.db
      .insertInto('service_leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('service_leases.holder', '=', holder), eb('service_leases.expires_at', '<', now)])),
      )
      .execute();
    const row = await this.db.selectFrom('service_leases').select('holder').where('name', '=', name).executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('service_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async leaseHolder(name: string): Promise<{ holder: string; expiresAt: string } | null> {
    const row = await this.db.selectFrom('service_leases').select(['holder', 'expires_at']).where('name', '=', name).executeTakeFirst();
    return row ? { holder: row.holder, expiresAt: row.expires_at } : null;
  }
}
