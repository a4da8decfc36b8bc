import { HttpClient, type HttpRequest, type HttpResponse, type ProxyConfig } from '../../http/http-client.js';
import { IntegrationError } from '../../http/integration-error.js';
import { PLEX_FIX, shareError, signInError, tokenError } from './plex-errors.js';
import {
  acceptedFromJson,
  accountFromJson,
  friendsFromJson,
  fullSettings,
  homeUsersFromJson,
  jsonObject,
  pendingFromJson,
  resourcesFromJson,
  sectionsFromXml,
  shareFromJson,
  sharesFromXml,
  usersFromXml,
} from './plex-tv-parse.js';
import { parseXml } from './plex-xml.js';
import type {
  PlexAccountInfo,
  PlexFriend,
  PlexHomeUser,
  PlexPin,
  PlexPinState,
  PlexSection,
  PlexServerResource,
  PlexShare,
  PlexShareSettings,
  PlexSignInInput,
  PlexUser,
} from './plex-types.js';

export interface PlexTvClientOptions {
  /** The account token (X-Plex-Token); not needed for PIN login and password sign-in. */
  token?: string | null;
  /** Stable per Usher install (plex.tv ties PINs and devices to it). */
  clientIdentifier: string;
  product?: string;
  version?: string;
  deviceName?: string;
  /** PLEX_TV_URL, default https://plex.tv */
  plexTvUrl?: string;
  /** PLEX_CLIENTS_URL, default https://clients.plex.tv (the sharing API Plex Web uses). */
  clientsUrl?: string;
  /** PLEX_APP_URL, default https://app.plex.tv (where a person approves a PIN). */
  appUrl?: string;
  /** Every plex.tv request of this account goes through it, so Plex sees the proxy's address. */
  proxy?: ProxyConfig | null;
  timeoutMs?: number;
  retries?: number;
  /**
   * Account-wide lists (Home users, pending invites, the account itself) are reused for this long,
   * so a sync of many servers of one account reads each once.
   */
  accountListTtlMs?: number;
}

/**
 * plex.tv v1 answers JSON to `Accept: application/json` on some routes (public clients read
 * `/api/servers/{id}/shared_servers` as JSON that way), and the parsers here read XML, so v1 calls
 * ask for XML explicitly, as clients that read these lists as XML do (python-plexapi `myplex.py`
 * parses v1 as XML; Tautulli `plextv.py` asks for its XML output format).
 */
const V1_XML = { Accept: 'application/xml' };

export interface InviteInput {
  machineId: string;
  /** Email or Plex username. */
  identifier: string;
  /** plex.tv global section ids. */
  librarySectionIds: string[];
  settings: Partial<PlexShareSettings>;
}

/**
 * plex.tv for one Plex account: token check, Plex Pass, servers, users, friends, Plex Home, section
 * ids, shares (v2 API as Plex Web uses it; v1 where only v1 exists), PIN login and password sign-in.
 *
 * Share ids come in two generations that must not be mixed: the v2 id (owned/accepted, pending,
 * the v2 invite answer) works only on `/api/v2/shared_servers/{id}`; the v1 `SharedServer@id` only
 * on `/api/servers/{machineId}/shared_servers/{id}`. Usher keeps v2 ids and v2 routes throughout
 * (as Wizarr does: owned/accepted id → POST /api/v2/shared_servers/{id}).
 */
export class PlexTvClient {
  private readonly tv: HttpClient;
  private readonly clients: HttpClient;
  private readonly memo = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(private readonly options: PlexTvClientOptions) {
    const headers = {
      Accept: 'application/json',
      'X-Plex-Client-Identifier': options.clientIdentifier,
      'X-Plex-Product': options.product ?? 'Usher',
      'X-Plex-Version': options.version ?? '1.0',
      'X-Plex-Platform': 'Node.js',
      'X-Plex-Device': 'Usher',
      'X-Plex-Device-Name': options.deviceName ?? 'Usher',
    };
    const common = { defaultHeaders: headers, proxy: options.proxy ?? null, timeoutMs: options.timeoutMs, retries: options.retries };
    this.tv = new HttpClient({ service: 'plex.tv', baseUrl: options.plexTvUrl ?? 'https://plex.tv', ...common });
    this.clients = new HttpClient({ service: 'plex.tv', baseUrl: options.clientsUrl ?? 'https://clients.plex.tv', ...common });
  }

