import { IntegrationError } from '../../http/integration-error.js';
import type {
  AccessGrant,
  AccountRef,
  EventSubscription,
  LibraryCounts,
  MediaServerAdapter,
  MediaServerCapabilities,
  MediaServerEvent,
  MediaServerKind,
  ProvisionInput,
  RemoteAccount,
  RemoteDownload,
  RemoteLibrary,
  RemoteSession,
  ServerIdentity,
} from '../../../ports/media-server.js';
import { isNotFound, MediaBrowserClient, type MediaBrowserFlavor } from './client.js';
import { MediaBrowserEventStream } from './event-stream.js';
import { applyGrant, deNullPolicy, revokeFolders, samePolicy } from './policy.js';
import { provisionFromTemplate, type TemplateSnapshot } from './provision.js';
import { countPlan, sameId, toRemoteAccount, toRemoteSessions } from './sessions.js';
import type { WireActivityEntry, WirePolicy, WireQueryResult, WireSession, WireSystemInfo, WireUser } from './wire.js';

/** 500 × 400 = 200,000 log lines in one window: far beyond a day of any server Usher manages. */
const ACTIVITY_MAX_PAGES = 400;

export interface MediaBrowserAdapterOptions {
  baseUrl: string;
  apiKey: string;
  allowSelfSigned?: boolean;
  /** The "default user" new accounts copy (reference §2.5.10); null/absent = the server's defaults. */
  templateUserId?: string | null;
  timeoutMs?: number;
  retries?: number;
  /** Websocket timings (tests shorten them). */
  eventTimings?: { minBackoffMs?: number; maxBackoffMs?: number; sessionsStartRetryMs?: number };
}

/** A library as the adapter needs it internally: the id sharing takes and the id item queries take. */
export interface LibraryFolder extends RemoteLibrary {
  /** The `ParentId` of item queries (Emby: the numeric folder id, not the Guid). */
  parentId: string;
}

/**
 * Jellyfin and Emby share this base (architecture: one MediaBrowser family). Subclasses supply
 * only the wire differences: which list endpoints exist, how users are created and passwords set,
 * how messages travel, the websocket address and the name of the session-cap field.
 */
export abstract class MediaBrowserAdapter implements MediaServerAdapter {
  abstract readonly kind: MediaServerKind;
  abstract readonly capabilities: MediaServerCapabilities;
  protected readonly client: MediaBrowserClient;
  protected readonly templateUserId: string | null;
  private readonly subscriptions = new Set<EventSubscription>();

