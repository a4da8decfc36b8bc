import { IntegrationError } from '../../adapters/http/integration-error.js';
import type { MediaServerKind, ServerIdentity } from '../../ports/media-server.js';
import { sameOrigin } from '../../domain/origins.js';
import { capacityWarning, type CapacityWarning } from '../../domain/server-capacity.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PlexAccountsService } from './plex-accounts.service.js';
import type { ServerConnector } from './server-connector.js';
import type { ServerPatch, ServerRecord, ServersRepository } from './servers.repository.js';

/** Fields of reference §2.9 an admin edits on any server. */
export interface ServerOptions {
  name?: string | undefined;
  locationId?: string | null | undefined;
  enabled?: boolean | undefined;
  allowNewSubscriptions?: boolean | undefined;
  allowTrials?: boolean | undefined;
  maxUsers?: number | undefined;
  allow4kTranscoding?: boolean | undefined;
  logStreaming?: boolean | undefined;
  logDownloads?: boolean | undefined;
  hasEmbyPremiere?: boolean | undefined;
}

export interface ConnectionInput {
  kind: MediaServerKind;
  url: string;
  apiKey?: string | undefined;
  allowSelfSigned?: boolean | undefined;
  plexAccountId?: string | undefined;
  /** Plex: the machine identifier of the server chosen from the account's server list. */
  machineId?: string | undefined;
}

/** A server as the API shows it: the record without its sealed key, plus capacity. */
export type ServerView = Omit<ServerRecord, 'apiKeySealed' | 'membersImportedAt' | 'updatedAt'> & {
  apiKeySet: boolean;
  members: number;
  membersImported: boolean;
};

/** What a save answers: the server, plus what the admin should know about what was accepted. */
export type SavedServer = ServerView & { warnings: CapacityWarning[] };

/** A connection test gives up after this long, retries included, so the admin is never left waiting. */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

const KIND_NAME: Record<MediaServerKind, string> = { plex: 'Plex', jellyfin: 'Jellyfin', emby: 'Emby' };

export class ServersService {
  constructor(
    private readonly repo: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly plexAccounts: PlexAccountsService,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Called once a server is added, so its libraries appear without waiting for the hourly sync. */
    private readonly onAdded: (serverId: string) => void = () => {},
  ) {}

  /** Tests shorten it; operators get CONNECTION_TEST_TIMEOUT_MS. */
  connectionTestTimeoutMs = CONNECTION_TEST_TIMEOUT_MS;

  async list(): Promise<ServerView[]> {
    const [servers, counts] = await Promise.all([this.repo.list(), this.repo.memberCounts()]);
    return servers.map((s) => this.view(s, counts.get(s.id) ?? 0));
  }

  async get(id: string): Promise<ServerRecord> {
    const server = await this.repo.find(id);
    if (!server) throw notFound('server_not_found', 'No server has that id.');
    return server;
  }

  async view1(id: string): Promise<ServerView> {
    const counts = await this.repo.memberCounts();
    return this.view(await this.get(id), counts.get(id) ?? 0);
  }

