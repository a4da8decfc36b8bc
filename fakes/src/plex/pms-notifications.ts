import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { FakeHttpServer } from '../core/fake-server.js';

/**
 * The PMS notifications websocket (`/:/websockets/notifications`): server → client text frames,
 * one `NotificationContainer` with a single child each, as Tautulli and python-plexapi read them.
 */
export class PmsNotifications {
  private readonly clients = new Set<WebSocket>();
  /** Accepted upgrades, so tests can see a client reconnect. */
  connections = 0;
  /** Upgrades refused for a missing or wrong token. */
  refusals = 0;
  /**
   * While set, upgrades are answered 503, as a PMS that is starting up or behind a proxy without
   * websocket support answers; the adapter keeps retrying with backoff (plex-events.ts), and tests
   * use it to see Usher fall back to polling.
   */
  refuseUpgrades = false;

  constructor(
    http: FakeHttpServer,
    private readonly isAdminToken: (token: string | null) => boolean,
  ) {
    http.onUpgrade = (req, accept, reject) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      // Clients use the plural path; the community spec lists the singular one. Accept both.
      if (url.pathname !== '/:/websockets/notifications' && url.pathname !== '/:/websocket/notifications') {
        reject(404);
        return;
      }
      if (this.refuseUpgrades) {
        reject(503);
        return;
      }
      if (!this.isAdminToken(upgradeToken(req, url))) {
        this.refusals++;
        reject(401);
        return;
      }
      accept((ws) => {
        this.connections++;
        this.clients.add(ws);
        ws.on('close', () => this.clients.delete(ws));
        ws.on('error', () => this.clients.delete(ws));
      });
    };
  }

  get clientCount(): number {
    return this.clients.size;
  }

  send(type: string, childKey: string, child: Record<string, unknown>): void {
    if (this.clients.size === 0) return;
    const frame = JSON.stringify({ NotificationContainer: { type, size: 1, [childKey]: [child] } });
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  /** Drops every connection, like a PMS restart does. */
  dropAll(): void {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }
}

function upgradeToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['x-plex-token'];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('X-Plex-Token');
}
