import { FakeHttpServer, empty, json, type FakeResponse } from '../core/fake-server.js';
import { addAccountRoutes } from './plex-tv-routes-account.js';
import { addAuthRoutes } from './plex-tv-routes-auth.js';
import { addSharingRoutes } from './plex-tv-routes-sharing.js';
import { PlexTvState } from './plex-tv-state.js';
import { PlexTvFailure, type AccountSeed, type FakePlexAccount } from './plex-tv-types.js';
import { bodyObject } from './wire.js';

export interface PlexTvFakeOptions {
  /** Seats per server (friends sharing it plus the owner's Home members); Plex's cap is about 100. */
  maxUsersPerServer?: number;
  pinTtlSeconds?: number;
}

/**
 * One fake for plex.tv, clients.plex.tv (same API) and the app.plex.tv PIN page. Tests drive it
 * through `state`; the demo and e2e through `/__control/*`.
 */
export class PlexTvFake {
  readonly http = new FakeHttpServer('plex.tv');
  readonly state: PlexTvState;

  constructor(options: PlexTvFakeOptions = {}) {
    this.state = new PlexTvState(options);
    addAccountRoutes(this.http, this.state);
    addSharingRoutes(this.http, this.state);
    addAuthRoutes(this.http, this.state);
    this.addControlRoutes();
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  get url(): string {
    return this.http.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  addAccount(seed: AccountSeed): FakePlexAccount {
    return this.state.addAccount(seed);
  }

  /** Accepts every pending invite of the invitee (email, username or id), optionally on one server. */
  acceptInvites(invitee: string | number, machineId?: string): number {
    let account = typeof invitee === 'number' ? this.state.account(invitee) : this.state.findByLogin(invitee);
    // An email invited before it had an account signs up first (which binds its invites), then accepts.
    if (!account && typeof invitee === 'string' && [...this.state.shares.values()].some((s) => s.invitedId === null && s.invitedEmail.toLowerCase() === invitee.trim().toLowerCase())) {
      account = this.state.addAccount({ username: null, email: invitee.trim(), title: invitee.trim(), token: null });
    }
    if (!account) return 0;
    const pending = this.state.sharesReceived(account.id).filter((s) => !s.accepted && (!machineId || s.machineId === machineId));
    for (const share of pending) this.state.acceptShare(share.id);
    return pending.length;
  }

  private addControlRoutes(): void {
    const http = this.http;
    const state = this.state;
    const attempt = (run: () => FakeResponse): FakeResponse => {
      try {
        return run();
      } catch (error) {
        if (error instanceof PlexTvFailure) return json(error.status, { error: error.message, code: error.code });
        throw error;
      }
    };
    http.route('GET', '/__control/state', () =>
      json(200, {
        accounts: [...state.accounts.values()],
        servers: [...state.servers.values()].map((s) => ({
          id: s.id,
          machineId: s.pms.machineId,
          name: s.pms.name,
          url: s.pms.url,
          ownerId: s.ownerId,
          accessToken: s.pms.accessToken,
          maxUsers: s.maxUsers,
          libraries: state.sectionsOf(s),
        })),
        shares: [...state.shares.values()],
        pins: state.pins.all(),
      }),
    );
    http.route('POST', '/__control/accounts', (req) => json(201, state.addAccount(bodyObject(req) as AccountSeed)));
    http.route('POST', '/__control/accounts/:id/plex-pass', (req) =>
      attempt(() => {
        state.setPlexPass(Number(req.params.id), bodyObject(req).plexPass !== false);
        return empty();
      }),
    );
    http.route('POST', '/__control/accounts/:id/rotate-token', (req) => attempt(() => json(200, { token: state.rotateToken(Number(req.params.id)) })));
    http.route('POST', '/__control/accounts/:id/home', (req) =>
      attempt(() => {
        state.addToHome(Number(bodyObject(req).adminId), Number(req.params.id));
        return empty();
      }),
    );
    http.route('POST', '/__control/home/:adminId/managed', (req) =>
      attempt(() => json(201, state.createManagedUser(Number(req.params.adminId), String(bodyObject(req).title ?? 'Kids')))),
    );
    http.route('POST', '/__control/friends', (req) => {
      const b = bodyObject(req);
      state.addFriend(Number(b.ownerId), Number(b.friendId));
      return empty();
    });
    http.route('POST', '/__control/pins/:id/approve', (req) =>
      attempt(() => json(200, state.pins.approve(req.params.id!, String(bodyObject(req).accountToken ?? '')))),
    );
    http.route('POST', '/__control/pins/:id/expire', (req) => {
      state.pins.expire(Number(req.params.id));
      return empty();
    });
    http.route('POST', '/__control/shares/:id/accept', (req) => attempt(() => json(200, state.acceptShare(Number(req.params.id)))));
    http.route('POST', '/__control/invites/accept', (req) => {
      const b = bodyObject(req);
      const invitee = typeof b.accountId === 'number' ? b.accountId : String(b.identifier ?? '');
      return json(200, { accepted: this.acceptInvites(invitee, typeof b.machineId === 'string' ? b.machineId : undefined) });
    });
    http.route('POST', '/__control/servers/:machineId/max-users', (req) => {
      const server = state.servers.get(req.params.machineId!);
      if (!server) return json(404, { error: 'no such server' });
      server.maxUsers = Number(bodyObject(req).maxUsers);
      return empty();
    });
  }
}
