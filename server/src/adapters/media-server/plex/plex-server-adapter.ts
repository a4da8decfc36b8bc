import { HttpClient, type HttpRequest, type HttpResponse } from '../../http/http-client.js';
import { IntegrationError } from '../../http/integration-error.js';
import type {
  AccessGrant,
  AccountRef,
  EventSubscription,
  LibraryCounts,
  LibraryType,
  MediaServerAdapter,
  MediaServerCapabilities,
  MediaServerEvent,
  ProvisionInput,
  RemoteAccount,
  RemoteLibrary,
  RemoteSession,
  ServerIdentity,
} from '../../../ports/media-server.js';
import { buildAccounts, parseInviteKey, shareAccountKey } from './plex-accounts.js';
import { machineIdChanged, PLEX_FIX } from './plex-errors.js';
import { PlexEventStream } from './plex-events.js';
import { toRemoteSession, type PlexMedia, type PlexSessionItem } from './plex-sessions.js';
import type { PlexTvClient } from './plex-tv-client.js';
import type { PlexShare } from './plex-types.js';

export interface PlexServerAdapterOptions {
  /** The connection URI chosen for this server. */
  url: string;
  /** The machine identifier Usher stored for this server. */
  machineId: string;
  /** Token for the PMS API: the resource `accessToken` (or the owner's account token). */
  token: string;
  /** plex.tv client of the owning account (shares, Home users, section ids). */
  plexTv: PlexTvClient;
  /** The admin's "Has Plex Pass" override; null/undefined = detect from plex.tv. */
  hasPlexPass?: boolean | null;
  clientIdentifier?: string;
  allowSelfSigned?: boolean;
  timeoutMs?: number;
  retries?: number;
  events?: { minReconnectMs?: number; maxReconnectMs?: number };
}

interface SectionDirectory {
  key: string;
  type: string;
  title: string;
}

const TYPES: Record<string, LibraryType> = { movie: 'movie', show: 'show', artist: 'music', photo: 'photo' };
const COUNT_CONCURRENCY = 4;

/** A Plex Media Server behind the MediaServerAdapter port; sharing goes through its owner's plex.tv account. */
export class PlexServerAdapter implements MediaServerAdapter {
  readonly kind = 'plex' as const;
  private readonly pms: HttpClient;
  private readonly headers: Record<string, string>;
  private detectedPlexPass: boolean | null = null;

  constructor(private readonly options: PlexServerAdapterOptions) {
    this.headers = { Accept: 'application/json', 'X-Plex-Product': 'Usher', 'X-Plex-Client-Identifier': options.clientIdentifier ?? 'usher' };
    this.pms = new HttpClient({
      service: 'Plex Media Server',
      baseUrl: options.url,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      allowSelfSigned: options.allowSelfSigned ?? false,
      defaultHeaders: { ...this.headers, 'X-Plex-Token': options.token },
    });
  }

  private get plexPass(): boolean {
    return this.options.hasPlexPass ?? this.detectedPlexPass ?? false;
  }

  get capabilities(): MediaServerCapabilities {
    return { stopSessions: this.plexPass, sessionMessages: false, serverSideSessionCap: false, devices: false, events: true, localPasswords: false };
  }

  /** Reachable, token accepted, and still the same server (a reinstall changes the machine id). */
  async testConnection(): Promise<ServerIdentity> {
    const identity = await this.identity();
    if (identity.machineId !== this.options.machineId) throw machineIdChanged(this.pms.service, this.options.machineId, identity.machineId);
    return identity;
  }

  async identity(): Promise<ServerIdentity> {
    const root = (await this.get('/')).json<{ MediaContainer: { machineIdentifier: string; friendlyName?: string; version?: string } }>().MediaContainer;
    if (this.options.hasPlexPass === undefined || this.options.hasPlexPass === null) this.detectedPlexPass = await this.options.plexTv.hasPlexPass();
    return { machineId: root.machineIdentifier, name: root.friendlyName ?? '', version: root.version ?? '', premium: this.plexPass };
  }