  /** The same account settings with another token (e.g. after PIN login). */
  withToken(token: string): PlexTvClient {
    return new PlexTvClient({ ...this.options, token });
  }

  // ---- account ---------------------------------------------------------------------------------

  /** Checks the token and reads the account (fresh; 401 → cause plex_token_invalid). */
  async me(): Promise<PlexAccountInfo> {
    const res = await this.authed(this.tv, { method: 'GET', path: '/api/v2/user' });
    return accountFromJson(res.json<unknown>());
  }

  /** The account, reused for a few seconds across the servers of a sync pass. */
  account(): Promise<PlexAccountInfo> {
    return this.remember('account', () => this.me());
  }

  async hasPlexPass(): Promise<boolean> {
    return (await this.account()).plexPass;
  }

  /** Servers the account owns or has been shared (`provides` contains `server`). */
  async servers(): Promise<PlexServerResource[]> {
    const res = await this.authed(this.tv, { method: 'GET', path: '/api/v2/resources', query: { includeHttps: 1, includeRelay: 1, includeIPv6: 1 } });
    return resourcesFromJson(res.json<unknown>());
  }

  /** v1 users (XML only): friends and Home members with the shares of the owner's servers. */
  async users(): Promise<PlexUser[]> {
    const res = await this.authed(this.tv, { method: 'GET', path: '/api/users', headers: V1_XML });
    return usersFromXml(parseXml('plex.tv', res.text));
  }

  async friends(): Promise<PlexFriend[]> {
    const res = await this.authed(this.tv, { method: 'GET', path: '/api/v2/friends' });
    return friendsFromJson(res.json<unknown>());
  }

  /**
   * The owner's Plex Home (owner first as admin, managed users `restricted`). An owner without a
   * Plex Home may get a 4xx or no `users` from plex.tv: both mean "no Home", not a failed read,
   * so the sync goes on. A 401 (token) and 429 (rate limit) still fail; 5xx are retried and fail.
   */
  homeUsers(): Promise<PlexHomeUser[]> {
    return this.remember('home', async () => {
      try {
        const res = await this.authed(this.tv, { method: 'GET', path: '/api/v2/home/users' });
        return homeUsersFromJson(res.json<unknown>());
      } catch (error) {
        if (error instanceof IntegrationError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429) return [];
        throw error;
      }
    });
  }

  /** plex.tv's global section ids of one server; sharing takes these, not the PMS keys. */
  async serverSections(machineId: string): Promise<PlexSection[]> {
    const res = await this.serverCall(machineId, { method: 'GET', path: `/api/servers/${encodeURIComponent(machineId)}`, headers: V1_XML });
    return sectionsFromXml(parseXml('plex.tv', res.text), machineId);
  }

  // ---- shares ----------------------------------------------------------------------------------

  /**
   * Everyone one server is shared with, accepted or invited, with v2 share ids (the ids update
   * and removal take): the account's v2 accepted and pending lists, filtered to the server.
   */
  async serverShares(machineId: string): Promise<PlexShare[]> {
    const [accepted, pending] = await Promise.all([this.acceptedShares(), this.pendingInvites()]);
    const seen = new Set<string>();
    const out: PlexShare[] = [];
    for (const share of [...accepted, ...pending]) {
      if (share.machineId !== machineId || seen.has(share.shareId)) continue;
      seen.add(share.shareId);
      out.push(share);
    }
    return out;
  }

  /**
   * v1 `/api/servers/{machineId}/shared_servers` (XML). Its ids are v1 ids: never pass them to
   * updateShare/removeShare. Kept for diagnostics and for comparing both generations in tests.
   */
  async serverSharesV1(machineId: string): Promise<PlexShare[]> {
    const res = await this.serverCall(machineId, { method: 'GET', path: `/api/servers/${encodeURIComponent(machineId)}/shared_servers`, headers: V1_XML });
    return sharesFromXml(parseXml('plex.tv', res.text), machineId);
  }

