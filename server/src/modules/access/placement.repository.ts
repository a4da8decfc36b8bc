import type { Kysely, Transaction } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PlacementServer, ServerKind } from '../../domain/placement.js';
import { newId } from '../../platform/ids.js';
import type { RemoteAccount } from '../../ports/media-server.js';
import { PRIVATE_GROUP_ID } from '../libraries/libraries.repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PlacementRecord {
  memberId: string;
  serverId: string | null;
  rule: string | null;
  preferredLocationId: string | null;
  error: string | null;
  decidedAt: string;
}

/** A live member with no account on any server: the access engine may have to place them. */
export interface UnplacedMember {
  memberId: string;
  email: string | null;
  username: string | null;
  displayName: string | null;
  permanent: boolean;
  placement: PlacementRecord | null;
  /** Servers the member had an account on before, newest removal first. */
  previousServerIds: string[];
}

export interface PlacementSave {
  serverId: string | null;
  rule: string | null;
  error: string | null;
  /** Omitted: the stored preference stays. */
  preferredLocationId?: string | null;
  /** Omitted: unchanged. */
  inviteEmail?: string | null;
}

function toRecord(r: {
  member_id: string;
  server_id: string | null;
  rule: string | null;
  preferred_location_id: string | null;
  error: string | null;
  decided_at: string;
}): PlacementRecord {
  return {
    memberId: r.member_id,
    serverId: r.server_id,
    rule: r.rule,
    preferredLocationId: r.preferred_location_id,
    error: r.error,
    decidedAt: r.decided_at,
  };
}

