import type { WebSocket } from 'ws';
import type { FakeHttpServer } from '../core/fake-server.js';
import { findToken, identify, isAdmin, type Caller } from './auth.js';
import type { FakeSettings } from './http.js';
import { newGuid } from './defaults.js';
import { sessionDto, userDto } from './serialize.js';
import type { MediaBrowserState } from './state.js';

interface Client {
  ws: WebSocket;
  caller: Caller;
  sessions: boolean;
  activity: boolean;
  timers: NodeJS.Timeout[];
}


/**
 * The session-events websocket (§9.3): Jellyfin on any path (clients use `/socket`), Emby on
 * `/embywebsocket`. Authenticated like REST; refused with 403 (Jellyfin) or 401 (Emby) without a
 * valid token. Honours SessionsStart/Stop and ActivityLogEntryStart/Stop, pushes a `Sessions`
 * snapshot on every change, sends ForceKeepAlive on connect (Jellyfin) and answers KeepAlive.
 */
export class SessionSocket {
  private readonly clients = new Set<Client>();
  /** SessionsStart frames received, counting an ignored one. */
  sessionsStartsReceived = 0;
  /** KeepAlive frames clients sent (tests check the client answers ForceKeepAlive). */
  keepAlivesReceived = 0;

  constructor(
    http: FakeHttpServer,
    private readonly state: MediaBrowserState,
    // ignoreFirstSessionsStart: Emby was seen ignoring the first SessionsStart once (§9.3).
    private readonly settings: FakeSettings,
  ) {
    http.onUpgrade = (req, accept, reject) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const caller = identify(state, findToken(state, req.headers, url.searchParams, settings.legacyAuthorization));
      if (!caller) {
        reject(state.flavor === 'jellyfin' ? 403 : 401);
        return;
      }
      accept((ws) => this.attach(ws, caller));
    };
    state.on((event) => {
      if (event.type === 'sessions') this.pushSessions();
      else if (event.type === 'activity') this.broadcast((c) => c.activity, { MessageType: 'ActivityLogEntry', Data: [] });
      else if (event.type === 'user_deleted') this.broadcast(() => true, { MessageType: 'UserDeleted', Data: event.userId });
      else {
        const user = state.users.get(event.userId);
        if (user) this.broadcast(() => true, { MessageType: 'UserUpdated', Data: userDto(state, user) });
      }
    });
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  /** Drops every socket, like a server restart; clients are expected to reconnect. */
  dropAll(): void {
    for (const client of this.clients) client.ws.terminate();
  }

  private attach(ws: WebSocket, caller: Caller): void {
    const client: Client = { ws, caller, sessions: false, activity: false, timers: [] };
    this.clients.add(client);
    ws.on('close', () => {
      for (const t of client.timers) clearTimeout(t);
      this.clients.delete(client);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw) => this.onMessage(client, raw.toString()));
    if (this.state.flavor === 'jellyfin') this.send(client, { MessageType: 'ForceKeepAlive', Data: 60 });
  }

  private onMessage(client: Client, raw: string): void {
    let message: { MessageType?: unknown; Data?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    switch (message.MessageType) {
      case 'KeepAlive':
        this.keepAlivesReceived++;
        this.send(client, { MessageType: 'KeepAlive' });
        return;
      case 'SessionsStart': {
        this.sessionsStartsReceived++;
        // The first SessionsStart after the flag is set is ignored once, whatever came before it.
        if (this.settings.ignoreFirstSessionsStart) {
          this.settings.ignoreFirstSessionsStart = false;
          return;
        }
        const [initialDelay] = String(message.Data ?? '0,1500').split(',').map(Number);
        client.sessions = true;
        client.timers.push(setTimeout(() => this.sendSessions(client), Math.max(0, initialDelay ?? 0)));
        return;
      }
      case 'SessionsStop':
        client.sessions = false;
        return;
      case 'ActivityLogEntryStart':
        // Admin or API key only; anyone else gets an AuthenticationException and nothing.
        client.activity = isAdmin(client.caller);
        return;
      case 'ActivityLogEntryStop':
        client.activity = false;
        return;
      default:
        return;
    }
  }

  private pushSessions(): void {
    for (const client of this.clients) if (client.sessions) this.sendSessions(client);
  }

  private sendSessions(client: Client): void {
    if (!client.sessions) return;
    const visible = [...this.state.sessions.values()].filter((s) => isAdmin(client.caller) || (client.caller.kind === 'user' && client.caller.userId === s.userId));
    this.send(client, { MessageType: 'Sessions', Data: visible.map((s) => sessionDto(this.state, s)) });
  }

  private broadcast(filter: (c: Client) => boolean, message: { MessageType: string; Data?: unknown }): void {
    for (const client of this.clients) if (filter(client)) this.send(client, message);
  }

  private send(client: Client, message: { MessageType: string; Data?: unknown }): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(JSON.stringify({ MessageType: message.MessageType, MessageId: newGuid(), ...(message.Data !== undefined ? { Data: message.Data } : {}) }));
  }
}