  /** Accepted shares over every server of the account (Plex Web's list; Wizarr reads it too). */
  acceptedShares(): Promise<PlexShare[]> {
    return this.remember('accepted', async () => {
      const res = await this.authed(this.clients, { method: 'GET', path: '/api/v2/shared_servers/owned/accepted' });
      return acceptedFromJson(res.json<unknown>());
    });
  }

  /** Invites not accepted yet, over every server of the account. */
  pendingInvites(): Promise<PlexShare[]> {
    return this.remember('pending', async () => {
      const res = await this.authed(this.clients, { method: 'GET', path: '/api/v2/shared_servers/invites/owned/pending' });
      return pendingFromJson(res.json<unknown>());
    });
  }

  /** Shares a server with an email or username (v2, without a friend request). */
  async invite(input: InviteInput): Promise<PlexShare> {
    this.forgetAccountLists();
    const res = await this.sharing(this.clients, {
      method: 'POST',
      path: '/api/v2/shared_servers',
      json: {
        invitedEmail: input.identifier,
        machineIdentifier: input.machineId,
        librarySectionIds: input.librarySectionIds.map(Number),
        skipFriendship: true,
        settings: fullSettings(input.settings),
      },
    });
    return shareFromJson(jsonObject(res.json<unknown>(), 'the new share'));
  }

  /**
   * Shares a server with a known Plex account id (v1 `invited_id`, as python-plexapi
   * `inviteFriend` does). The answer carries a v1 id, so only the user and server are checked;
   * the v2 id comes from the lists on the next read.
   */
  async inviteUserId(machineId: string, userId: string, librarySectionIds: string[], settings: Partial<PlexShareSettings>): Promise<void> {
    this.forgetAccountLists();
    const full = fullSettings(settings);
    const res = await this.sharing(this.tv, {
      method: 'POST',
      path: `/api/servers/${encodeURIComponent(machineId)}/shared_servers`,
      headers: V1_XML,
      json: {
        server_id: machineId,
        shared_server: { library_section_ids: librarySectionIds.map(Number), invited_id: Number(userId) },
        sharing_settings: {
          ...full,
          allowSync: full.allowSync ? '1' : '0',
          allowChannels: full.allowChannels ? '1' : '0',
          allowCameraUpload: full.allowCameraUpload ? '1' : '0',
          allowSubtitleAdmin: full.allowSubtitleAdmin ? '1' : '0',
        },
      },
    });
    const share = sharesFromXml(parseXml('plex.tv', res.text), machineId)[0];
    if (!share) throw new IntegrationError('plex.tv', 'invalid_response', 'plex.tv did not return the new share.', true, { body: res.text.slice(0, 300) });
  }

  /** Replaces the libraries and settings of a share (same body twice = same result, so retried). */
  async updateShare(shareId: string, librarySectionIds: string[], settings: Partial<PlexShareSettings>): Promise<PlexShare> {
    this.forgetAccountLists();
    const res = await this.sharing(this.clients, {
      method: 'POST',
      path: `/api/v2/shared_servers/${encodeURIComponent(shareId)}`,
      json: { librarySectionIds: librarySectionIds.map(Number), settings: fullSettings(settings) },
      idempotent: true,
    });
    return shareFromJson(jsonObject(res.json<unknown>(), 'the updated share'));
  }

