// Child process of `npm run bench -- sync`: the fake servers live here, so the memory the bench
// reports is Usher's alone. Prints one JSON line describing the servers, then serves until killed.
import { startMediaBrowserFakes } from '../fakes/src/index.js';

const servers = Number(process.env.BENCH_SERVERS ?? 50);
const users = Number(process.env.BENCH_USERS ?? 200);
const started = await startMediaBrowserFakes({ jellyfin: servers, usersPerServer: users, items: false });
process.stdout.write(`${JSON.stringify(started.map((s) => ({ url: s.url, apiKey: s.apiKey })))}\n`);
process.on('SIGTERM', () => {
  void Promise.all(started.map((s) => s.fake.close())).then(() => process.exit(0));
});
