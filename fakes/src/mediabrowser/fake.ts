import { randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';
import { FakeHttpServer } from '../core/fake-server.js';
import { applySeed, issueUserToken, registerControlRoutes, type SeedInput } from './control.js';
import { createRouteContext, type FakeSettings } from './http.js';
import { registerLibraryRoutes, registerSessionRoutes } from './routes-library.js';
import { registerUserRoutes } from './routes-users.js';
import { MediaBrowserState } from './state.js';
import type { FakeSession, Flavor, MediaBrowserFakeOptions, StartPlaybackInput } from './types.js';
import { SessionSocket } from './websocket.js';

/**
 * A stateful Jellyfin or Emby server speaking the wire protocol of integrations.md §2 and §9:
 * one implementation, two flavours. Tests drive it in process (`state`, `startPlayback`, `http`
 * for faults and counts); the demo and e2e use `/__control/*`.
 */
export class MediaBrowserFake {
  readonly flavor: Flavor;
  readonly http: FakeHttpServer;
  readonly state: MediaBrowserState;
  readonly apiKey: string;
  readonly settings: FakeSettings;
  readonly socket: SessionSocket;

  constructor(options: MediaBrowserFakeOptions & { tlsPems?: { key: string; cert: string } }) {
    this.flavor = options.flavor;
    const label = options.flavor === 'jellyfin' ? 'Jellyfin' : 'Emby';
    this.http = new FakeHttpServer(label, options.tlsPems ? { tls: options.tlsPems } : {});
    this.state = new MediaBrowserState(options.flavor, options.serverName ?? `Fake ${label}`);
    this.apiKey = options.apiKey ?? randomBytes(16).toString('hex');
    this.state.apiKeys.add(this.apiKey);
    this.settings = {
      premiere: options.premiere ?? false,
      minPasswordLength: options.minPasswordLength ?? 0,
      legacyAuthorization: options.legacyAuthorization ?? true,
      ignoreFirstSessionsStart: false,
    };
    for (const account of options.connectAccounts ?? []) this.state.connectAccounts.set(account.name.toLowerCase(), account);
    if (options.flavor === 'emby') {
      // Emby documents every route under /emby/ and answers the bare paths too.
      this.http.rewritePath = (path) => (/^\/emby(\/|$)/i.test(path) ? path.slice(5) || '/' : path);
    }
    const ctx = createRouteContext(this.http, this.state, this.settings);
    registerUserRoutes(ctx);
    registerLibraryRoutes(ctx, () => this.localAddress(), () => this.settings.premiere);
    registerSessionRoutes(ctx);
    this.socket = new SessionSocket(this.http, this.state, this.settings);
    registerControlRoutes(this.http, this.state, this.settings, this.socket);
  }

  get url(): string {
    return this.http.url;
  }

  private localAddress(): string {
    try {
      return this.http.url;
    } catch {
      return 'http://127.0.0.1:8096';
    }
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  seed(seed: SeedInput): this {
    applySeed(this.state, seed);
    return this;
  }

  startPlayback(input: StartPlaybackInput): FakeSession {
    return this.state.startPlayback(input);
  }

  /** A token for one user (to prove non-admins are refused). */
  userToken(user: string): string {
    return issueUserToken(this.state, user);
  }
}

async function start(options: MediaBrowserFakeOptions): Promise<MediaBrowserFake> {
  let tlsPems: { key: string; cert: string } | undefined;
  if (options.tls === true) {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
    });
    tlsPems = { key: pems.private, cert: pems.cert };
  } else if (options.tls) tlsPems = options.tls;
  const fake = new MediaBrowserFake({ ...options, ...(tlsPems ? { tlsPems } : {}) });
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}

export function startJellyfinFake(options: Omit<MediaBrowserFakeOptions, 'flavor'> = {}): Promise<MediaBrowserFake> {
  return start({ ...options, flavor: 'jellyfin' });
}

export function startEmbyFake(options: Omit<MediaBrowserFakeOptions, 'flavor'> = {}): Promise<MediaBrowserFake> {
  return start({ ...options, flavor: 'emby' });
}
