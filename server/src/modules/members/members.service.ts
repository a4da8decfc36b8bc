import { badRequest, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import { MemberMatcher } from '../../domain/server-sync.js';
import { effectiveStatus } from '../../domain/linked-members.js';
import type { StatusView } from '../payments/payments.service.js';
import type { MemberOpsRepository } from './member-ops.repository.js';
import type { MEMBER_SORTS, MembersRepository } from './members.repository.js';

export interface ImportChoice {
  serverIds: string[];
  mode: 'permanent' | 'expiring';
  /** With mode 'expiring': when the imported members' default-plan payment ends (also kept on the member for reference). */
  expiresAt?: string | undefined;
  /**
   * Accounts the admin left out, as `serverId:remoteId`. They are kept as deleted members, exactly
   * like a member the admin deletes, so no later sync imports them.
   */
  exclude?: string[] | undefined;
  /**
   * Per-row choices that differ from `mode` (reference §2.11: each row is "Permanent" or "Default
   * plan until DATE"), keyed like `exclude`. Rows not listed take `mode`.
   */
  rows?: { account: string; mode: 'permanent' | 'expiring' }[] | undefined;
}

/** Members are the remote accounts Usher tracks; logins are separate and link later by email. */
export class MembersService {
  constructor(
    private readonly repo: MembersRepository,
    private readonly servers: ServersRepository,
    private readonly payments: PaymentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly links: MemberOpsRepository,
    /** Settings → Media server → template user: a sync before it was set may have stored that account. */
    private readonly templateUsername: () => Promise<string> = () => Promise.resolve(''),
    /** The access engine's immediate pass for a member whose status changed (a callback: no import cycle). */
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {}

  private async isTemplate(): Promise<(server: { kind: string }, account: { username: string | null }) => boolean> {
    const template = (await this.templateUsername()).toLowerCase();
    return (server, account) => server.kind !== 'plex' && template !== '' && account.username?.toLowerCase() === template;
  }

  /**
   * Statuses as the admin sees them: a linked (sub) member shows its master's status, since the
   * master pays for both (reference §2.14).
   */
  async statusesFor(members: readonly { id: string; permanent: boolean }[]): Promise<Map<string, StatusView>> {
    const masters = await this.links.mastersOf(members.map((m) => m.id));
    const masterIds = [...new Set(masters.values())].filter((id) => !members.some((m) => m.id === id));
    const own = await this.payments.statuses([...members, ...(await this.links.permanentOf(masterIds))]);
    return new Map(
      members.map((m) => {
        const masterId = masters.get(m.id);
        return [m.id, effectiveStatus(own.get(m.id)!, masterId ? own.get(masterId) : undefined)];
      }),
    );
  }

  async search(query: {
    q?: string | undefined;
    serverId?: string | undefined;
    sort: (typeof MEMBER_SORTS)[number];
    order: 'asc' | 'desc';
    offset: number;
    limit: number;
  }) {
    const page = await this.repo.search(query);
    const statuses = await this.statusesFor(page.items);
    const masters = await this.links.mastersOf(page.items.map((m) => m.id));
    return { ...page, items: page.items.map((m) => ({ ...m, masterMemberId: masters.get(m.id) ?? null, status: statuses.get(m.id)! })) };
  }

  async detail(id: string) {
    const member = await this.repo.findMember(id);
    if (!member || member.deleted_at) throw notFound('member_not_found', 'No member has that id.');
    const accounts = await this.repo.sharedServers({ memberId: id });
    const status = (await this.statusesFor([{ id, permanent: Boolean(member.permanent) }])).get(id)!;
    return {
      id: member.id,
      email: member.email,
      username: member.username,
      displayName: member.display_name,
      permanent: Boolean(member.permanent),
      source: member.source,
      importExpiresAt: member.import_expires_at,
      createdAt: member.created_at,
      paypalEmail: member.paypal_email,
      discordId: member.discord_id,
      notes: member.notes,
      weeklyDownloadQuota: member.weekly_download_quota === null ? null : Number(member.weekly_download_quota),
      requiresPlexAccountChange: Boolean(member.requires_plex_account_change),
      masterMemberId: member.master_member_id,
      accounts,
      status,
    };
  }

  sharedServers(filter: { serverId?: string | undefined }) {
    return this.repo.sharedServers(filter);
  }

  /** What the first sync found and has not imported: the preview the admin confirms. */
  async importPreview() {
    const servers = (await this.servers.list()).filter((s) => s.membersImportedAt === null);
    const accounts = await this.repo.sharedServers({ untrackedOnly: true });
    const isTemplate = await this.isTemplate();
    return servers.map((s) => ({
      serverId: s.id,
      serverName: s.name,
      kind: s.kind,
      accounts: accounts
        .filter((a) => a.serverId === s.id && !isTemplate(s, a))
        .map((a) => ({ remoteId: a.remoteId, username: a.username, email: a.email, state: a.state })),
    }));
  }

  /** Imports the waiting accounts of the chosen servers; later syncs import new accounts on their own. */
  async confirmImport(choice: ImportChoice, actor: Actor): Promise<{ imported: number }> {
    const rowModes = new Map((choice.rows ?? []).map((r) => [r.account, r.mode]));
    const modeOf = (serverId: string, remoteId: string) => rowModes.get(`${serverId}:${remoteId}`) ?? choice.mode;
    const anyExpiring = choice.mode === 'expiring' || [...rowModes.values()].includes('expiring');
    if (anyExpiring && (!choice.expiresAt || choice.expiresAt <= this.clock.now().toISOString())) {
      throw badRequest('invalid_expiry', 'Choose an expiry date in the future for the imported members.');
    }
    const now = this.clock.now().toISOString();
    const paymentContext = await this.payments.importContext();
    const excluded = new Set(choice.exclude ?? []);
    const isTemplate = await this.isTemplate();
    let imported = 0;
    let skipped = 0;
    for (const serverId of choice.serverIds) {
      const server = await this.servers.find(serverId);
      if (!server) throw badRequest('unknown_server', `No server has the id ${serverId}.`);
      if (server.membersImportedAt) continue;
      await this.repo.transaction(async (trx) => {
        const waiting = (await this.repo.storedAccounts(serverId, trx)).filter((a) => a.memberId === null && !isTemplate(server, a));
        const matcher = new MemberMatcher(await this.repo.memberIndex(trx));
        const newMembers: Parameters<MembersRepository['insertMembers']>[0] = [];
        const leftOut: string[] = [];
        const links = waiting.map((a) => {
          if (excluded.has(`${serverId}:${a.remoteId}`)) {
            const memberId = newId();
            leftOut.push(memberId);
            newMembers.push({
              id: memberId,
              email: a.email,
              username: a.username,
              displayName: a.displayName,
              permanent: false,
              source: 'import',
              importExpiresAt: null,
            });
            return { accountId: a.id, memberId };
          }
          let memberId = matcher.find(a);
          if (!memberId) {
            memberId = newId();
            const mode = modeOf(serverId, a.remoteId);
            newMembers.push({
              id: memberId,
              email: a.email,
              username: a.username,
              displayName: a.displayName,
              permanent: mode === 'permanent',
              source: 'import',
              importExpiresAt: mode === 'expiring' ? choice.expiresAt! : null,
            });
            matcher.add({ id: memberId, email: a.email, username: a.username });
          }
          return { accountId: a.id, memberId };
        });
        await this.repo.insertMembers(newMembers, now, trx);
        // Only the members imported "default plan until DATE" get the payment; left-out rows are not members at all.
        const expiring = newMembers.filter((m) => m.importExpiresAt !== null && !leftOut.includes(m.id)).map((m) => m.id);
        if (expiring.length > 0) await this.payments.recordImported(expiring, choice.expiresAt!, paymentContext, actor, trx);
        await this.repo.linkAccounts(links, trx);
        for (const id of leftOut) await this.repo.softDeleteMember(id, now, trx);
        await this.servers.update(serverId, { members_imported_at: now, updated_at: now }, trx);
        imported += newMembers.length - leftOut.length;
        skipped += leftOut.length;
      });
    }
    await this.audit.record(actor, 'members.import', undefined, {
      servers: choice.serverIds,
      mode: choice.mode,
      rowChoices: rowModes.size,
      imported,
      leftOut: skipped,
    });
    return { imported };
  }

  async setPermanent(id: string, permanent: boolean, actor: Actor): Promise<void> {
    await this.detail(id);
    await this.repo.setPermanent(id, permanent, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.set_permanent', { type: 'member', id }, { permanent });
    this.memberChanged(id);
  }

  /** Stops tracking the member; sync will not import the same remote accounts again. */
  async delete(id: string, actor: Actor, details: Record<string, unknown> = {}): Promise<void> {
    const member = await this.detail(id);
    const now = this.clock.now().toISOString();
    await this.repo.softDeleteMember(id, now);
    const released = await this.links.releaseSubs(id, now);
    await this.audit.record(actor, 'member.delete', { type: 'member', id }, { email: member.email, username: member.username, ...details, ...(released ? { subsReleased: released } : {}) });
  }
}
