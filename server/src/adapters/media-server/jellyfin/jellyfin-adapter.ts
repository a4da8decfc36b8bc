import type { AccountRef, MediaServerCapabilities } from '../../../ports/media-server.js';
import { jellyfinAuthorization, USHER_CLIENT } from '../mediabrowser/client.js';
import { MediaBrowserAdapter, type LibraryFolder, type MediaBrowserAdapterOptions } from '../mediabrowser/mediabrowser-adapter.js';
import { passwordRejected } from '../mediabrowser/provision.js';
import { libraryType } from '../mediabrowser/sessions.js';
import type { WireSession, WireUser, WireVirtualFolder } from '../mediabrowser/wire.js';
import { IntegrationError } from '../../http/integration-error.js';

/** Jellyfin 10.9+ (integrations.md §2): the MediaBrowser base with Jellyfin's routes and bodies. */
export class JellyfinAdapter extends MediaBrowserAdapter {
  readonly kind = 'jellyfin' as const;
  readonly capabilities: MediaServerCapabilities = {
    stopSessions: true,
    sessionMessages: true,
    serverSideSessionCap: true,
    devices: false,
    events: true,
    localPasswords: true,
  };

  constructor(options: MediaBrowserAdapterOptions) {
    super('jellyfin', options);
  }

  protected fetchUsers(): Promise<WireUser[]> {
    return this.client.getList<WireUser>('/Users');
  }

  /** `EnabledFolders` takes the virtual folder's ItemId (§2.3). */
  protected async fetchLibraryFolders(): Promise<LibraryFolder[]> {
    const folders = await this.client.getList<WireVirtualFolder>('/Library/VirtualFolders');
    return folders
      .filter((f): f is WireVirtualFolder & { ItemId: string } => typeof f.ItemId === 'string' && f.ItemId !== '')
      .map((f) => ({ remoteId: f.ItemId, key: f.ItemId, parentId: f.ItemId, title: f.Name ?? '', type: libraryType(f.CollectionType) }));
  }

  protected async createUser(name: string, password: string | undefined): Promise<WireUser> {
    const res = await this.client.post('/Users/New', { json: password ? { Name: name, Password: password } : { Name: name } });
    return res.json<WireUser>();
  }

  async setPassword(account: AccountRef, password: string): Promise<void> {
    try {
      await this.client.post('/Users/Password', {
        query: { userId: account.remoteId },
        json: { CurrentPw: '', NewPw: password, ResetPassword: false },
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof IntegrationError && error.status === 400) throw passwordRejected(error, this.service);
      throw error;
    }
  }

  protected async postConfiguration(userId: string, configuration: Record<string, unknown>): Promise<void> {
    await this.client.post('/Users/Configuration', { query: { userId }, json: configuration, idempotent: true });
  }

  protected displayPreferencesQuery(userId: string): Record<string, string> {
    return { userId, client: 'emby' };
  }

  protected override fetchSessions(): Promise<WireSession[]> {
    return this.client.getJson<WireSession[]>('/Sessions', { activeWithinSeconds: 960 });
  }

  /** Jellyfin takes a MessageCommand JSON body. */
  protected async sendMessage(sessionId: string, header: string, text: string): Promise<void> {
    await this.client.post(`/Sessions/${encodeURIComponent(sessionId)}/Message`, { json: { Header: header, Text: text, TimeoutMs: 10_000 } });
  }

  /** `?api_key=` is legacy-gated on Jellyfin 12, so the upgrade carries the Authorization header (§9.3). */
  protected eventTarget(): { url: string; headers: Record<string, string> } {
    const url = `${this.client.root.replace(/^http/i, 'ws')}/socket?deviceId=${USHER_CLIENT.deviceId}`;
    return { url, headers: { authorization: jellyfinAuthorization(this.options.apiKey) } };
  }
}
