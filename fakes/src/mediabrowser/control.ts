import { randomBytes } from 'node:crypto';
import { empty, json, type FakeHttpServer } from '../core/fake-server.js';
import type { FakeSettings } from './http.js';
import type { MediaBrowserState } from './state.js';
import type { ConnectAccount, SeedLibrary, SeedUser, StartPlaybackInput } from './types.js';
import type { SessionSocket } from './websocket.js';

export interface SeedInput {
  libraries?: SeedLibrary[];
  users?: SeedUser[];
  connectAccounts?: ConnectAccount[];
}

export function applySeed(state: MediaBrowserState, seed: SeedInput): void {
  // Libraries first, so users can name the ones they see.
  for (const lib of seed.libraries ?? []) state.seedLibrary(lib);
  for (const user of seed.users ?? []) state.seedUser(user);
  for (const account of seed.connectAccounts ?? []) state.connectAccounts.set(account.name.toLowerCase(), account);
}

export function issueUserToken(state: MediaBrowserState, userIdOrName: string): string {
  const user = state.findUser(userIdOrName);
  if (!user) throw new Error(`no user ${userIdOrName}`);
  const token = randomBytes(16).toString('hex');
  state.userTokens.set(token, user.id);
  return token;
}

export function stateSummary(state: MediaBrowserState): unknown {
  return {
    flavor: state.flavor,
    serverId: state.serverId,
    serverName: state.serverName,
    users: [...state.users.values()].map((u) => ({
      id: u.id,
      name: u.name,
      admin: u.policy.IsAdministrator === true,
      hidden: u.policy.IsHidden === true,
      disabled: u.policy.IsDisabled === true,
      hasPassword: u.password !== '',
      connectUserName: u.connectUserName,
    })),
    libraries: [...state.libraries.values()].map((l) => ({ id: l.id, guid: l.guid, name: l.name, collectionType: l.collectionType, items: state.itemsIn(l.id, null).length })),
    sessions: [...state.sessions.values()],
    devices: [...state.devices.values()],
  };
}

/**
 * `/__control/*` for the demo and e2e (tests use the same operations in process): seed, inspect,
 * drive playback, read what the fake received, turn knobs. The shared routes (fail, hang, down,
 * request counts) come from FakeHttpServer.
 */
export function registerControlRoutes(http: FakeHttpServer, state: MediaBrowserState, settings: FakeSettings, socket: SessionSocket): void {
  const body = <T>(raw: unknown): T => (raw ?? {}) as T;
  const guarded = (fn: () => unknown) => {
    try {
      return json(200, fn() ?? {});
    } catch (error) {
      return json(400, { error: (error as Error).message });
    }
  };
  http.route('POST', '/__control/seed', (req) => guarded(() => applySeed(state, body<SeedInput>(req.body))));
  http.route('GET', '/__control/state', () => json(200, stateSummary(state)));
  http.route('POST', '/__control/sessions', (req) => guarded(() => state.startPlayback(body<StartPlaybackInput>(req.body))));
  http.route('POST', '/__control/sessions/:id/pause', (req) => guarded(() => state.setPaused(req.params.id!, body<{ paused?: boolean }>(req.body).paused !== false)));
  http.route('POST', '/__control/sessions/:id/end', (req) => guarded(() => ({ ended: state.endSession(req.params.id!) })));
  http.route('GET', '/__control/commands', () => json(200, state.commands));
  http.route('GET', '/__control/messages', () => json(200, state.messages));
  http.route('GET', '/__control/policies', () => json(200, state.policyPosts));
  http.route('POST', '/__control/downloads', (req) =>
    guarded(() => {
      const b = body<{ user: string; item: string }>(req.body);
      const user = state.findUser(b.user);
      const item = state.items.get(b.item) ?? [...state.items.values()].find((i) => i.name === b.item);
      if (!user || !item) throw new Error('unknown user or item');
      return state.logDownload(user, item);
    }),
  );
  http.route('POST', '/__control/tokens', (req) => guarded(() => ({ token: issueUserToken(state, body<{ user: string }>(req.body).user) })));
  http.route('POST', '/__control/settings', (req) =>
    guarded(() => {
      const b = body<Partial<FakeSettings>>(req.body);
      if (typeof b.premiere === 'boolean') settings.premiere = b.premiere;
      if (typeof b.minPasswordLength === 'number') settings.minPasswordLength = b.minPasswordLength;
      if (typeof b.legacyAuthorization === 'boolean') settings.legacyAuthorization = b.legacyAuthorization;
      if (typeof b.ignoreFirstSessionsStart === 'boolean') settings.ignoreFirstSessionsStart = b.ignoreFirstSessionsStart;
      return settings;
    }),
  );
  http.route('POST', '/__control/socket/drop', () => {
    socket.dropAll();
    return empty();
  });
}
