// Child process of `npm run bench -- reconcile`: half Jellyfin, half Emby fakes, so the memory the
// bench reports is Usher's alone. Every member sees Movies and TV Shows without downloads, which is
// what the default plan gives once those two are in the Standard group; every 50th account is
// disabled, as admins do by hand, so the setup pass has to re-enable them. Prints one JSON line
// describing the servers, then serves until killed.
import {
  startEmbyFake,
  startJellyfinFake,
  TEMPLATE_USER_NAME,
  type MediaBrowserFake,
  type MediaBrowserSeedUser,
} from '../fakes/src/index.js';

const servers = Number(process.env.BENCH_SERVERS ?? 50);
const users = Number(process.env.BENCH_USERS ?? 200);

const started: { fake: MediaBrowserFake; kind: 'jellyfin' | 'emby' }[] = [];
for (let i = 0; i < servers; i++) {
  const kind = i % 2 === 0 ? 'jellyfin' : 'emby';
  const n = Math.floor(i / 2) + 1;
  const fake = await (kind === 'jellyfin' ? startJellyfinFake : startEmbyFake)({ serverName: `${kind} ${n}`, premiere: kind === 'emby' });
  const members: MediaBrowserSeedUser[] = Array.from({ length: users }, (_, u) => ({
    name: `${kind}${n}-${String(u + 1).padStart(4, '0')}`,
    libraries: ['Movies', 'TV Shows'],
    allowDownloads: false,
    disabled: (u + 1) % 50 === 0,
  }));
  fake.seed({
    libraries: [
      { name: 'Movies', collectionType: 'movies' },
      { name: 'TV Shows', collectionType: 'tvshows' },
      { name: '4K Movies', collectionType: 'movies' },
      { name: 'Music', collectionType: 'music' },
    ],
    users: [
      { name: 'admin', password: 'admin-password', admin: true },
      { name: TEMPLATE_USER_NAME, hidden: true, libraries: ['Movies', 'TV Shows'], allowDownloads: false },
      ...members,
    ],
  });
  started.push({ fake, kind });
}
process.stdout.write(`${JSON.stringify(started.map((s) => ({ url: s.fake.url, apiKey: s.fake.apiKey, kind: s.kind })))}\n`);
process.on('SIGTERM', () => {
  void Promise.all(started.map((s) => s.fake.close())).then(() => process.exit(0));
});
