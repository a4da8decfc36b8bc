import { z } from 'zod';
import { idempotencyKey, type AccountRefPayload, type Operation, type OperationPayload } from '../../domain/reconcile.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { AppliedOperation, OperationsService } from '../operations/operations.service.js';
import type { MemberLifecycleRepository, MemberServerAccount } from './member-lifecycle.repository.js';
import type { MemberOpsRepository } from './member-ops.repository.js';
import type { MembersService } from './members.service.js';

/** What deleting the member does to one of its accounts. */
export type RemovalAction = 'remove_share' | 'delete_account' | 'keep';

export interface RemovalItem {
  accountId: string;
  serverId: string;
  serverName: string;
  serverKind: MemberServerAccount['serverKind'];
  remoteId: string;
  username: string | null;
  email: string | null;
  state: string;
  action: RemovalAction;
  /** The server is disabled: the removal is queued and waits until it is enabled again. */
  waitsForServer: boolean;
}

export interface RemovalPreview {
  keepOnServer: boolean;
  items: RemovalItem[];
  /** Linked (sub) members released by the deletion; they keep their own payments. */
  subsReleased: number;
}

// Jellyfin's `User.ValidUsernameRegex`; Emby accepts at least these.
const MEDIABROWSER_NAME = /^(?!\s)[\w \-'._@+]+(?<!\s)$/u;
// plex.tv usernames: letters, digits and a few separators.
const PLEX_USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const email = z.email();

const refOf = (a: MemberServerAccount): AccountRefPayload =>
  a.shareId ? { remoteId: a.remoteId, shareId: a.shareId } : { remoteId: a.remoteId };
const op = (memberId: string, serverId: string, payload: OperationPayload, epoch: string): Operation => ({
  memberId,
  serverId,
  kind: payload.kind,
  payload,
  idempotencyKey: idempotencyKey(memberId, serverId, payload, epoch),
});

/**
 * Deleting a member (with or without its remote share or account) and changing the identity of
 * one of its accounts (reference §6.7). Every remote change is an operation: recorded, retried
 * while the server is down, visible on the Operations page; nothing here calls a server.
 */
export class MemberLifecycleService {
  constructor(
    private readonly repo: MemberLifecycleRepository,
    private readonly links: MemberOpsRepository,
    private readonly members: MembersService,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly memberChanged: (memberId: string) => void = () => undefined,
  ) {
    operations.onApplied((applied) => this.recordApplied(applied));
  }

  async removalPreview(id: string, keepOnServer = false): Promise<RemovalPreview> {
    await this.members.detail(id);
    // A replaced Plex account's removal is already queued by the identity change.
    const accounts = (await this.repo.accountsOf(id)).filter((a) => a.replacedAt === null);
    return {
      keepOnServer,
      items: accounts.map((a) => ({
        accountId: a.id,
        serverId: a.serverId,
        serverName: a.serverName,
        serverKind: a.serverKind,
        remoteId: a.remoteId,
        username: a.username,
        email: a.email,
        state: a.state,
        // Plex: only this server's share goes (the friend may share other servers, Usher's or not).
        action: keepOnServer ? 'keep' : a.serverKind === 'plex' ? 'remove_share' : 'delete_account',
        waitsForServer: !keepOnServer && !a.serverEnabled,
      })),
      subsReleased: await this.links.subCount(id),
    };
  }

  /**
   * The member row is soft-deleted at once (it leaves every list and the reconciler's view, so no
   * pass can grant it again), and its accounts stay linked to the deleted row, so sync does not
   * import them as someone new while their removal is pending. The removals are queued even while
   * "sync shared libraries" is off: deleting is the admin's explicit order, not a computed change.
   * With keepOnServer the remote stays as it is and Usher stops managing it; it is not offered for
   * import again (sync matches it to the deleted member, exactly like an account left out of the
   * first import), so a member the admin deleted never comes back on its own.
   */
  async remove(id: string, options: { keepOnServer: boolean }, actor: Actor): Promise<RemovalPreview> {
    const preview = await this.removalPreview(id, options.keepOnServer);
    const accounts = new Map((await this.repo.accountsOf(id)).map((a) => [a.id, a]));
    const operations = options.keepOnServer
      ? []
      : preview.items.map((item) => {
          const account = refOf(accounts.get(item.accountId)!);
          return op(
            id,
            item.serverId,
            item.action === 'remove_share' ? { kind: 'revoke', account } : { kind: 'delete', account },
            'member-deleted',
          );
        });
    await this.members.delete(id, actor, { keepOnServer: options.keepOnServer, remoteRemovals: operations.length });
    if (operations.length > 0) await this.operations.enqueue(operations);
    return preview;
  }

  /**
   * A new email or username for one account. Jellyfin/Emby: the local user is renamed in place.
   * Plex: a plex.tv identity belongs to its user, so the new one is invited with the same libraries
   * and the old share removed; the old row is marked replaced until sync sees it gone.
   */
  async changeIdentity(memberId: string, accountId: string, rawIdentifier: string, actor: Actor) {
    const member = await this.members.detail(memberId);
    const account = (await this.repo.accountsOf(memberId)).find((a) => a.id === accountId && a.replacedAt === null);
    if (!account) throw notFound('account_not_found', 'This member has no such account.');
    if (!account.serverEnabled)
      throw conflict('server_disabled', `${account.serverName} is disabled; enable it before changing accounts on it.`);
    const identifier = rawIdentifier.trim();
    const lower = identifier.toLowerCase();
    if (lower === account.username?.toLowerCase() || lower === account.email?.toLowerCase()) {
      throw badRequest('identity_unchanged', `The account on ${account.serverName} already has that name.`);
    }
    const now = this.clock.now().toISOString();
    if (account.serverKind === 'plex') return this.replacePlexAccount(member, account, identifier, now, actor);

    if (!MEDIABROWSER_NAME.test(identifier) || identifier.length > 100) {
      throw badRequest(
        'invalid_username',
        "A username is letters, digits, spaces and - ' . _ @ +, without leading or trailing spaces, at most 100 characters.",
      );
    }
    if (await this.repo.nameTaken(account.serverId, account.id, identifier))
      throw conflict('name_taken', `Another account on ${account.serverName} is already called ${identifier}.`);
    const payload: OperationPayload = { kind: 'rename', account: { remoteId: account.remoteId }, name: identifier };
    await this.operations.enqueue([op(memberId, account.serverId, payload, `rename-from:${account.username ?? ''}`)], { supersede: false });
    await this.audit.record(actor, 'member.account_renamed', { type: 'member', id: memberId }, { serverId: account.serverId, accountId });
    return { kind: 'rename' as const, queued: 1 };
  }

  private async replacePlexAccount(
    member: { id: string; email: string | null; username: string | null },
    account: MemberServerAccount,
    identifier: string,
    now: string,
    actor: Actor,
  ) {
    const isEmail = identifier.includes('@');
    if (isEmail ? !email.safeParse(identifier).success : !PLEX_USERNAME.test(identifier)) {
      throw badRequest('invalid_plex_identity', 'Enter the email or username of the new Plex account.');
    }
    if (await this.repo.nameTaken(account.serverId, account.id, identifier))
      throw conflict('already_on_server', `${identifier} is already on ${account.serverName}.`);
    if (await this.repo.memberWith(identifier, member.id))
      throw conflict('identity_taken', `Another member already uses ${identifier}; merge them instead.`);
    const libraries = account.libraries === 'all' ? await this.repo.serverLibraryIds(account.serverId) : account.libraries;
    if (libraries.length === 0) {
      throw conflict(
        'no_access_to_move',
        `The member has no libraries on ${account.serverName} to move to the new account; renew them first, or change the email on the member.`,
      );
    }
    const epoch = `replace:${account.id}`;
    const invite: OperationPayload = {
      kind: 'provision',
      identifier,
      grant: { libraries: [...libraries].sort(), allowDownloads: account.allowDownloads, allowTranscoding: true, sessionCap: 0 },
    };
    const unshare: OperationPayload = { kind: 'revoke', account: refOf(account) };
    await this.repo.markReplaced(account.id, now);
    await this.repo.forgetHistory(member.id, account.serverId);
    // Sync links the new invite to the member by this email or username.
    const fields = isEmail ? { email: identifier.toLowerCase() } : { username: identifier };
    await this.repo.updateMember(member.id, { ...fields, requires_plex_account_change: false }, now);
    await this.operations.enqueue([op(member.id, account.serverId, invite, epoch), op(member.id, account.serverId, unshare, epoch)]);
    await this.audit.record(
      actor,
      'member.account_replaced',
      { type: 'member', id: member.id },
      { serverId: account.serverId, accountId: account.id },
    );
    this.memberChanged(member.id);
    return { kind: 'replace' as const, queued: 2 };
  }

  /** A rename applied on the server shows at once, on the account and on the member it names. */
  private async recordApplied({ operation, server }: AppliedOperation): Promise<void> {
    const payload = operation.payload;
    if (payload.kind !== 'rename') return;
    const now = this.clock.now().toISOString();
    const before = (await this.repo.accountsOf(operation.memberId)).find(
      (a) => a.serverId === server.id && a.remoteId === payload.account.remoteId,
    );
    await this.repo.renameStored(server.id, payload.account.remoteId, payload.name, now);
    const member = await this.members.detail(operation.memberId).catch(() => null);
    if (member && before?.username && member.username?.toLowerCase() === before.username.toLowerCase()) {
      await this.repo.updateMember(member.id, { username: payload.name }, now);
    }
  }
}
