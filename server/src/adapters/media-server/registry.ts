import type { ProxyConfig } from '../http/http-client.js';
import { EmbyAdapter } from './emby/emby-adapter.js';
import { JellyfinAdapter } from './jellyfin/jellyfin-adapter.js';
import type { MediaServerAdapter } from '../../ports/media-server.js';
import type { PlexAccountPort, PlexPinPort } from './plex-account.js';
import { PlexServerAdapter } from './plex/plex-server-adapter.js';
import { PlexTvClient } from './plex/plex-tv-client.js';

export interface PlexEndpoints {
  plexTvUrl: string;
  clientsUrl: string;
  appUrl: string;
  /** Stable per Usher install; plex.tv ties PINs and devices to it. */
  clientIdentifier: string;
}

export interface PlexAccountCredentials {
  token: string;
  proxy: ProxyConfig | null;
}

export type ServerConnection =
  | {
      kind: 'plex';
      url: string;
      machineId: string;
      allowSelfSigned: boolean;
      account: PlexAccountCredentials;
      plexPassOverride: boolean | null;
    }
  | { kind: 'jellyfin' | 'emby'; url: string; apiKey: string; allowSelfSigned: boolean; templateUserId?: string | null };

/** Account-wide plex.tv lists are reused this long, so one sync pass reads each once per account. */
const PLEX_ACCOUNT_CACHE_MS = 60_000;

/** The only place that switches on the media-server kind. */
export class MediaServerRegistry {
  /** One plex.tv client per account token, so servers of one account share its cache and connections. */
  private readonly plexClients = new Map<string, PlexTvClient>();

  constructor(private readonly endpoints: PlexEndpoints) {}

  create(connection: ServerConnection): MediaServerAdapter {
    switch (connection.kind) {
      case 'plex':
        return new PlexServerAdapter({
          url: connection.url,
          machineId: connection.machineId,
          token: connection.account.token,
          plexTv: this.plexClient(connection.account),
          hasPlexPass: connection.plexPassOverride,
          clientIdentifier: this.endpoints.clientIdentifier,
          allowSelfSigned: connection.allowSelfSigned,
        });
      case 'jellyfin':
        return new JellyfinAdapter({ baseUrl: connection.url, apiKey: connection.apiKey, allowSelfSigned: connection.allowSelfSigned, templateUserId: connection.templateUserId ?? null });
      case 'emby':
        return new EmbyAdapter({ baseUrl: connection.url, apiKey: connection.apiKey, allowSelfSigned: connection.allowSelfSigned, templateUserId: connection.templateUserId ?? null });
    }
  }

  /** A fresh (uncached) client for checking a token; closing it is the caller's job. */
  plexAccount(credentials: PlexAccountCredentials): PlexAccountPort {
    return new PlexTvClient(this.plexOptions(credentials, 0));
  }

  plexPins(): PlexPinPort {
    return new PlexTvClient(this.plexOptions({ token: '', proxy: null }, 0));
  }

  /** A new sync pass must see remote changes made since the last one, not a list cached before it. */
  forgetAccountLists(): void {
    for (const client of this.plexClients.values()) client.forgetAccountLists();
  }

  async close(): Promise<void> {
    const clients = [...this.plexClients.values()];
    this.plexClients.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  private plexClient(credentials: PlexAccountCredentials): PlexTvClient {
    const key = `${credentials.token}|${credentials.proxy?.url ?? ''}|${credentials.proxy?.username ?? ''}`;
    let client = this.plexClients.get(key);
    if (!client) {
      client = new PlexTvClient(this.plexOptions(credentials, PLEX_ACCOUNT_CACHE_MS));
      this.plexClients.set(key, client);
    }
    return client;
  }

  private plexOptions(credentials: PlexAccountCredentials, accountListTtlMs: number) {
    return {
      token: credentials.token || null,
      clientIdentifier: this.endpoints.clientIdentifier,
      plexTvUrl: this.endpoints.plexTvUrl,
      clientsUrl: this.endpoints.clientsUrl,
      appUrl: this.endpoints.appUrl,
      proxy: credentials.proxy,
      accountListTtlMs,
    };
  }
}
