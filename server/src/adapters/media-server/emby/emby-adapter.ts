import { randomBytes } from 'node:crypto';
import { IntegrationError } from '../../http/integration-error.js';
import type { AccountRef, EmbyConnectCheck, MediaServerCapabilities, RemoteDevice, ServerIdentity } from '../../../ports/media-server.js';
import { isNotFound, splitBaseUrl, USHER_CLIENT } from '../mediabrowser/client.js';
import { MediaBrowserAdapter, type LibraryFolder, type MediaBrowserAdapterOptions } from '../mediabrowser/mediabrowser-adapter.js';
import { passwordRejected } from '../mediabrowser/provision.js';
import { libraryType, sameId } from '../mediabrowser/sessions.js';
import type { WireConnectLinkResult, WireDevice, WireMediaFolder, WireQueryResult, WireSystemInfo, WireUser } from '../mediabrowser/wire.js';

export type { EmbyConnectCheck } from '../../../ports/media-server.js';

/**
 * The throw-away accounts the Connect check links and deletes (reference §2.5.10) are named with
 * this prefix and a random suffix: a fixed name let two checks (or an anonymous visitor and a real
 * user of that name) delete each other's account.
 */
export const EMBY_CONNECT_TEST_USER_PREFIX = 'EmbyConnectLinkTest-';

/** Emby 4.8 (integrations.md §2): the MediaBrowser base with Emby's routes, plus devices and Connect. */
/**
 * Where Emby's websocket is, first under the URL exactly as the admin gave it. Emby's own web client
 * (apiclient `openWebSocket`) takes its server address, which keeps a reverse proxy's base path,
 * and replaces `emby/socket` with `embywebsocket`: behind `https://host/emby` that is
 * `wss://host/emby/embywebsocket`. A trailing `/emby` may instead be Emby's own API prefix on a
 * direct connection, where the socket is `/embywebsocket` at the root: that is the second candidate.
 */
export function embySocketUrls(baseUrl: string, apiKey: string): string[] {
  const query = new URLSearchParams({ api_key: apiKey, deviceId: USHER_CLIENT.deviceId }).toString();
  const typed = baseUrl.trim().replace(/\/+$/, '');
  const { root } = splitBaseUrl('emby', baseUrl);
  const ws = (base: string) => `${base.replace(/^http/i, 'ws')}/embywebsocket?${query}`;
  return [...new Set([ws(typed), ws(root)])];
}

export class EmbyAdapter extends MediaBrowserAdapter {
  readonly kind = 'emby' as const;
  readonly capabilities: MediaServerCapabilities = {
    stopSessions: true,
    sessionMessages: true,
    serverSideSessionCap: true,
    devices: true,
    events: true,
    localPasswords: true,
  };

  constructor(options: MediaBrowserAdapterOptions) {
    super('emby', options);
  }

  /** Adds the Emby Premiere flag from the undocumented but served `/Plugins/SecurityInfo`. */
  override async identity(): Promise<ServerIdentity> {
    const identity = await super.identity();
    try {
      const security = await this.client.getJson<{ IsMBSupporter?: boolean }>('/Plugins/SecurityInfo');
      return { ...identity, premium: security.IsMBSupporter === true };
    } catch (error) {
      if (isNotFound(error)) return identity;
      throw error;
    }
  }

  /**
   * A Jellyfin server has no `/emby/` routes, so the Emby checks fail with a 404; its public system
   * info then says what it is, and the admin hears "this is a Jellyfin server" instead.
   */
  override async testConnection(): Promise<ServerIdentity> {
    try {
      return await super.testConnection();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const info = await this.client.getRootJson<WireSystemInfo>('/System/Info/Public').catch(() => null);
      if (info && /jellyfin/i.test(info.ProductName ?? '')) {
        throw new IntegrationError(this.service, 'rejected', 'This address answers as a Jellyfin server.', false, { cause: 'wrong_server_kind' });
      }
      throw error;
    }
  }

  /** Emby 4.8 documents only the paged query; without Limit it returns every user. */
  protected async fetchUsers(): Promise<WireUser[]> {
    return this.client.getItems<WireUser>('/Users/Query');
  }

  /** `EnabledFolders` takes the folder's Guid on Emby, while item queries take its Id (§2.3). */
  protected async fetchLibraryFolders(): Promise<LibraryFolder[]> {
    const folders = await this.client.getItems<WireMediaFolder>('/Library/MediaFolders', { IsHidden: false });
    return folders
      .filter((f): f is WireMediaFolder & { Guid: string; Id: string } => Boolean(f.Guid) && Boolean(f.Id))
      .map((f) => ({ remoteId: f.Guid, key: f.Guid, parentId: f.Id, title: f.Name ?? '', type: libraryType(f.CollectionType) }));
  }

  /** Emby creates users by name only; the password is a second call, and the user goes if it fails. */
  protected async createUser(name: string, password: string | undefined): Promise<WireUser> {
    const user = (await this.client.post('/Users/New', { json: { Name: name } })).json<WireUser>();
    if (password) {
      try {
        await this.setPassword({ remoteId: user.Id }, password);
      } catch (error) {
        await this.deleteAccount({ remoteId: user.Id }).catch(() => undefined);
        throw error;
      }
    }
    return user;
  }

