import type { Logger } from 'pino';
import { IntegrationError } from '../../adapters/http/integration-error.js';
import type { EmbyConnectCheck } from '../../ports/media-server.js';
import { KeyedLock } from '../../platform/keyed-lock.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { ServerConnector } from './server-connector.js';
import type { ServerRecord, ServersRepository } from './servers.repository.js';

/**
 * What an anonymous visitor is told, whatever Emby answered: its refusals and errors describe the
 * server and other accounts, so they go to the admin log (and an alert for failures) instead.
 */
export const EMBY_CONNECT_VISITOR_MESSAGE =
  'This email cannot be used with Emby Connect. Make sure it is the email of an active Emby Connect account (emby.media), then register again.';

/**
 * "Require Emby Connect" at registration (reference §2.5.10): each check creates and deletes a
 * temporary user on the Emby server, so checks on one server run one at a time, and any visitor
 * can trigger one, so nothing about the server reaches them.
 */
export class EmbyConnectService {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly repo: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly alerts: AlertsService,
    private readonly log: Logger,
  ) {}

  /** Null means the email may register; otherwise the message for the visitor. */
  async problemFor(email: string, required: boolean): Promise<string | null> {
    if (!required) return null;
    const emby = (await this.repo.list()).find((s) => s.kind === 'emby' && s.enabled);
    if (!emby) return null;
    let result: EmbyConnectCheck;
    try {
      result = await this.lock.run(emby.id, () => this.check(emby, email));
    } catch (error) {
      const detail = error instanceof IntegrationError ? [error.message, error.fix].filter(Boolean).join(' ') : String(error);
      this.log.warn({ serverId: emby.id, err: error }, 'the Emby Connect check at registration failed');
      await this.alerts.raise({
        kind: 'emby_connect_check_failed',
        severity: 'error',
        title: `${emby.name}: the Emby Connect check at registration failed`,
        message: `Visitors cannot register while it fails. ${detail}`,
        dedupeKey: `emby-connect-${emby.id}`,
      });
      return EMBY_CONNECT_VISITOR_MESSAGE;
    }
    if (result.valid) return null;
    this.log.info({ serverId: emby.id, reason: result.reason }, 'Emby Connect refused a registration email');
    return EMBY_CONNECT_VISITOR_MESSAGE;
  }

  private async check(server: ServerRecord, email: string): Promise<EmbyConnectCheck> {
    const adapter = await this.connector.adapterFor(server);
    try {
      if (!adapter.checkEmbyConnect) return { valid: true, pending: false };
      return await adapter.checkEmbyConnect(email);
    } finally {
      await adapter.close();
    }
  }
}