  /** PMS sections joined with plex.tv's global ids; a section plex.tv does not list yet cannot be shared, so it is left out. */
  async listLibraries(): Promise<RemoteLibrary[]> {
    const [sections, globalIds] = await Promise.all([this.sections(), this.options.plexTv.serverSections(this.options.machineId)]);
    const idByKey = new Map(globalIds.map((s) => [s.key, s.id]));
    return sections.flatMap((s) => {
      const remoteId = idByKey.get(s.key);
      return remoteId ? [{ remoteId, key: s.key, title: s.title, type: TYPES[s.type] ?? 'other' }] : [];
    });
  }

  /** Owner, Plex Home (none is fine) and every share of this server, keyed as shareAccountKey says. */
  async listAccounts(): Promise<RemoteAccount[]> {
    const tv = this.options.plexTv;
    const [shares, home] = await Promise.all([tv.serverShares(this.options.machineId), tv.homeUsers()]);
    const owner = home.some((u) => u.admin) ? null : await tv.account();
    return buildAccounts(owner, home, shares);
  }

  /** Invites a plex.tv email or username. Already shared → the share is brought in line with the grant. */
  async provisionAccount(input: ProvisionInput): Promise<RemoteAccount> {
    this.requireLibraries(input.grant);
    const settings = { allowSync: input.grant.allowDownloads };
    let share: PlexShare;
    try {
      share = await this.options.plexTv.invite({ machineId: this.options.machineId, identifier: input.identifier, librarySectionIds: input.grant.libraries, settings });
    } catch (error) {
      if (!(error instanceof IntegrationError)) throw error;
      if (error.reason === 'plex_already_shared') {
        const wanted = input.identifier.trim().toLowerCase();
        const existing = (await this.currentShares()).find((s) => s.email?.toLowerCase() === wanted || s.username?.toLowerCase() === wanted);
        if (!existing) throw error;
        share = await this.options.plexTv.updateShare(existing.shareId, input.grant.libraries, settings);
      } else if (error.reason === 'plex_server_full') {
        throw await this.explainFull(error);
      } else {
        throw error;
      }
    }
    return {
      remoteId: shareAccountKey(share),
      username: share.username,
      email: share.email,
      displayName: share.title ?? share.username ?? share.email,
      role: 'member',
      state: share.accepted ? 'active' : 'pending',
      libraries: share.allLibraries ? 'all' : share.sectionIds,
      allowDownloads: share.allowSync,
      shareId: share.shareId,
      invitedAt: share.invitedAt,
      acceptedAt: share.acceptedAt,
    };
  }

  /** Sets the share's libraries and downloads; re-shares when the share is gone; no libraries = revoke. */
  async grantAccess(account: AccountRef, grant: AccessGrant): Promise<void> {
    if (grant.libraries.length === 0) return this.revokeAccess(account);
    const settings = { allowSync: grant.allowDownloads };
    if (account.shareId) {
      try {
        await this.options.plexTv.updateShare(account.shareId, grant.libraries, settings);
        return;
      } catch (error) {
        // A 404 says only that this id is unknown (gone, or stored from another generation): look again.
        if (!(error instanceof IntegrationError) || error.status !== 404) throw error;
      }
    }
    const share = (await this.currentShares()).find((s) => shareAccountKey(s) === account.remoteId);
    if (share) {
      const same = share.allowSync === grant.allowDownloads && !share.allLibraries && sameSet(share.sectionIds, grant.libraries);
      if (!same) await this.options.plexTv.updateShare(share.shareId, grant.libraries, settings);
      return;
    }
    const invite = parseInviteKey(account.remoteId);
    try {
      // An email invite that was withdrawn is sent again to the email; a Plex user by account id.
      if (invite) await this.options.plexTv.invite({ machineId: this.options.machineId, identifier: invite.email, librarySectionIds: grant.libraries, settings });
      else await this.options.plexTv.inviteUserId(this.options.machineId, account.remoteId, grant.libraries, settings);
    } catch (error) {
      if (error instanceof IntegrationError && error.reason === 'plex_server_full') throw await this.explainFull(error);
      throw error;
    }
  }

