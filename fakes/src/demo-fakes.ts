// Run by `npm run demo` (and usable alone: `npx tsx fakes/src/demo-fakes.ts`): plex.tv with two Plex
// Media Servers of one owner, one Jellyfin and one Emby server, each with libraries and a few dozen
// existing users, and one PayPal sandbox account with two subscription plans. Prints one JSON line
// describing them, then serves until stopped.
import { startEmbyFake, startJellyfinFake } from './mediabrowser/fake.js';
import { demoSeed, TEMPLATE_USER_NAME } from './mediabrowser/demo.js';
import { startPayPalFake } from './paypal/paypal-fake.js';
import { startPlexFakes } from './plex/plex-fakes.js';

export interface DemoFakesDescription {
  plexTvUrl: string;
  plexOwnerToken: string;
  plexServers: { name: string; machineId: string; url: string }[];
  jellyfin: { url: string; apiKey: string };
  emby: { url: string; apiKey: string };
  templateUser: string;
  paypal: {
    apiUrl: string;
    nvpUrl: string;
    clientId: string;
    clientSecret: string;
    webhookId: string;
    nvp: { user: string; password: string; signature: string };
    plans: { id: string; name: string; currency: string; value: string }[];
  };
}

const basePort = Number(process.env.DEMO_FAKES_BASE_PORT ?? 8091);
const host = '127.0.0.1';

const plex = await startPlexFakes({
  servers: 2,
  usersPerServer: 18,
  pendingInvitesPerServer: 2,
  homeUsers: 2,
  serverNames: ['Plex Living Room', 'Plex Attic'],
  plexTvPort: basePort,
  pmsBasePort: basePort + 1,
  host,
  playingIntervalMs: 10_000,
});
const jellyfin = await startJellyfinFake({ serverName: 'Jellyfin Den', apiKey: 'demo-jellyfin-api-key', port: basePort + 3, host });
jellyfin.seed(demoSeed({ users: 20, userPrefix: 'jelly-' }));
const emby = await startEmbyFake({ serverName: 'Emby Cabin', apiKey: 'demo-emby-api-key', premiere: true, port: basePort + 4, host });
emby.seed(demoSeed({ users: 12, userPrefix: 'emby-' }));

// Usher's webhook route on the demo's own port; the demo may point it elsewhere through /__control/webhooks.
const usherPort = process.env.PORT ?? '8090';
const paypal = await startPayPalFake({
  clientId: 'demo-paypal-client-id',
  clientSecret: 'demo-paypal-client-secret',
  nvp: { user: 'demo_api1.example.com', password: 'DEMOPASSWORD', signature: 'demo-nvp-signature' },
  webhookId: 'WH-DEMO-PAYPAL',
  webhookUrl: process.env.DEMO_PAYPAL_WEBHOOK_URL ?? `http://127.0.0.1:${usherPort}/api/webhooks/paypal`,
  plans: [
    { id: 'P-DEMO-MONTHLY', name: 'Monthly', currency: 'USD', value: '9.99', intervalUnit: 'MONTH', intervalCount: 1 },
    { id: 'P-DEMO-YEARLY', name: 'Yearly', currency: 'USD', value: '99.00', intervalUnit: 'YEAR', intervalCount: 1 },
  ],
  port: basePort + 5,
  host,
});

const description: DemoFakesDescription = {
  plexTvUrl: plex.plexTvUrl,
  plexOwnerToken: plex.owner.token!,
  plexServers: plex.servers.map((s) => ({ name: s.name, machineId: s.machineId, url: s.url })),
  jellyfin: { url: jellyfin.url, apiKey: jellyfin.apiKey },
  emby: { url: emby.url, apiKey: emby.apiKey },
  templateUser: TEMPLATE_USER_NAME,
  paypal: {
    apiUrl: paypal.url,
    nvpUrl: paypal.nvpUrl,
    clientId: paypal.clientId,
    clientSecret: paypal.clientSecret,
    webhookId: paypal.webhookId,
    nvp: paypal.state.nvp,
    plans: [...paypal.state.plans.values()].map((p) => ({ id: p.id, name: p.name, currency: p.currency, value: p.value })),
  },
};
process.stdout.write(`${JSON.stringify(description)}\n`);

const stop = () => {
  void Promise.all([plex.close(), jellyfin.close(), emby.close(), paypal.close()]).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