  async setPassword(account: AccountRef, password: string): Promise<void> {
    try {
      await this.client.post(`/Users/${encodeURIComponent(account.remoteId)}/Password`, {
        json: { Id: account.remoteId, CurrentPw: '', NewPw: password, ResetPassword: false },
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 400) throw passwordRejected(error, this.service);
      throw error;
    }
  }

  protected async postConfiguration(userId: string, configuration: Record<string, unknown>): Promise<void> {
    await this.client.post(`/Users/${encodeURIComponent(userId)}/Configuration`, { json: configuration, idempotent: true });
  }

  protected displayPreferencesQuery(userId: string): Record<string, string> {
    return { UserId: userId, Client: 'emby' };
  }

  /** Emby 4.8 takes Text, Header and TimeoutMs as query parameters, not a body. */
  protected async sendMessage(sessionId: string, header: string, text: string): Promise<void> {
    await this.client.post(`/Sessions/${encodeURIComponent(sessionId)}/Message`, { query: { Header: header, Text: text, TimeoutMs: 10_000 } });
  }

  protected eventTarget(): { url: string[]; headers: Record<string, string> } {
    return { url: embySocketUrls(this.options.baseUrl, this.options.apiKey), headers: { 'x-emby-token': this.options.apiKey } };
  }

  // ---- devices (reference §2.15) ----

  async listDevices(): Promise<RemoteDevice[]> {
    const result = await this.client.getJson<WireQueryResult<WireDevice>>('/Devices');
    return (result.Items ?? [])
      .filter((d): d is WireDevice & { Id: string } => Boolean(d.Id))
      .map((d) => ({ id: d.Id, name: d.Name ?? '', app: d.AppName ?? null, lastUserId: d.LastUserId ?? null, lastActiveAt: d.DateLastActivity ?? null }));
  }

  async deleteDevice(deviceId: string): Promise<void> {
    try {
      await this.client.delete('/Devices', { Id: deviceId });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * On: new devices may log in. Off: only `deviceIds` (by default the devices the user has used)
   * keep working. Full-object policy write, skipped when nothing changes.
   */
  async setAllowAllDevices(account: AccountRef, allow: boolean, deviceIds?: string[]): Promise<void> {
    let allowed = deviceIds;
    if (!allow && !allowed) {
      allowed = (await this.listDevices()).filter((d) => d.lastUserId !== null && sameId(d.lastUserId, account.remoteId)).map((d) => d.id);
    }
    await this.updatePolicy(account.remoteId, (p) => ({ ...p, EnableAllDevices: allow, EnabledDevices: allow ? [] : [...(allowed ?? [])] }));
  }

  // ---- Emby Connect (reference §2.5.10, integrations.md §9.8) ----

  /**
   * Validates an Emby Connect name or email the way the reference product does: link it to a
   * throw-away local user, then delete that user. Emby emails the Connect user a link request,
   * which they can ignore. Refusals (unknown, disabled, already linked) are a result, not an error.
   */
  async checkEmbyConnect(connectUsername: string): Promise<EmbyConnectCheck> {
    // No sweep of leftovers by name: a name match could be another check's user or a real account.
    const name = `${EMBY_CONNECT_TEST_USER_PREFIX}${randomBytes(6).toString('hex')}`;
    const user = (await this.client.post('/Users/New', { json: { Name: name } })).json<WireUser>();
    let outcome: EmbyConnectCheck | undefined;
    try {
      const res = await this.client.post(`/Users/${encodeURIComponent(user.Id)}/Connect/Link`, { query: { ConnectUsername: connectUsername } });
      const result = res.text ? res.json<WireConnectLinkResult>() : {};
      outcome = { valid: true, pending: result.IsPending === true };
    } catch (error) {
      if (!(error instanceof IntegrationError && (error.status === 400 || error.status === 500))) {
        await this.removeTestUser(user.Id, name).catch(() => undefined);
        throw error;
      }
      outcome = { valid: false, reason: error.body?.trim() || `Emby refused to link "${connectUsername}".` };
    }
    await this.removeTestUser(user.Id, name);
    return outcome;
  }

  /** Deletes a Connect test account, retrying once; a failure names the account so the admin can remove it. */
  private async removeTestUser(id: string, name: string): Promise<void> {
    try {
      await this.deleteAccount({ remoteId: id });
    } catch {
      try {
        await this.deleteAccount({ remoteId: id });
      } catch (error) {
        const cause = error instanceof IntegrationError ? error.message : String(error);
        throw new IntegrationError('Emby', 'unavailable', `Usher could not delete the temporary Emby Connect test user "${name}" (${cause}).`, true, {
          cause: 'emby_connect_cleanup_failed',
          fix: `Delete the user "${name}" in the Emby dashboard (Users).`,
        });
      }
    }
  }
}
