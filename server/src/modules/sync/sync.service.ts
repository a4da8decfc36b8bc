import { IntegrationError } from '../../adapters/http/integration-error.js';
import type { MediaServerAdapter } from '../../ports/media-server.js';
import { diffAccounts, diffLibraries, isManageable, MemberMatcher, type AccountChanges, type LibraryChanges, type StoredAccount } from '../../domain/server-sync.js';
import { describeHeld, judgeRemovals, type HeldRemovals } from '../../domain/sync-guard.js';
import { conflict } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import { systemActor, type Actor, type AuditService } from '../audit/audit.service.js';
import { PRIVATE_GROUP_ID, type LibrariesRepository } from '../libraries/libraries.repository.js';
import type { MembersRepository } from '../members/members.repository.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SyncGuardRepository } from './sync-guard.repository.js';

export interface ServerSyncResult {
  serverId: string;
  serverName: string;
  ok: boolean;
  error?: string;
  libraries: { added: number; updated: number; removed: number };
  accounts: { added: number; updated: number; gone: number; imported: number; awaitingImport: number };
  /** Set when the pass would have removed too much and applied nothing (domain/sync-guard.ts). */
  held?: { accounts: HeldCounts; libraries: HeldCounts };
}

export interface HeldCounts {
  stored: number;
  seen: number;
  removing: number;
}

export interface SyncProgress {
  (fraction: number, message?: string): void | Promise<void>;
}

/**
 * Server, library, member and shared-server sync. Reads each server once per resource per pass,
 * diffs against what is stored, and writes only the differences, each server in one transaction.
 * The first member sync of a server imports nobody: its accounts wait in a preview until the admin
 * confirms the import. A pass that would remove too much of a server applies nothing for it and
 * waits for the admin or for the next pass to agree (domain/sync-guard.ts).
 */
