import { IntegrationError } from '../../adapters/http/integration-error.js';
import type { MediaServerAdapter, RemoteAccount } from '../../adapters/media-server/media-server.js';
import { diffAccounts, diffLibraries, isManageable, MemberMatcher } from '../../domain/server-sync.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import { PRIVATE_GROUP_ID, type LibrariesRepository } from '../libraries/libraries.repository.js';
import type { MembersRepository } from '../members/members.repository.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';

export interface ServerSyncResult {
  serverId: string;
  serverName: string;
  ok: boolean;
  error?: string;
  libraries: { added: number; updated: number; removed: number };
  accounts: { added: number; updated: number; gone: number; imported: number; awaitingImport: number };
}

export interface SyncProgress {
  (fraction: number, message?: string): void | Promise<void>;
}

/**
 * Server, library, member and shared-server sync. Reads each server once per resource per pass,
 * diffs against what is stored, and writes only the differences, each server in one transaction.
 * The first member sync of a server imports nobody: its accounts wait in a preview until the admin
 * confirms the import.
 */
export class SyncService {
  constructor(
    private readonly servers: ServersRepository,
    private readonly libraries: LibrariesRepository,
    private readonly members: MembersRepository,
    private readonly connector: ServerConnector,
    private readonly settings: SettingsService,
    private readonly alerts: AlertsService,
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
    // A few servers at a time: remote latency dominates, and SQLite serialises the writes anyway.
    const queue = [...targets];
    const worker = async () => {
      for (let server = queue.shift(); server; server = queue.shift()) {
        results.push(await this.syncServer(server));
        done++;
        await progress?.(done / targets.length, `${done} of ${targets.length} servers synced`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
    return results;
  }

  /**
   * One sync per server at a time: a second caller (the sync after adding, "Sync now", the hourly
   * job) shares the pass in progress instead of racing it to insert the same rows.
   */
  syncServer(server: ServerRecord): Promise<ServerSyncResult> {
    const running = this.inFlight.get(server.id);
    if (running) return running;
    const pass = this.syncServerOnce(server).finally(() => this.inFlight.delete(server.id));
    this.inFlight.set(server.id, pass);
    return pass;
  }

  /** Starts a pass for a server known by id (just added); registered at once, so `settled` sees it. */
  syncById(serverId: string): Promise<ServerSyncResult> {
    const running = this.inFlight.get(serverId);
    if (running) return running;
    const pass = this.servers
      .find(serverId)
      .then((server) => {
        if (!server) throw new Error(`server ${serverId} vanished before its first sync`);
        return this.syncServerOnce(server);
      })
      .finally(() => this.inFlight.delete(serverId));
    this.inFlight.set(serverId, pass);
    return pass;
  }

  /** Resolves once the pass in progress for that server (if any) has finished. */
  async settled(serverId: string): Promise<void> {
    await this.inFlight.get(serverId)?.catch(() => undefined);
  }

  private readonly inFlight = new Map<string, Promise<ServerSyncResult>>();

  private async syncServerOnce(server: ServerRecord): Promise<ServerSyncResult> {
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
      await this.applyIdentity(server, identity);
      await this.applyLibraries(server, remoteLibraries, result);
      await this.applyAccounts(server, remoteAccounts.filter((a) => isManageable(a, templateName)), result);
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

  private async applyLibraries(server: ServerRecord, remote: Awaited<ReturnType<MediaServerAdapter['listLibraries']>>, result: ServerSyncResult) {
    const stored = await this.libraries.storedForServer(server.id);
    const changes = diffLibraries(stored, remote);
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

  private async applyAccounts(server: ServerRecord, remote: RemoteAccount[], result: ServerSyncResult) {
    const stored = await this.members.storedAccounts(server.id);
    const changes = diffAccounts(stored, remote);
    const importing = server.membersImportedAt !== null;
    const unlinked = stored.filter((a) => a.memberId === null);
    if (changes.added.length + changes.updated.length + changes.gone.length === 0 && !(importing && unlinked.length > 0)) {
      result.accounts.awaitingImport = importing ? 0 : unlinked.length;
      return;
    }
    const now = this.now();
    const media = await this.settings.get('mediaServer');
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
      await this.members.insertAccounts(inserts, now, trx);
      await this.members.linkAccounts(links.filter((l): l is { accountId: string; memberId: string } => l.memberId !== null), trx);
      for (const u of changes.updated) await this.members.updateAccount(u.id, u.remote, now, trx);
      await this.members.deleteAccounts(changes.gone.map((g) => g.id), trx);
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
      integration?.reason === 'plex_machine_id_changed' ? 'machine_id_changed' : integration?.kind === 'unauthorized' ? 'unauthorized' : 'unreachable';
    const message = integration ? [integration.message, integration.fix].filter(Boolean).join(' ') : String(error);
    await this.setStatus(server, status, message);
    const alert = {
      machine_id_changed: { kind: 'machine_id_changed', title: `${server.name}: the server's identity changed` },
      unauthorized: { kind: 'token_invalid', title: `${server.name}: credentials refused` },
      unreachable: { kind: 'server_unreachable', title: `${server.name} is unreachable` },
    }[status];
    await this.alerts.raise({ ...alert, severity: 'error', message, dedupeKey: `server-${status}-${server.id}` });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