  /** The flags of every share with one user (python-plexapi `updateFriend`: query arguments). */
  async updateSharingFlags(userId: string, settings: Partial<PlexShareSettings>): Promise<void> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(settings)) query[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    await this.sharing(this.tv, { method: 'PUT', path: `/api/v2/sharings/${encodeURIComponent(userId)}`, query });
  }

  /**
   * Removes one share (accepted or invite) by its v2 id. false on a 404, which means only "plex.tv
   * has no share with this id": callers that must know the share is gone re-read the lists.
   */
  async removeShare(shareId: string): Promise<boolean> {
    this.forgetAccountLists();
    return this.absentIsFine(() => this.sharing(this.clients, { method: 'DELETE', path: `/api/v2/shared_servers/${encodeURIComponent(shareId)}` }));
  }

  /** Removes the friend and every share with them. false when they were not a friend. */
  async removeFriend(userId: string): Promise<boolean> {
    this.forgetAccountLists();
    return this.absentIsFine(() => this.sharing(this.tv, { method: 'DELETE', path: `/api/v2/sharings/${encodeURIComponent(userId)}` }));
  }

  // ---- sign-in ---------------------------------------------------------------------------------

  /** Starts "Sign in with Plex": a strong PIN and the app.plex.tv page the admin approves it on. */
  async start(forwardUrl?: string): Promise<PlexPin> {
    const res = await this.tv.request({ method: 'POST', path: '/api/v2/pins', query: { strong: 'true' } });
    const pin = res.json<{ id: number; code: string; expiresAt: string }>();
    const params = new URLSearchParams({ clientID: this.options.clientIdentifier, code: pin.code, 'context[device][product]': this.options.product ?? 'Usher' });
    if (forwardUrl) params.set('forwardUrl', forwardUrl);
    const appUrl = (this.options.appUrl ?? 'https://app.plex.tv').replace(/\/+$/, '');
    return { id: String(pin.id), code: pin.code, authUrl: `${appUrl}/auth#?${params.toString()}`, expiresAt: pin.expiresAt };
  }

  /** Polls a PIN: waiting, approved (with the account token) or expired (plex.tv 404, code 1020). */
  async poll(id: string): Promise<PlexPinState> {
    try {
      const res = await this.tv.request({ method: 'GET', path: `/api/v2/pins/${encodeURIComponent(id)}` });
      const token = res.json<{ authToken: string | null }>().authToken;
      return token ? { status: 'approved', token } : { status: 'waiting' };
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 404) return { status: 'expired' };
      throw error;
    }
  }

  /** Password sign-in: the account with its new token. */
  async signIn(input: PlexSignInInput): Promise<PlexAccountInfo> {
    const form: Record<string, string> = { login: input.login, password: input.password, rememberMe: 'true' };
    if (input.verificationCode) form.verificationCode = input.verificationCode;
    try {
      const res = await this.tv.request({ method: 'POST', path: '/api/v2/users/signin', form });
      return accountFromJson(res.json<unknown>());
    } catch (error) {
      throw error instanceof IntegrationError ? signInError(error) : error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.tv.close(), this.clients.close()]);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async authed(client: HttpClient, req: HttpRequest): Promise<HttpResponse> {
    try {
      return await client.request(this.withAuth(req));
    } catch (error) {
      throw error instanceof IntegrationError ? tokenError(error) : error;
    }
  }

  private async sharing(client: HttpClient, req: HttpRequest): Promise<HttpResponse> {
    try {
      return await client.request(this.withAuth(req));
    } catch (error) {
      throw error instanceof IntegrationError ? shareError(error) : error;
    }
  }

  /** plex.tv does not know the machine id: the server was reinstalled (new id) or removed. */
  private async serverCall(machineId: string, req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.authed(this.tv, req);
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 404) {
        throw error.withCause('plex_machine_id_changed', `plex.tv has no server ${machineId} on this account.`, PLEX_FIX.machineIdChanged, false);
      }
      throw error;
    }
  }

  private withAuth(req: HttpRequest): HttpRequest {
    const token = this.options.token;
    if (!token) throw new IntegrationError('plex.tv', 'unauthorized', 'This Plex account has no token yet.', false, { fix: PLEX_FIX.tokenInvalid, cause: 'plex_token_invalid' });
    return { ...req, headers: { ...req.headers, 'X-Plex-Token': token } };
  }

  private async absentIsFine(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 404) return false;
      throw error;
    }
  }

  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const ttl = this.options.accountListTtlMs ?? 5_000;
    const hit = this.memo.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value as Promise<T>;
    const value = load();
    this.memo.set(key, { at: Date.now(), value });
    // A failed read is not remembered.
    value.catch(() => this.memo.delete(key));
    return value;
  }

  forgetAccountLists(): void {
    this.memo.delete('pending');
    this.memo.delete('accepted');
  }
}
