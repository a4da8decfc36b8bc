import { badRequest, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import { MemberMatcher } from '../../domain/server-sync.js';
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
}

/** Members are the remote accounts Usher tracks; logins are separate and link later by email. */
export class MembersService {
  constructor(
    private readonly repo: MembersRepository,
    private readonly servers: ServersRepository,
    private readonly payments: PaymentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The access engine's immediate pass for a member whose status changed (a callback: no import cycle). */
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {}

  async search(query: { q?: string | undefined; serverId?: string | undefined; sort: (typeof MEMBER_SORTS)[number]; order: 'asc' | 'desc'; offset: number; limit: number }) {
    const page = await this.repo.search(query);
    const statuses = await this.payments.statuses(page.items);
    return { ...page, items: page.items.map((m) => ({ ...m, status: statuses.get(m.id)! })) };
  }

  async detail(id: string) {
    const member = await this.repo.findMember(id);
    if (!member || member.deleted_at) throw notFound('member_not_found', 'No member has that id.');
    const accounts = await this.repo.sharedServers({ memberId: id });
    const status = (await this.payments.statuses([{ id, permanent: Boolean(member.permanent) }])).get(id)!;
    return {
      id: member.id,
      email: member.email,
      username: member.username,
      displayName: member.display_name,
      permanent: Boolean(member.permanent),
      source: member.source,
      importExpiresAt: member.import_expires_at,
      createdAt: member.created_at,
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
    return servers.map((s) => ({
      serverId: s.id,
      serverName: s.name,
      kind: s.kind,
      accounts: accounts.filter((a) => a.serverId === s.id).map((a) => ({ remoteId: a.remoteId, username: a.username, email: a.email, state: a.state })),
    }));
  }

  /** Imports the waiting accounts of the chosen servers; later syncs import new accounts on their own. */
  async confirmImport(choice: ImportChoice, actor: Actor): Promise<{ imported: number }> {
    if (choice.mode === 'expiring' && (!choice.expiresAt || choice.expiresAt <= this.clock.now().toISOString())) {
      throw badRequest('invalid_expiry', 'Choose an expiry date in the future for the imported members.');
    }
    const now = this.clock.now().toISOString();
    const paymentContext = await this.payments.importContext();
    const excluded = new Set(choice.exclude ?? []);
    let imported = 0;
    let skipped = 0;
    for (const serverId of choice.serverIds) {
      const server = await this.servers.find(serverId);
      if (!server) throw badRequest('unknown_server', `No server has the id ${serverId}.`);
      if (server.membersImportedAt) continue;
      await this.repo.transaction(async (trx) => {
        const waiting = (await this.repo.storedAccounts(serverId, trx)).filter((a) => a.memberId === null);
        const matcher = new MemberMatcher(await this.repo.memberIndex(trx));
        const newMembers: Parameters<MembersRepository['insertMembers']>[0] = [];
        const leftOut: string[] = [];
        const links = waiting.map((a) => {
          if (excluded.has(`${serverId}:${a.remoteId}`)) {
            const memberId = newId();
            leftOut.push(memberId);
            newMembers.push({ id: memberId, email: a.email, username: a.username, displayName: a.displayName, permanent: false, source: 'import', importExpiresAt: null });
            return { accountId: a.id, memberId };
          }
          let memberId = matcher.find(a);
          if (!memberId) {
            memberId = newId();
            newMembers.push({
              id: memberId,
              email: a.email,
              username: a.username,
              displayName: a.displayName,
              permanent: choice.mode === 'permanent',
              source: 'import',
              importExpiresAt: choice.mode === 'expiring' ? choice.expiresAt! : null,
            });
            matcher.add({ id: memberId, email: a.email, username: a.username });
          }
          return { accountId: a.id, memberId };
        });
        await this.repo.insertMembers(newMembers, now, trx);
        if (choice.mode === 'expiring') await this.payments.recordImported(newMembers.map((m) => m.id), choice.expiresAt!, paymentContext, actor, trx);
        await this.repo.linkAccounts(links, trx);
        for (const id of leftOut) await this.repo.softDeleteMember(id, now, trx);
        await this.servers.update(serverId, { members_imported_at: now, updated_at: now }, trx);
        imported += newMembers.length - leftOut.length;
        skipped += leftOut.length;
      });
    }
    await this.audit.record(actor, 'members.import', undefined, { servers: choice.serverIds, mode: choice.mode, imported, leftOut: skipped });
    return { imported };
  }

  async setPermanent(id: string, permanent: boolean, actor: Actor): Promise<void> {
    await this.detail(id);
    await this.repo.setPermanent(id, permanent, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.set_permanent', { type: 'member', id }, { permanent });
    this.memberChanged(id);
  }

  /** Stops tracking the member; sync will not import the same remote accounts again. */
  async delete(id: string, actor: Actor): Promise<void> {
    const member = await this.detail(id);
    await this.repo.softDeleteMember(id, this.clock.now().toISOString());
    await this.audit.record(actor, 'member.delete', { type: 'member', id }, { email: member.email, username: member.username });
  }
}