  /** Connects with the given settings and reports what the server says it is, saving nothing. */
  async testConnection(input: ConnectionInput): Promise<ServerIdentity> {
    if (input.kind === 'plex') {
      if (!input.plexAccountId) throw badRequest('plex_account_required', 'Choose the Plex account that owns this server.');
      if (!input.machineId) throw badRequest('machine_id_required', 'Choose the Plex server from the account’s server list.');
      await this.plexAccounts.get(input.plexAccountId);
    } else if (!input.apiKey) {
      throw badRequest('api_key_required', 'Enter the server’s API key (Dashboard → API Keys).');
    }
    const probe = this.draftRecord(input);
    const adapter = await this.connector.adapterFor(probe);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const seconds = Math.max(1, Math.round(this.connectionTestTimeoutMs / 1000));
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => {
          timedOut = true;
          reject(
            new IntegrationError(KIND_NAME[input.kind], 'timeout', `The server did not answer within ${seconds} seconds.`, true, {
              fix: 'Check the URL and port, and that the server is running and reachable from Usher.',
            }),
          );
        },
        this.connectionTestTimeoutMs,
      );
    });
    try {
      return await Promise.race([adapter.testConnection(), deadline]);
    } catch (error) {
      if (error instanceof IntegrationError && error.reason === 'wrong_server_kind') {
        const other = input.kind === 'emby' ? 'jellyfin' : 'emby';
        throw badRequest('wrong_server_kind', `This is ${other === 'emby' ? 'an Emby' : 'a Jellyfin'} server, not ${KIND_NAME[input.kind]}. Add it with "Add ${KIND_NAME[other]} server" instead.`, {
          field: 'url',
          detected: other,
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      // Closing waits for requests in flight; after a timeout the answer must not wait for them too.
      const closing = adapter.close();
      if (timedOut) closing.catch(() => {});
      else await closing;
    }
  }

  async add(input: ConnectionInput & ServerOptions, actor: Actor): Promise<SavedServer> {
    const identity = await this.testConnection(input);
    if (await this.repo.findByMachineId(input.kind, identity.machineId)) {
      throw conflict('server_exists', `${identity.name} is already added.`);
    }
    if (input.locationId) await this.assertLocation(input.locationId);
    const record: ServerRecord = {
      ...this.draftRecord(input, newId()),
      name: input.name?.trim() || identity.name,
      machineId: identity.machineId,
      version: identity.version,
      hasEmbyPremiere: input.hasEmbyPremiere ?? identity.premium ?? false,
      status: 'ok',
    };
    const options = this.optionsPatch({ ...input, enabled: input.enabled ?? false });
    await this.repo.insert({ ...this.toRow(record), ...options });
    await this.audit.record(actor, 'server.add', { type: 'server', id: record.id }, { kind: input.kind, name: record.name });
    this.onAdded(record.id);
    return { ...(await this.view1(record.id)), warnings: [] };
  }

  /**
   * Edits a server. A new URL or API key is tested first. For Plex, a new `machineId` adopts a
   * re-installed server (same libraries, new identity) after the admin picked it from the account.
   * The stored credentials never go to a new origin: see `assertSecretMayFollow`.
   */
  async update(id: string, input: ServerOptions & Partial<Pick<ConnectionInput, 'url' | 'apiKey' | 'allowSelfSigned' | 'machineId'>>, actor: Actor): Promise<SavedServer> {
    const server = await this.get(id);
    if (input.locationId) await this.assertLocation(input.locationId);
    const patch: ServerPatch = { ...this.optionsPatch(input), updated_at: this.now() };
    if (input.machineId !== undefined && server.kind !== 'plex') throw badRequest('machine_id_plex_only', 'Only Plex servers are chosen by machine id.');
    if (input.url !== undefined || input.apiKey !== undefined || input.allowSelfSigned !== undefined || input.machineId !== undefined) {
      if (input.url !== undefined) await this.assertSecretMayFollow(server, input.url, input.apiKey, input.machineId);
      const connection: ConnectionInput = {
        kind: server.kind,
        url: input.url ?? server.url,
        apiKey: input.apiKey ?? (server.apiKeySealed ? this.secrets.decrypt(server.apiKeySealed, { table: 'servers', column: 'api_key', rowId: server.id }) : undefined),
        allowSelfSigned: input.allowSelfSigned ?? server.allowSelfSigned,
        plexAccountId: server.plexAccountId ?? undefined,
        machineId: input.machineId ?? server.machineId ?? undefined,
      };
      const identity = await this.testConnection(connection);
      if (input.machineId !== undefined) {
        if (identity.machineId !== input.machineId) throw conflict('different_server', 'That address answers as another server than the one chosen.');
        patch.machine_id = input.machineId;
      } else if (server.machineId && identity.machineId !== server.machineId) {
        throw conflict('different_server', `That address answers as ${identity.name}, a different server. Add it as a new server instead.`);
      }
      patch.url = connection.url.replace(/\/+$/, '');
      patch.allow_self_signed = connection.allowSelfSigned ?? false;
      if (input.apiKey !== undefined) patch.api_key = this.secrets.encrypt(input.apiKey, { table: 'servers', column: 'api_key', rowId: server.id });
      patch.status = 'ok';
      patch.status_message = null;
    }
    await this.repo.update(id, patch);
    const fields = Object.keys(input).map((k) => (k === 'apiKey' ? 'apiKey (replaced)' : k));
    await this.audit.record(actor, 'server.update', { type: 'server', id }, { fields });
    const view = await this.view1(id);
    const warning = input.maxUsers !== undefined ? capacityWarning(view.maxUsers, view.members) : null;
    return { ...view, warnings: warning ? [warning] : [] };
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const server = await this.get(id);
    await this.repo.delete(id);
    await this.audit.record(actor, 'server.delete', { type: 'server', id }, { name: server.name });
  }

  async listLocations() {
    return this.repo.listLocations();
  }

  async addLocation(name: string, actor: Actor) {
    if (await this.repo.findLocationByName(name)) throw conflict('location_exists', 'A location with this name exists.');
    const id = newId();
    await this.repo.insertLocation({ id, name, created_at: this.now() });
    await this.audit.record(actor, 'location.add', { type: 'location', id }, { name });
    return { id, name };
  }

  async renameLocation(id: string, name: string, actor: Actor) {
    await this.assertLocation(id);
    const other = await this.repo.findLocationByName(name);
    if (other && other.id !== id) throw conflict('location_exists', 'A location with this name exists.');
    await this.repo.renameLocation(id, name);
    await this.audit.record(actor, 'location.rename', { type: 'location', id }, { name });
  }

  async deleteLocation(id: string, actor: Actor) {
    await this.assertLocation(id);
    await this.repo.deleteLocation(id);
    await this.audit.record(actor, 'location.delete', { type: 'location', id });
  }

  /**
   * An admin session (or a stolen one) that may edit servers must not be able to point a server at
   * a host it controls and receive the stored key: a new origin needs the key typed again. Plex
   * servers use the account's token, which the form cannot ask for, so a new origin must be one
   * plex.tv itself lists for that server.
   */
  private async assertSecretMayFollow(server: ServerRecord, url: string, apiKey: string | undefined, machineId: string | undefined) {
    if (sameOrigin(url, server.url)) return;
    if (server.kind !== 'plex') {
      if (apiKey !== undefined) return;
      throw badRequest('secret_required_for_new_host', 'The URL points to a new host: enter the API key again, so the saved one is never sent to another address.', {
        field: 'apiKey',
      });
    }
    if (!server.plexAccountId) throw badRequest('plex_account_missing', `${server.name} has no Plex account; add the account first.`);
    const machine = machineId ?? server.machineId;
    const listed = (await this.plexAccounts.servers(server.plexAccountId)).find((s) => s.machineId === machine);
    if (!listed?.connections.some((c) => sameOrigin(c.uri, url))) {
      throw badRequest(
        'secret_required_for_new_host',
        'That address is not one plex.tv lists for this server, so Usher will not send the Plex token there. Pick an address from the account’s server list.',
        { field: 'url' },
      );
    }
  }

  private async assertLocation(id: string) {
    if (!(await this.repo.findLocation(id))) throw badRequest('unknown_location', 'That server location does not exist.');
  }

  /** `id` is the row the record will be stored as: the sealed key is bound to it. */
  private draftRecord(input: ConnectionInput, id = 'draft'): ServerRecord {
    const now = this.now();
    return {
      id,
      kind: input.kind,
      name: '',
      machineId: input.kind === 'plex' ? (input.machineId ?? null) : null,
      version: null,
      plexAccountId: input.kind === 'plex' ? (input.plexAccountId ?? null) : null,
      url: input.url.replace(/\/+$/, ''),
      apiKeySealed: input.apiKey ? this.secrets.encrypt(input.apiKey, { table: 'servers', column: 'api_key', rowId: id }) : null,
      allowSelfSigned: input.allowSelfSigned ?? false,
      locationId: null,
      enabled: false,
      allowNewSubscriptions: true,
      allowTrials: true,
      maxUsers: 0,
      allow4kTranscoding: true,
      logStreaming: true,
      logDownloads: true,
      hasEmbyPremiere: false,
      status: 'unknown',
      statusMessage: null,
      membersImportedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private toRow(r: ServerRecord) {
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      machine_id: r.machineId,
      version: r.version,
      plex_account_id: r.plexAccountId,
      url: r.url,
      api_key: r.apiKeySealed,
      allow_self_signed: r.allowSelfSigned,
      location_id: r.locationId,
      enabled: r.enabled,
      allow_new_subscriptions: r.allowNewSubscriptions,
      allow_trials: r.allowTrials,
      max_users: r.maxUsers,
      allow_4k_transcoding: r.allow4kTranscoding,
      log_streaming: r.logStreaming,
      log_downloads: r.logDownloads,
      has_emby_premiere: r.hasEmbyPremiere,
      status: r.status,
      status_message: r.statusMessage,
      members_imported_at: r.membersImportedAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    };
  }

  private optionsPatch(o: ServerOptions): ServerPatch {
    const patch: ServerPatch = {};
    if (o.name !== undefined) patch.name = o.name.trim();
    if (o.locationId !== undefined) patch.location_id = o.locationId;
    if (o.enabled !== undefined) patch.enabled = o.enabled;
    if (o.allowNewSubscriptions !== undefined) patch.allow_new_subscriptions = o.allowNewSubscriptions;
    if (o.allowTrials !== undefined) patch.allow_trials = o.allowTrials;
    if (o.maxUsers !== undefined) patch.max_users = o.maxUsers;
    if (o.allow4kTranscoding !== undefined) patch.allow_4k_transcoding = o.allow4kTranscoding;
    if (o.logStreaming !== undefined) patch.log_streaming = o.logStreaming;
    if (o.logDownloads !== undefined) patch.log_downloads = o.logDownloads;
    if (o.hasEmbyPremiere !== undefined) patch.has_emby_premiere = o.hasEmbyPremiere;
    return patch;
  }

  private view(s: ServerRecord, members: number): ServerView {
    const { apiKeySealed, membersImportedAt, updatedAt: _updatedAt, ...visible } = s;
    return { ...visible, apiKeySet: apiKeySealed !== null, members, membersImported: membersImportedAt !== null };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
