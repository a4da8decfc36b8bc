import type { MediaServerAdapter } from '../../ports/media-server.js';
import type { MediaServerRegistry } from '../../adapters/media-server/registry.js';
import { badRequest } from '../../http/errors.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { PlexAccountConnection, PlexAccountConnector } from './plex-accounts.service.js';
import type { PlexAccountsRepository } from './plex-accounts.repository.js';
import type { ServerConnector } from './server-connector.js';
import type { ServerRecord } from './servers.repository.js';

/** Decrypts a stored server's credentials and asks the registry for its adapter. */
export class RegistryConnector implements ServerConnector, PlexAccountConnector {
  constructor(
    private readonly registry: MediaServerRegistry,
    private readonly plexAccounts: PlexAccountsRepository,
    private readonly secrets: SecretBox,
  ) {}

  async adapterFor(server: ServerRecord): Promise<MediaServerAdapter> {
    if (server.kind === 'plex') {
      const account = server.plexAccountId ? await this.plexAccounts.find(server.plexAccountId) : undefined;
      if (!account) throw badRequest('plex_account_missing', `${server.name || 'This server'} has no Plex account; add the account first.`);
      if (!server.machineId) throw badRequest('machine_id_required', 'Choose the Plex server from the account’s server list.');
      return this.registry.create({
        kind: 'plex',
        url: server.url,
        machineId: server.machineId,
        allowSelfSigned: server.allowSelfSigned,
        account: {
          token: this.secrets.decrypt(account.tokenSealed, { table: 'plex_accounts', column: 'token', rowId: account.id }),
          proxy: account.proxyUrl
            ? { url: account.proxyUrl, username: account.proxyUsername, password: account.proxyPasswordSealed ? this.secrets.decrypt(account.proxyPasswordSealed, { table: 'plex_accounts', column: 'proxy_password', rowId: account.id }) : null }
            : null,
        },
        plexPassOverride: account.plexPassOverride,
      });
    }
    if (!server.apiKeySealed) throw badRequest('api_key_required', `${server.name || 'This server'} has no API key.`);
    return this.registry.create({ kind: server.kind, url: server.url, apiKey: this.secrets.decrypt(server.apiKeySealed, { table: 'servers', column: 'api_key', rowId: server.id }), allowSelfSigned: server.allowSelfSigned });
  }

  freshReads(): void {
    this.registry.forgetAccountLists();
  }

  account(connection: PlexAccountConnection) {
    return this.registry.plexAccount(connection);
  }

  pins() {
    return this.registry.plexPins();
  }
}