export class SyncService {
  constructor(
    private readonly servers: ServersRepository,
    private readonly libraries: LibrariesRepository,
    private readonly members: MembersRepository,
    private readonly payments: PaymentsService,
    private readonly connector: ServerConnector,
    private readonly settings: SettingsService,
    private readonly alerts: AlertsService,
    private readonly guard: SyncGuardRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async syncAll(progress?: SyncProgress, options: { onlyServerId?: string } = {}): Promise<ServerSyncResult[]> {
    const all = await this.servers.list();
    // Plex servers on the ignore list (by name or machine id) are left alone, e.g. beyond a licence's count.
    const ignored = new Set((await this.settings.get('mediaServer')).ignoredPlexServers.map((s) => s.toLowerCase()));
    const isIgnored = (s: ServerRecord) => s.kind === 'plex' && (ignored.has(s.name.toLowerCase()) || (!!s.machineId && ignored.has(s.machineId.toLowerCase())));
    const targets = (options.onlyServerId ? all.filter((s) => s.id === options.onlyServerId) : all).filter((s) => !isIgnored(s));
    const results: ServerSyncResult[] = [];
    let done = 0;
    this.connector.freshReads();
    // A few servers at a time: remote latency dominates, and SQLite serialises the writes anyway.
    const queue = [...targets];
    const worker = async () => {
      for (let server = queue.shift(); server; server = queue.shift()) {
        results.push(await this.shared(server.id, () => this.syncOne(server)));
        done++;
        await progress?.(done / targets.length, `${done} of ${targets.length} servers synced`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
    return results;
  }

  /**
   * One server on its own (the admin's "Sync now", the sync after adding): it reads what the server
   * shows now, never a cached list. One sync per server at a time: a second caller shares the pass
   * in progress instead of racing it to insert the same rows.
   */
  syncServer(server: ServerRecord): Promise<ServerSyncResult> {
    return this.shared(server.id, () => {
      this.connector.freshReads();
      return this.syncOne(server);
    });
  }

  /** Starts a pass for a server known by id (just added); registered at once, so `settled` sees it. */
  syncById(serverId: string): Promise<ServerSyncResult> {
    return this.shared(serverId, async () => {
      const server = await this.servers.find(serverId);
      if (!server) throw new Error(`server ${serverId} vanished before its first sync`);
      this.connector.freshReads();
      return this.syncOne(server);
    });
  }

  /** Resolves once the pass in progress for that server (if any) has finished. */
  async settled(serverId: string): Promise<void> {
    await this.inFlight.get(serverId)?.catch(() => undefined);
  }

  private readonly inFlight = new Map<string, Promise<ServerSyncResult>>();

  private shared(serverId: string, start: () => Promise<ServerSyncResult>): Promise<ServerSyncResult> {
    const running = this.inFlight.get(serverId);
    if (running) return running;
    const pass = start().finally(() => this.inFlight.delete(serverId));
    this.inFlight.set(serverId, pass);
    return pass;
  }

  private async syncOne(server: ServerRecord): Promise<ServerSyncResult> {
    const result: ServerSyncResult = {
      serverId: server.id,
      serverName: server.name,
      ok: true,
      libraries: { added: 0, updated: 0, removed: 0 },
      accounts: { added: 0, updated: 0, gone: 0, imported: 0, awaitingImport: 0 },
    };
    let adapter: MediaServerAdapter | undefined;
    try {
      adapter = await this.connector.adapterFor(server);
      const identity = await adapter.identity();
      const remoteLibraries = await adapter.listLibraries();
      const remoteAccounts = await adapter.listAccounts();
      // The template user must exist on every Jellyfin/Emby server under one name (reference §2.5.10).
      const templateName = server.kind === 'plex' ? '' : (await this.settings.get('mediaServer')).defaultTemplateUser;
      const manageable = remoteAccounts.filter((a) => isManageable(a, templateName));
      const storedLibraries = await this.libraries.storedForServer(server.id);
      const libraryChanges = diffLibraries(storedLibraries, remoteLibraries);
      const storedAccounts = await this.members.storedAccounts(server.id);
      const accountChanges = diffAccounts(storedAccounts, manageable);
      const expected = await this.guard.expectedRemovals(server.id);
      const previous = await this.guard.held(server.id);
      const verdict = judgeRemovals(
        {
          accounts: { stored: storedAccounts.length, seen: manageable.length, removing: accountChanges.gone.map((a) => a.remoteId) },
          libraries: { stored: storedLibraries.filter((l) => l.removedAt === null).length, seen: remoteLibraries.length, removing: libraryChanges.removed.map((l) => l.remoteId) },
          expectedAccountRemovals: expected,
        },
        previous,
      );
      if (verdict.action === 'hold') {
        await this.hold(server, verdict.held, result);
        return result;
      }
      await this.applyIdentity(server, identity);
      await this.applyLibraries(server, libraryChanges, result);
      await this.applyAccounts(server, storedAccounts, accountChanges, result);
      if (previous) await this.guard.release(server.id);
      // An expectation is done once the server no longer lists the account (whether this pass removed
      // it or Usher already had); one the server still lists waits for the removal to show.
      const listed = new Set(remoteAccounts.map((a) => a.remoteId));
      await this.guard.forgetExpectedRemovals(server.id, [...expected].filter((id) => !listed.has(id)));
      await this.setStatus(server, 'ok', null);
    } catch (error) {
      result.ok = false;
      result.error = error instanceof Error ? error.message : String(error);
      await this.recordFailure(server, error);
    } finally {
      await adapter?.close();
    }
    return result;
  }

  /**
   * The admin's answer to a held pass: removes exactly what the held pass would have removed
   * (what the alert showed), then syncs the server normally so the rest of that pass lands too.
   */
  async applyHeldRemovals(server: ServerRecord, actor: Actor): Promise<{ accountsRemoved: number; librariesRemoved: number; sync: ServerSyncResult }> {
    const held = await this.guard.held(server.id);
    if (!held) throw conflict('no_held_removals', 'No sync of this server is waiting for removals to be confirmed.');
    const accountIds = new Set(held.accounts.removing);
    const libraryIds = new Set(held.libraries.removing);
    const accounts = (await this.members.storedAccounts(server.id)).filter((a) => accountIds.has(a.remoteId));
    const libraries = (await this.libraries.storedForServer(server.id)).filter((l) => libraryIds.has(l.remoteId) && l.removedAt === null);
    const now = this.now();
    await this.members.transaction(async (trx) => {
      await this.members.deleteAccounts(accounts.map((a) => a.id), now, trx);
      await this.libraries.markRemoved(libraries.map((l) => l.id), now, trx);
      await this.guard.release(server.id, trx);
    });
    await this.audit.record(actor, 'server.held_removals_applied', { type: 'server', id: server.id }, {
      accounts: accounts.length,
      libraries: libraries.length,
      detectedAt: held.detectedAt,
    });
    const sync = await this.syncServer(server);
    return { accountsRemoved: accounts.length, librariesRemoved: libraries.length, sync };
  }

  private async hold(server: ServerRecord, held: HeldRemovals, result: ServerSyncResult) {
    const now = this.now();
    await this.guard.hold(server.id, held, now);
    const message = describeHeld(server.name, held);
    await this.alerts.raise({ kind: 'sync_removals_held', severity: 'warning', title: `${server.name}: sync held back a mass removal`, message, dedupeKey: `sync-held-${server.id}-${now}` });
    await this.setStatus(server, 'removals_held', message);
    const counts = (side: HeldRemovals['accounts']): HeldCounts => ({ stored: side.stored, seen: side.seen, removing: side.removing.length });
    result.held = { accounts: counts(held.accounts), libraries: counts(held.libraries) };
  }

  // Emby Premiere is detected when the server is added; after that the admin's setting stands.
  private async applyIdentity(server: ServerRecord, identity: { machineId: string; name: string; version: string }) {
    const patch: Parameters<ServersRepository['update']>[1] = {};
    if (server.machineId && identity.machineId !== server.machineId) {
      await this.alerts.raise({
        kind: 'machine_id_changed',
        severity: 'warning',
        title: `${server.name}: the server's identity changed`,
        message: `The server now reports machine id ${identity.machineId} instead of ${server.machineId}. This happens when Plex or the server was reinstalled. Usher now uses the new id; check that the libraries below still match.`,
        dedupeKey: `machine-id-${server.id}-${identity.machineId}`,
      });
    }
    if (identity.machineId !== server.machineId) patch.machine_id = identity.machineId;
    if (identity.name && identity.name !== server.name) patch.name = identity.name;
    if (identity.version !== server.version) patch.version = identity.version;
    if (Object.keys(patch).length > 0) await this.servers.update(server.id, { ...patch, updated_at: this.now() });
  }

  private async applyLibraries(server: ServerRecord, changes: LibraryChanges, result: ServerSyncResult) {
    if (changes.added.length + changes.updated.length + changes.removed.length === 0) return;
    const now = this.now();
    await this.members.transaction(async (trx) => {
      await this.libraries.insertMany(
        changes.added.map((l) => ({ id: newId(), server_id: server.id, remote_id: l.remoteId, key: l.key, title: l.title, type: l.type, group_id: PRIVATE_GROUP_ID, now })),
        trx,
      );
      for (const u of changes.updated) await this.libraries.updateRemote(u.id, { key: u.remote.key, title: u.remote.title, type: u.remote.type, now }, trx);
      await this.libraries.markRemoved(changes.removed.map((l) => l.id), now, trx);
    });
    result.libraries = { added: changes.added.length, updated: changes.updated.length, removed: changes.removed.length };
  }

  private async applyAccounts(server: ServerRecord, stored: StoredAccount[], changes: AccountChanges, result: ServerSyncResult) {
    const importing = server.membersImportedAt !== null;
    const unlinked = stored.filter((a) => a.memberId === null);
    if (changes.added.length + changes.updated.length + changes.gone.length === 0 && !(importing && unlinked.length > 0)) {
      result.accounts.awaitingImport = importing ? 0 : unlinked.length;
      return;
    }
    const now = this.now();
    const media = await this.settings.get('mediaServer');
    const paymentContext = await this.payments.importContext();
    const goneIds = new Set(changes.gone.map((g) => g.id));
    const stillUnlinked = unlinked.filter((a) => !goneIds.has(a.id));
    let newUnlinked = 0;
    await this.members.transaction(async (trx) => {
      const matcher = new MemberMatcher(await this.members.memberIndex(trx));
      const newMembers: Parameters<MembersRepository['insertMembers']>[0] = [];
      const importAccount = (a: { email: string | null; username: string | null; displayName: string | null }): string | null => {
        const existing = matcher.find(a);
        if (existing) return existing;
        if (!importing) return null;
        const id = newId();
        newMembers.push({ id, email: a.email, username: a.username, displayName: a.displayName, permanent: media.importNewUsersAsPermanent, source: 'import', importExpiresAt: null });
        matcher.add({ id, email: a.email, username: a.username });
        result.accounts.imported++;
        return id;
      };

      const inserts = changes.added.map((remoteAccount) => ({ id: newId(), serverId: server.id, memberId: importAccount(remoteAccount), remote: remoteAccount }));
      newUnlinked = inserts.filter((i) => i.memberId === null).length;
      const links = importing ? stillUnlinked.map((a) => ({ accountId: a.id, memberId: importAccount(a) })) : [];
      await this.members.insertMembers(newMembers, now, trx);
      // Payments decide who is active: an auto-imported member who is not permanent gets one default-plan period.
      await this.payments.recordImported(newMembers.filter((m) => !m.permanent).map((m) => m.id), null, paymentContext, systemActor, trx);
      await this.members.insertAccounts(inserts, now, trx);
      await this.members.linkAccounts(links.filter((l): l is { accountId: string; memberId: string } => l.memberId !== null), trx);
      for (const u of changes.updated) await this.members.updateAccount(u.id, u.remote, now, trx);
      await this.members.deleteAccounts(changes.gone.map((g) => g.id), now, trx);
    });
    result.accounts.added = changes.added.length;
    result.accounts.updated = changes.updated.length;
    result.accounts.gone = changes.gone.length;
    if (!importing) result.accounts.awaitingImport = stillUnlinked.length + newUnlinked;
  }

  private async setStatus(server: ServerRecord, status: string, message: string | null) {
    if (server.status === status && server.statusMessage === message) return;
    await this.servers.update(server.id, { status, status_message: message, updated_at: this.now() });
  }

  private async recordFailure(server: ServerRecord, error: unknown) {
    const integration = error instanceof IntegrationError ? error : null;
    const status =
      integration?.reason === 'plex_machine_id_changed'
        ? 'machine_id_changed'
        : integration?.kind === 'unauthorized'
          ? 'unauthorized'
          : integration?.kind === 'rate_limited'
            ? 'rate_limited'
            : 'unreachable';
    const message = integration ? [integration.message, integration.fix].filter(Boolean).join(' ') : String(error);
    await this.setStatus(server, status, message);
    const alert = {
      machine_id_changed: { kind: 'machine_id_changed', title: `${server.name}: the server's identity changed` },
      unauthorized: { kind: 'token_invalid', title: `${server.name}: credentials refused` },
      unreachable: { kind: 'server_unreachable', title: `${server.name} is unreachable` },
      // Reachable and working, only throttled: saying "unreachable" would send the admin looking for an outage.
      rate_limited: { kind: 'server_rate_limited', title: `${server.name}: rate limited by ${integration?.service ?? 'the server'}` },
    }[status];
    await this.alerts.raise({ ...alert, severity: 'error', message, dedupeKey: `server-${status}-${server.id}` });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
