import type { Kysely } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** A member's account on one server, with what removing or renaming it needs to know. */
export interface MemberServerAccount {
  id: string;
  serverId: string;
  serverName: string;
  serverKind: 'plex' | 'jellyfin' | 'emby';
  serverEnabled: boolean;
  remoteId: string;
  shareId: string | null;
  username: string | null;
  email: string | null;
  state: string;
  libraries: string[] | 'all';
  allowDownloads: boolean;
  replacedAt: string | null;
}

function parseLibraries(value: string): string[] | 'all' {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === 'all') return 'all';
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** Reads and writes for deleting a member, changing an account's identity and explaining a member. */
export class MemberLifecycleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async accountsOf(memberId: string): Promise<MemberServerAccount[]> {
    const rows = await this.db
      .selectFrom('member_accounts as a')
      .innerJoin('servers as s', 's.id', 'a.server_id')
      .select([
        'a.id',
        'a.server_id',
        's.name',
        's.kind',
        's.enabled',
        'a.remote_id',
        'a.share_id',
        'a.username',
        'a.email',
        'a.state',
        'a.libraries',
        'a.allow_downloads',
        'a.replaced_at',
      ])
      .where('a.member_id', '=', memberId)
      .orderBy('s.name')
      .orderBy('a.remote_id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      serverName: r.name,
      serverKind: r.kind as MemberServerAccount['serverKind'],
      serverEnabled: toBool(r.enabled),
      remoteId: r.remote_id,
      shareId: r.share_id,
      username: r.username,
      email: r.email,
      state: r.state,
      libraries: parseLibraries(r.libraries),
      allowDownloads: toBool(r.allow_downloads),
      replacedAt: r.replaced_at,
    }));
  }

  /** Whether another account on the server (tracked or not) already uses this name or email. */
  async nameTaken(serverId: string, exceptAccountId: string, value: string): Promise<boolean> {
    const lower = value.toLowerCase();
    const rows = await this.db
      .selectFrom('member_accounts')
      .select(['username', 'email'])
      .where('server_id', '=', serverId)
      .where('id', '!=', exceptAccountId)
      .where('replaced_at', 'is', null)
      .execute();
    return rows.some((r) => r.username?.toLowerCase() === lower || r.email?.toLowerCase() === lower);
  }

  /**
   * The old Plex account of an identity change: kept (for the member's history and so sync does not
   * import it as someone new while its share is being removed), but no longer the member's account.
   */
  async markReplaced(accountId: string, now: string): Promise<void> {
    await this.db.updateTable('member_accounts').set({ replaced_at: now, updated_at: now }).where('id', '=', accountId).execute();
  }

  /**
   * Forgets the server history of the member there: it names the old Plex account, which a renewal
   * would otherwise invite again instead of the new one.
   */
  async forgetHistory(memberId: string, serverId: string): Promise<void> {
    await this.db.deleteFrom('member_server_history').where('member_id', '=', memberId).where('server_id', '=', serverId).execute();
  }

  /** Every library the server still has (a Plex share of "all libraries" moved to a new invite). */
  async serverLibraryIds(serverId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('libraries')
      .select('remote_id')
      .where('server_id', '=', serverId)
      .where('removed_at', 'is', null)
      .orderBy('remote_id')
      .execute();
    return rows.map((r) => r.remote_id);
  }

  /** Another live member already known by this email or username. */
  async memberWith(value: string, exceptId: string): Promise<string | null> {
    const lower = value.toLowerCase();
    const row = await this.db
      .selectFrom('members')
      .select('id')
      .where('deleted_at', 'is', null)
      .where('id', '!=', exceptId)
      .where((eb) => eb.or([eb(eb.fn('lower', ['email']), '=', lower), eb(eb.fn('lower', ['username']), '=', lower)]))
      .executeTakeFirst();
    return row?.id ?? null;
  }

  async updateMember(
    id: string,
    fields: { email?: string | null; username?: string | null; requires_plex_account_change?: boolean },
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('members')
      .set({ ...fields, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** After a rename was applied: the stored account shows the new name before the next sync. */
  async renameStored(serverId: string, remoteId: string, username: string, now: string): Promise<void> {
    await this.db
      .updateTable('member_accounts')
      .set({ username, updated_at: now })
      .where('server_id', '=', serverId)
      .where('remote_id', '=', remoteId)
      .execute();
  }
}