  /**
   * Removes this server's share (the friendship and other servers stay). A 404 on removal is not
   * taken as "already revoked": the id may be stale or of the other generation, so the share list
   * is read again and the share found there is removed; revoking succeeds only when the list no
   * longer holds a share for the account.
   */
  async revokeAccess(account: AccountRef): Promise<void> {
    if (account.shareId) await this.options.plexTv.removeShare(account.shareId);
    for (let attempt = 0; attempt < 2; attempt++) {
      const share = (await this.currentShares()).find((s) => shareAccountKey(s) === account.remoteId);
      if (!share) return;
      await this.options.plexTv.removeShare(share.shareId);
    }
    if ((await this.currentShares()).some((s) => shareAccountKey(s) === account.remoteId)) {
      throw new IntegrationError('plex.tv', 'rejected', 'plex.tv still lists the share after removing it twice.', true, { cause: 'plex_share_not_removed' });
    }
  }

  /** Removes the friend from the owner's account, and with it every share; an email-only invite is withdrawn. */
  async deleteAccount(account: AccountRef): Promise<void> {
    // An invite to an email without a Plex account has no user to unfriend: withdraw the invite.
    if (parseInviteKey(account.remoteId)) return this.revokeAccess(account);
    await this.options.plexTv.removeFriend(account.remoteId);
  }

  /** A plex.tv account's name belongs to its user; Usher changes a Plex identity by a new invite instead. */
  renameAccount(): Promise<void> {
    return Promise.reject(new IntegrationError('plex.tv', 'rejected', 'Plex accounts cannot be renamed by the server owner.', false, { cause: 'plex_rename_unsupported' }));
  }

  async listSessions(): Promise<RemoteSession[]> {
    const items = (await this.get('/status/sessions')).json<{ MediaContainer: { Metadata?: PlexSessionItem[] } }>().MediaContainer.Metadata ?? [];
    const sources = new Map<string, Promise<PlexMedia[] | null>>();
    return Promise.all(
      items.map(async (item) => {
        let source: PlexMedia[] | null = null;
        if (item.TranscodeSession && item.ratingKey) {
          if (!sources.has(item.ratingKey)) sources.set(item.ratingKey, this.sourceMedia(item.ratingKey));
          source = await sources.get(item.ratingKey)!;
        }
        return toRemoteSession(item, source);
      }),
    );
  }

  /** Terminates a stream (needs Plex Pass). A session that already ended is not an error. */
  async stopSession(sessionId: string, message: string): Promise<void> {
    if (this.options.hasPlexPass === false || (this.options.hasPlexPass == null && this.detectedPlexPass === false)) throw this.noPlexPass();
    try {
      await this.get('/status/sessions/terminate', { sessionId, reason: message });
    } catch (error) {
      if (!(error instanceof IntegrationError)) throw error;
      if (error.status === 404) return;
      if (error.reason === 'plex_pass_required') {
        this.detectedPlexPass = false;
        throw this.noPlexPass();
      }
      throw error;
    }
  }

  async libraryStats(): Promise<LibraryCounts[]> {
    const libraries = await this.listLibraries();
    const out: LibraryCounts[] = [];
    for (let i = 0; i < libraries.length; i += COUNT_CONCURRENCY) {
      out.push(...(await Promise.all(libraries.slice(i, i + COUNT_CONCURRENCY).map((lib) => this.counts(lib)))));
    }
    return out;
  }

  subscribeEvents(onEvent: (event: MediaServerEvent) => void): EventSubscription {
    return new PlexEventStream(
      { url: this.options.url, token: this.options.token, headers: this.headers, allowSelfSigned: this.options.allowSelfSigned ?? false, ...this.options.events },
      onEvent,
    );
  }