/** Placement's reads and writes (reference §6.14): seats per server, members without an account, decisions. */
export class PlacementRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Every server as placement sees it. A placement whose account does not exist yet (the invite or
   * provision is queued, or writes are off) holds a seat: on Plex as a pending invite, elsewhere as a member.
   */
  async servers(db: Db = this.db): Promise<PlacementServer[]> {
    const servers = await db
      .selectFrom('servers')
      .select(['id', 'kind', 'enabled', 'allow_new_subscriptions', 'allow_trials', 'max_users', 'location_id'])
      .orderBy('id')
      .execute();
    const counts = await db
      .selectFrom('member_accounts')
      .select(['server_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['server_id', 'state'])
      .execute();
    const reserved = await db
      .selectFrom('member_placements as p')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .select(['p.server_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.server_id', 'is not', null)
      .where('m.deleted_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('member_accounts as a')
              .select('a.id')
              .whereRef('a.member_id', '=', 'p.member_id')
              .whereRef('a.server_id', '=', 'p.server_id'),
          ),
        ),
      )
      .groupBy('p.server_id')
      .execute();
    const groups = await db
      .selectFrom('libraries')
      .select(['server_id', 'group_id'])
      .distinct()
      .where('removed_at', 'is', null)
      .where('group_id', '!=', PRIVATE_GROUP_ID)
      .execute();
    return servers.map((s) => {
      const of = (state: string) => counts.filter((c) => c.server_id === s.id && c.state === state).reduce((n, c) => n + Number(c.n), 0);
      const held = Number(reserved.find((r) => r.server_id === s.id)?.n ?? 0);
      const kind = s.kind as ServerKind;
      const accounts = counts.filter((c) => c.server_id === s.id).reduce((n, c) => n + Number(c.n), 0);
      return {
        id: s.id,
        kind,
        enabled: toBool(s.enabled),
        allowNewSubscriptions: toBool(s.allow_new_subscriptions),
        allowTrials: toBool(s.allow_trials),
        maxUsers: Number(s.max_users),
        locationId: s.location_id,
        libraryGroupIds: groups.filter((g) => g.server_id === s.id).map((g) => g.group_id),
        members: kind === 'plex' ? accounts - of('pending') : accounts + held,
        pendingInvites: kind === 'plex' ? of('pending') + held : 0,
        // Sync does not store Plex Home and managed users (they are never touched), so they are not counted here.
        homeUsers: 0,
      };
    });
  }

  /**
   * Live members without any account on any server. An imported member with neither an account nor
   * a server history lost theirs when its server was deleted from Usher: they stay where they are
   * (the migration issue moves them), so they are not placement's to decide.
   */
  async unplaced(memberIds?: readonly string[]): Promise<UnplacedMember[]> {
    if (memberIds?.length === 0) return [];
    let query = this.db
      .selectFrom('members as m')
      .leftJoin('member_placements as p', 'p.member_id', 'm.id')
      .select([
        'm.id',
        'm.email',
        'm.username',
        'm.display_name',
        'm.permanent',
        'm.source',
        'p.server_id',
        'p.rule',
        'p.preferred_location_id',
        'p.error',
        'p.decided_at',
      ])
      .where('m.deleted_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('member_accounts as a').select('a.id').whereRef('a.member_id', '=', 'm.id'))),
      );
    if (memberIds) query = query.where('m.id', 'in', [...memberIds]);
    const rows = await query.orderBy('m.id').execute();
    if (rows.length === 0) return [];
    const history = new Map<string, string[]>();
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const h = await this.db
        .selectFrom('member_server_history')
        .select(['member_id', 'server_id'])
        .where('member_id', 'in', ids)
        .orderBy('removed_at', 'desc')
        .execute();
      for (const r of h) history.set(r.member_id, [...(history.get(r.member_id) ?? []), r.server_id]);
    }
    return rows
      .filter((r) => r.source !== 'import' || history.has(r.id) || r.decided_at !== null)
      .map((r) => ({
        memberId: r.id,
        email: r.email,
        username: r.username,
        displayName: r.display_name,
        permanent: toBool(r.permanent),
        placement: r.decided_at
          ? toRecord({
              member_id: r.id,
              server_id: r.server_id,
              rule: r.rule,
              preferred_location_id: r.preferred_location_id,
              error: r.error,
              decided_at: r.decided_at,
            })
          : null,
        previousServerIds: history.get(r.id) ?? [],
      }));
  }

  async find(memberId: string): Promise<PlacementRecord | null> {
    const row = await this.db.selectFrom('member_placements').selectAll().where('member_id', '=', memberId).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async memberEmail(memberId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('members')
      .select('email')
      .where('id', '=', memberId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row?.email ?? null;
  }

  /** The member had an account on some server that is gone now (deleted after expiry, or removed there). */
  async hadAccountBefore(memberId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('member_server_history').select('server_id').where('member_id', '=', memberId).executeTakeFirst());
  }

  /** Takes the pending invite email, once: whoever gets it sends the message. */
  async takeInviteEmail(memberId: string): Promise<string | null> {
    const row = await this.db.selectFrom('member_placements').select('invite_email').where('member_id', '=', memberId).executeTakeFirst();
    if (!row?.invite_email) return null;
    const taken = await this.db
      .updateTable('member_placements')
      .set({ invite_email: null })
      .where('member_id', '=', memberId)
      .where('invite_email', '=', row.invite_email)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0 ? row.invite_email : null;
  }

  async save(memberId: string, save: PlacementSave, now: string, db: Db = this.db): Promise<void> {
    const values = { server_id: save.serverId, rule: save.rule, error: save.error, decided_at: now };
    const preference = {
      ...(save.preferredLocationId !== undefined ? { preferred_location_id: save.preferredLocationId } : {}),
      ...(save.inviteEmail !== undefined ? { invite_email: save.inviteEmail } : {}),
    };
    await db
      .insertInto('member_placements')
      .values({ member_id: memberId, preferred_location_id: null, ...values, ...preference })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ ...values, ...preference }))
      .execute();
  }

  /**
   * Links the account a provision just created to its member at once, so the next pass sees it
   * (and does not place the member again) without waiting for the next sync.
   */
  async recordProvisioned(memberId: string, serverId: string, remote: RemoteAccount, now: string): Promise<void> {
    const existing = await this.db
      .selectFrom('member_accounts')
      .select(['id', 'member_id'])
      .where('server_id', '=', serverId)
      .where('remote_id', '=', remote.remoteId)
      .executeTakeFirst();
    const fields = {
      username: remote.username,
      email: remote.email?.toLowerCase() ?? null,
      display_name: remote.displayName,
      state: remote.state,
      libraries: JSON.stringify(remote.libraries),
      allow_downloads: remote.allowDownloads,
      share_id: remote.shareId ?? null,
      invited_at: remote.invitedAt ?? null,
      accepted_at: remote.acceptedAt ?? null,
      updated_at: now,
    };
    if (existing) {
      await this.db
        .updateTable('member_accounts')
        .set({ ...fields, member_id: existing.member_id ?? memberId })
        .where('id', '=', existing.id)
        .execute();
      return;
    }
    await this.db
      .insertInto('member_accounts')
      .values({ id: newId(), server_id: serverId, member_id: memberId, remote_id: remote.remoteId, ...fields, first_seen_at: now })
      .onConflict((oc) => oc.columns(['server_id', 'remote_id']).doNothing())
      .execute();
  }
}