  protected constructor(
    protected readonly flavor: MediaBrowserFlavor,
    protected readonly options: MediaBrowserAdapterOptions,
  ) {
    this.client = new MediaBrowserClient({
      flavor,
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      allowSelfSigned: options.allowSelfSigned ?? false,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
    this.templateUserId = options.templateUserId ?? null;
  }

  protected get service(): string {
    return this.client.service;
  }

  // ---- flavour hooks ----

  /** Every user in one call (Jellyfin `GET /Users`, Emby `GET /Users/Query`). */
  protected abstract fetchUsers(): Promise<WireUser[]>;
  protected abstract fetchLibraryFolders(): Promise<LibraryFolder[]>;
  /** Creates the user with its password; leaves nothing behind when it throws, if it can tell. */
  protected abstract createUser(name: string, password: string | undefined): Promise<WireUser>;
  protected abstract postConfiguration(userId: string, configuration: Record<string, unknown>): Promise<void>;
  /** Sets a local password as an administrator (no current password needed). */
  abstract setPassword(account: AccountRef, password: string): Promise<void>;
  protected abstract sendMessage(sessionId: string, header: string, text: string): Promise<void>;
  protected abstract eventTarget(): { url: string | string[]; headers: Record<string, string> };
  protected abstract displayPreferencesQuery(userId: string): Record<string, string>;

  // ---- identity ----

  async identity(): Promise<ServerIdentity> {
    const info = await this.client.getJson<WireSystemInfo>('/System/Info');
    if (!info.Id) throw new IntegrationError(this.service, 'invalid_response', `${this.service} answered /System/Info without a server id.`, false);
    const product = /jellyfin/i.test(info.ProductName ?? '') ? 'jellyfin' : 'emby';
    return { machineId: info.Id, name: info.ServerName ?? '', version: info.Version ?? '', product };
  }

  /** Identity, proof the key has administrator rights, and that the template user exists. */
  async testConnection(): Promise<ServerIdentity> {
    const identity = await this.identity();
    // Emby answers most of Jellyfin's API (and the reverse), so a wrong choice would pass every
    // later check and be saved as the wrong kind; the product name is the one reliable tell.
    if (identity.product && identity.product !== this.kind) {
      throw new IntegrationError(this.service, 'rejected', `This address answers as ${identity.product === 'emby' ? 'an Emby' : 'a Jellyfin'} server.`, false, {
        cause: 'wrong_server_kind',
      });
    }
    await this.fetchUsers();
    if (this.templateUserId) await this.captureTemplate();
    return identity;
  }

  // ---- libraries ----

  async listLibraries(): Promise<RemoteLibrary[]> {
    return (await this.fetchLibraryFolders()).map(({ remoteId, key, title, type }) => ({ remoteId, key, title, type }));
  }

  async libraryStats(): Promise<LibraryCounts[]> {
    const folders = await this.fetchLibraryFolders();
    const out: LibraryCounts[] = [];
    for (const folder of folders) {
      const plan = countPlan(folder.type);
      const cache = new Map<string, number>();
      const count = async (types: string[] | undefined): Promise<number | undefined> => {
        if (!types) return undefined;
        const key = types.join(',');
        if (!cache.has(key)) cache.set(key, await this.countItems(folder.parentId, types));
        return cache.get(key);
      };
      const counts: LibraryCounts = { remoteId: folder.remoteId, items: (await count(plan.items)) ?? 0 };
      const episodes = await count(plan.episodes);
      const albums = await count(plan.albums);
      const tracks = await count(plan.tracks);
      if (episodes !== undefined) counts.episodes = episodes;
      if (albums !== undefined) counts.albums = albums;
      if (tracks !== undefined) counts.tracks = tracks;
      out.push(counts);
    }
    return out;
  }

  private async countItems(parentId: string, types: string[]): Promise<number> {
    const result = await this.client.getJson<WireQueryResult<unknown>>('/Items', {
      ParentId: parentId,
      Recursive: true,
      IncludeItemTypes: types.join(','),
      Limit: 0,
    });
    return result.TotalRecordCount ?? 0;
  }

  // ---- accounts ----

  async listAccounts(): Promise<RemoteAccount[]> {
    return (await this.fetchUsers()).map((u) => toRemoteAccount(u, this.templateUserId, this.flavor));
  }

  async provisionAccount(input: ProvisionInput): Promise<RemoteAccount> {
    const created = await provisionFromTemplate(
      {
        flavor: this.flavor,
        service: this.service,
        captureTemplate: () => this.captureTemplate(),
        fetchUsers: () => this.fetchUsers(),
        createUser: (name, password) => this.createUser(name, password),
        postPolicy: (id, policy) => this.postPolicy(id, policy),
        postConfiguration: (id, configuration) => this.postConfiguration(id, configuration),
        postDisplayPreferences: (id, prefs) => this.postDisplayPreferences(id, prefs),
        deleteUser: (id) => this.deleteUserQuietly(id),
      },
      input,
    );
    return toRemoteAccount(created, this.templateUserId, this.flavor);
  }

  async grantAccess(account: AccountRef, grant: AccessGrant): Promise<void> {
    await this.updatePolicy(account.remoteId, (p) => applyGrant(p, grant, this.flavor));
  }

  async revokeAccess(account: AccountRef): Promise<void> {
    await this.updatePolicy(account.remoteId, revokeFolders);
  }

  async deleteAccount(account: AccountRef): Promise<void> {
    try {
      await this.client.delete(`/Users/${encodeURIComponent(account.remoteId)}`);
    } catch (error) {
      // Already gone is what we wanted.
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Both servers rename through their "update user" endpoint, which takes the whole UserDto and
   * calls UserManager.RenameUser when Name differs (Jellyfin UserController.UpdateUser; Emby
   * UserService POST /Users/{Id}). Jellyfin 10.9+ documents it as POST /Users?userId= (the
   * /Users/{userId} form is obsolete there), Emby as POST /Users/{Id}. A name another user has is
   * refused with 400 "A user with the name '…' already exists.", which retrying cannot fix.
   */
  async renameAccount(account: AccountRef, name: string): Promise<void> {
    const user = await this.client.getJson<WireUser>(`/Users/${encodeURIComponent(account.remoteId)}`);
    if (user.Name === name) return;
    const json = { ...user, Name: name };
    if (this.flavor === 'jellyfin') await this.client.post('/Users', { json, query: { userId: user.Id }, idempotent: true });
    else await this.client.post(`/Users/${encodeURIComponent(user.Id)}`, { json, idempotent: true });
  }

  /**
   * GET the user, change its policy, POST the full object back (partial policies reset every
   * omitted field on the server). Skips the POST when nothing changes, so repeats are free.
   */
  protected async updatePolicy(userId: string, change: (policy: WirePolicy) => WirePolicy): Promise<void> {
    const user = await this.client.getJson<WireUser>(`/Users/${encodeURIComponent(userId)}`);
    const current = deNullPolicy(user.Policy ?? {}, this.flavor);
    const next = change(current);
    if (samePolicy(current, next)) return;
    await this.postPolicy(user.Id, next);
  }

  protected async postPolicy(userId: string, policy: WirePolicy): Promise<void> {
    await this.client.post(`/Users/${encodeURIComponent(userId)}/Policy`, { json: policy, idempotent: true });
  }

  protected async captureTemplate(): Promise<TemplateSnapshot | null> {
    if (!this.templateUserId) return null;
    let user: WireUser;
    try {
      user = await this.client.getJson<WireUser>(`/Users/${encodeURIComponent(this.templateUserId)}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new IntegrationError(this.service, 'not_found', `The template user configured for new accounts does not exist on this ${this.service} server.`, false, {
        status: 404,
        cause: 'template_user_missing',
        fix: `Create the template user on the ${this.service} server, or choose another one in Settings → Media server integration.`,
      });
    }
    let displayPreferences: Record<string, unknown> | null = null;
    try {
      displayPreferences = await this.client.getJson<Record<string, unknown>>('/DisplayPreferences/usersettings', this.displayPreferencesQuery(user.Id));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return { policy: user.Policy, configuration: user.Configuration, displayPreferences };
  }

  private async postDisplayPreferences(userId: string, prefs: Record<string, unknown>): Promise<void> {
    await this.client.post('/DisplayPreferences/usersettings', { json: prefs, query: this.displayPreferencesQuery(userId), idempotent: true });
  }

  private async deleteUserQuietly(userId: string): Promise<void> {
    try {
      await this.deleteAccount({ remoteId: userId });
    } catch {
      // The caller reports the failure that made us clean up, not this one.
    }
  }

  // ---- sessions ----

  async listSessions(): Promise<RemoteSession[]> {
    return toRemoteSessions(await this.fetchSessions());
  }

  protected fetchSessions(): Promise<WireSession[]> {
    return this.client.getJson<WireSession[]>('/Sessions');
  }

  /**
   * Shows the message, then stops playback. The message is a courtesy: when it fails (other than
   * for the API key), the stop is still sent. A session that is already gone counts as stopped.
   */
  async stopSession(sessionId: string, message: string): Promise<void> {
    try {
      await this.sendMessage(sessionId, 'Usher', message);
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 401) throw error;
    }
    try {
      await this.client.post(`/Sessions/${encodeURIComponent(sessionId)}/Playing/Stop`, { idempotent: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  subscribeEvents(onEvent: (event: MediaServerEvent) => void): EventSubscription {
    const { url, headers } = this.eventTarget();
    const stream = new MediaBrowserEventStream({
      url,
      headers,
      allowSelfSigned: this.options.allowSelfSigned ?? false,
      onEvent,
      ...this.options.eventTimings,
    });
    this.subscriptions.add(stream);
    return {
      close: async () => {
        this.subscriptions.delete(stream);
        await stream.close();
      },
    };
  }

  // ---- downloads (activity log, §9.4) ----

  /**
   * Every download logged since `since`. The log is newest first and has no type filter (Jellyfin
   * 10.x and Emby 4.8 take only startIndex/limit/minDate/hasUserId), so it is paged to the end of
   * the window: on a busy server playback lines alone exceed any fixed number of entries. Bounded
   * only as a guard against a server that never stops paging.
   */
  async listDownloads(since: Date): Promise<RemoteDownload[]> {
    const out: RemoteDownload[] = [];
    const pageSize = 500;
    for (let start = 0, page = 0; page < ACTIVITY_MAX_PAGES; page++, start += pageSize) {
      const result = await this.client.getJson<WireQueryResult<WireActivityEntry>>('/System/ActivityLog/Entries', {
        startIndex: start,
        limit: pageSize,
        minDate: since.toISOString(),
        hasUserId: true,
      });
      const items = result.Items ?? [];
      for (const entry of items) {
        // The Emby 4.8 document has no type filter, and Name is localized: match on Type here.
        if (entry.Type !== 'UserDownloadingContent' || !entry.UserId || !entry.Date) continue;
        if (new Date(entry.Date).getTime() < since.getTime()) continue;
        out.push({ accountRemoteId: entry.UserId, itemId: entry.ItemId ?? null, description: entry.Name ?? null, at: entry.Date });
      }
      if (items.length < pageSize || start + pageSize >= (result.TotalRecordCount ?? 0)) break;
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** The remote account the template user id points at, for callers that show it. */
  isTemplate(remoteId: string): boolean {
    return this.templateUserId !== null && sameId(remoteId, this.templateUserId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    await this.client.close();
  }
}
