import type { SeedInput } from './control.js';
import { startEmbyFake, startJellyfinFake, type MediaBrowserFake } from './fake.js';
import type { Flavor } from './types.js';

export const TEMPLATE_USER_NAME = 'usher-template';

export interface MediaBrowserSeedOptions {
  /** Existing member accounts to create (besides the administrator and the template user). */
  users: number;
  /** Generate library items (counts, a 4K title); benchmarks switch it off to stay small. */
  items?: boolean;
  /** Prefix of the generated usernames, so several servers do not share names. */
  userPrefix?: string;
}

/**
 * A realistic server: an administrator, a hidden template user, N members (every tenth one
 * disabled, a few hidden), four libraries, optionally with items and a 4K movie.
 */
export function demoSeed(options: MediaBrowserSeedOptions): SeedInput {
  const items = options.items ?? true;
  const prefix = options.userPrefix ?? 'member';
  const users: NonNullable<SeedInput['users']> = [
    { name: 'admin', password: 'admin-password', admin: true, hidden: false },
    { name: TEMPLATE_USER_NAME, hidden: true, libraries: ['Movies', 'TV Shows'], allowDownloads: false },
  ];
  for (let i = 1; i <= options.users; i++) {
    users.push({
      name: `${prefix}${String(i).padStart(4, '0')}`,
      password: `pw-${i}`,
      disabled: i % 10 === 0,
      hidden: i % 7 !== 0,
      libraries: i % 3 === 0 ? ['Movies', 'TV Shows', '4K Movies'] : ['Movies', 'TV Shows'],
      allowDownloads: i % 2 === 0,
    });
  }
  return {
    libraries: [
      { name: 'Movies', collectionType: 'movies', ...(items ? { items: { Movie: 24 } } : {}) },
      { name: 'TV Shows', collectionType: 'tvshows', ...(items ? { items: { Series: 3, Episode: 30 } } : {}) },
      { name: '4K Movies', collectionType: 'movies', ...(items ? { items: { Movie: 6 }, fourK: 6 } : {}) },
      { name: 'Music', collectionType: 'music', ...(items ? { items: { MusicAlbum: 5, Audio: 50 } } : {}) },
    ],
    users,
    connectAccounts: [
      { name: 'connect-alice', email: 'alice@example.com', state: 'active' },
      { name: 'connect-bob', email: 'bob@example.com', state: 'pending' },
      { name: 'connect-carol', email: 'carol@example.com', state: 'inactive' },
    ],
  };
}

export interface MediaBrowserFakesOptions {
  jellyfin?: number;
  emby?: number;
  usersPerServer?: number;
  items?: boolean;
  /** Fixed ports from here on (demo); ephemeral when omitted (tests, bench). */
  basePort?: number;
  host?: string;
  /** The same API key on every server (demo convenience); random per server otherwise. */
  apiKey?: string;
}

export interface StartedMediaBrowserFake {
  fake: MediaBrowserFake;
  flavor: Flavor;
  url: string;
  apiKey: string;
  templateUserId: string;
}

/** Starts several seeded Jellyfin and Emby fakes (demo and benchmark). */
export async function startMediaBrowserFakes(options: MediaBrowserFakesOptions): Promise<StartedMediaBrowserFake[]> {
  const plan: Flavor[] = [...Array<Flavor>(options.jellyfin ?? 0).fill('jellyfin'), ...Array<Flavor>(options.emby ?? 0).fill('emby')];
  const started: StartedMediaBrowserFake[] = [];
  const perFlavor = { jellyfin: 0, emby: 0 };
  for (const [i, flavor] of plan.entries()) {
    const n = ++perFlavor[flavor];
    const startFake = flavor === 'jellyfin' ? startJellyfinFake : startEmbyFake;
    const fake = await startFake({
      serverName: `${flavor === 'jellyfin' ? 'Jellyfin' : 'Emby'} ${n}`,
      premiere: flavor === 'emby',
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.basePort ? { port: options.basePort + i } : {}),
      ...(options.host ? { host: options.host } : {}),
    });
    fake.seed(demoSeed({ users: options.usersPerServer ?? 30, items: options.items ?? true, userPrefix: `${flavor}${n}-` }));
    const template = fake.state.findUser(TEMPLATE_USER_NAME)!;
    started.push({ fake, flavor, url: fake.url, apiKey: fake.apiKey, templateUserId: template.id });
  }
  return started;
}
