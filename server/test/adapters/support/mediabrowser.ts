import { demoSeed, startEmbyFake, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '@usher/fakes';
import { expect } from 'vitest';
import { EmbyAdapter } from '../../../src/adapters/media-server/emby/emby-adapter.js';
import { IntegrationError } from '../../../src/adapters/http/integration-error.js';
import { JellyfinAdapter } from '../../../src/adapters/media-server/jellyfin/jellyfin-adapter.js';
import type { MediaServerEvent } from '../../../src/ports/media-server.js';
import type { MediaBrowserAdapterOptions } from '../../../src/adapters/media-server/mediabrowser/mediabrowser-adapter.js';

export type Flavor = 'jellyfin' | 'emby';

export interface Harness {
  fake: MediaBrowserFake;
  templateId: string;
  adapter(overrides?: Partial<MediaBrowserAdapterOptions>): JellyfinAdapter | EmbyAdapter;
  /** Requests the fake counted on one route, e.g. "POST /Users/:id/Policy". */
  count(route: string): number;
  /** Every adapter the harness made, closed after the file. */
  close(): Promise<void>;
}

export async function startHarness(flavor: Flavor, options: { tls?: true } = {}): Promise<Harness> {
  const start = flavor === 'jellyfin' ? startJellyfinFake : startEmbyFake;
  const fake = await start({
    premiere: true,
    ...(options.tls ? { tls: true as const } : {}),
    connectAccounts: [
      { name: 'alice', email: 'alice@example.com', state: 'active' },
      { name: 'bob', email: 'bob@example.com', state: 'pending' },
      { name: 'carol', email: 'carol@example.com', state: 'inactive' },
    ],
  });
  fake.seed(demoSeed({ users: 6 }));
  fake.state.seedUser({ name: 'disabled-member', disabled: true, password: 'pw' });
  const template = fake.state.findUser(TEMPLATE_USER_NAME)!;
  // Something recognisable to prove the copy: a home-screen layout and a subtitle preference.
  template.configuration.SubtitleMode = 'Always';
  template.displayPreferences.set('usersettings|emby', { Id: 'usersettings', SortBy: 'SortName', CustomPrefs: { homesection0: 'resume' }, SortOrder: 'Ascending', Client: 'emby' });
  const made: (JellyfinAdapter | EmbyAdapter)[] = [];
  return {
    fake,
    templateId: template.id,
    adapter(overrides = {}) {
      const opts: MediaBrowserAdapterOptions = {
        baseUrl: fake.url,
        apiKey: fake.apiKey,
        templateUserId: template.id,
        timeoutMs: 2000,
        eventTimings: { minBackoffMs: 50, maxBackoffMs: 200, sessionsStartRetryMs: 300 },
        ...overrides,
      };
      const adapter = flavor === 'jellyfin' ? new JellyfinAdapter(opts) : new EmbyAdapter(opts);
      made.push(adapter);
      return adapter;
    },
    count: (route) => fake.http.requestCounts()[route] ?? 0,
    async close() {
      await Promise.all(made.map((a) => a.close()));
      await fake.close();
    },
  };
}

/** Awaits a rejected promise and returns its IntegrationError (failing if it resolved or threw something else). */
export async function integrationError(promise: Promise<unknown>): Promise<IntegrationError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

/** Collects events and waits for one that matches. */
export class EventLog {
  readonly events: MediaServerEvent[] = [];
  private waiters: { match: (e: MediaServerEvent) => boolean; resolve: () => void }[] = [];

  readonly push = (event: MediaServerEvent): void => {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve();
      return false;
    });
  };

  next(match: (e: MediaServerEvent) => boolean, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(this.events)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A member of the seeded demo (not admin, not the template). */
export function member(fake: MediaBrowserFake, index = 0): { id: string; name: string } {
  const members = [...fake.state.users.values()].filter((u) => u.policy.IsAdministrator !== true && u.name !== TEMPLATE_USER_NAME);
  const user = members[index]!;
  return { id: user.id, name: user.name };
}