  async close(): Promise<void> {
    await this.pms.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async counts(lib: RemoteLibrary): Promise<LibraryCounts> {
    const count = async (extra: Record<string, string> = {}): Promise<number> => {
      const res = await this.get(`/library/sections/${encodeURIComponent(lib.key)}/all`, { 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': '0', ...extra });
      const total = res.headers.get('x-plex-container-total-size');
      return Number(total ?? res.json<{ MediaContainer: { totalSize?: number } }>().MediaContainer.totalSize ?? 0);
    };
    // python-plexapi's search types: episode 4, album 9, track 10; photos are counted by cluster.
    if (lib.type === 'show') {
      const [items, episodes] = await Promise.all([count(), count({ type: '4' })]);
      return { remoteId: lib.remoteId, items, episodes };
    }
    if (lib.type === 'music') {
      const [items, albums, tracks] = await Promise.all([count(), count({ type: '9' }), count({ type: '10' })]);
      return { remoteId: lib.remoteId, items, albums, tracks };
    }
    if (lib.type === 'photo') return { remoteId: lib.remoteId, items: await count({ clusterZoomLevel: '1' }) };
    return { remoteId: lib.remoteId, items: await count() };
  }

  private async sections(): Promise<SectionDirectory[]> {
    return (await this.get('/library/sections')).json<{ MediaContainer: { Directory?: SectionDirectory[] } }>().MediaContainer.Directory ?? [];
  }

  private async sourceMedia(ratingKey: string): Promise<PlexMedia[] | null> {
    try {
      const res = await this.get(`/library/metadata/${encodeURIComponent(ratingKey)}`);
      return res.json<{ MediaContainer: { Metadata?: { Media?: PlexMedia[] }[] } }>().MediaContainer.Metadata?.[0]?.Media ?? null;
    } catch (error) {
      // An item deleted mid-stream must not hide the other sessions.
      if (error instanceof IntegrationError && error.status === 404) return null;
      throw error;
    }
  }

  private currentShares(): Promise<PlexShare[]> {
    return this.options.plexTv.serverShares(this.options.machineId);
  }

  private requireLibraries(grant: AccessGrant): void {
    // An empty list means "every library" to plex.tv: never send it by accident.
    if (grant.libraries.length === 0) {
      throw new IntegrationError('plex.tv', 'rejected', 'No libraries to share: give the plan at least one library group with libraries of this server.', false, {
        cause: 'plex_no_libraries',
        fix: 'Assign the libraries of this server to the plan\'s library groups, then try again.',
      });
    }
  }

  /** The server-full message with the numbers behind it: members and Home users of this server. */
  private async explainFull(error: IntegrationError): Promise<IntegrationError> {
    try {
      const accounts = await this.listAccounts();
      const members = accounts.filter((a) => a.role === 'member').length;
      const home = accounts.filter((a) => a.role === 'home' || a.role === 'managed').length;
      return error.withCause('plex_server_full', `The Plex server is full: ${members} users it is shared with and ${home} Plex Home users.`, PLEX_FIX.serverFull, false);
    } catch {
      return error;
    }
  }

  private noPlexPass(): IntegrationError {
    return new IntegrationError(this.pms.service, 'rejected', 'Plex refuses to stop streams without Plex Pass on the server owner\'s account.', false, {
      cause: 'plex_pass_required',
      fix: PLEX_FIX.plexPass,
    });
  }

  private async get(path: string, query?: HttpRequest['query']): Promise<HttpResponse> {
    try {
      return await this.pms.request({ method: 'GET', path, query });
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 401) throw await this.explain401(error, path);
      throw error;
    }
  }

  /** PMS answers 401 for a refused token, for a reinstalled server and for terminate without Plex Pass. */
  private async explain401(error: IntegrationError, path: string): Promise<IntegrationError> {
    if (path === '/status/sessions/terminate' && /feature/i.test(error.body ?? '')) {
      return error.withCause('plex_pass_required', 'Plex refuses to stop streams without Plex Pass.', PLEX_FIX.plexPass, false);
    }
    try {
      const res = await this.pms.request({ method: 'GET', path: '/identity' });
      const actual = res.json<{ MediaContainer: { machineIdentifier?: string } }>().MediaContainer.machineIdentifier;
      if (actual && actual !== this.options.machineId) {
        return error.withCause('plex_machine_id_changed', `Plex refused the token (401): the server now reports machine id ${actual} instead of ${this.options.machineId}.`, PLEX_FIX.machineIdChanged, false);
      }
    } catch {
      // Only the 401 itself is known for sure.
    }
    return error.withCause('plex_token_invalid', 'The Plex server refused the token Usher has for it (401).', 'Re-select the server from its Plex account so Usher gets a current server token, or replace the account token.', false);
  }
}

function sameSet(a: string[], b: string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((x) => set.has(x));
}
