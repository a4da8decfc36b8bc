// Run by `npm run demo` (and usable alone: `npx tsx fakes/src/demo-fakes.ts`): plex.tv with two Plex
// Media Servers of one owner, one Jellyfin and one Emby server, each with libraries and a few dozen
// existing users, one PayPal sandbox account with two subscription plans, one Stripe test account
// with two prices and one Plisio shop. Prints one JSON line describing them, then serves until stopped.
import { startEmbyFake, startJellyfinFake } from './mediabrowser/fake.js';
import { demoSeed, TEMPLATE_USER_NAME } from './mediabrowser/demo.js';
import { startPayPalFake } from './paypal/paypal-fake.js';
import { startPlexFakes } from './plex/plex-fakes.js';
import { startPlisioFake } from './plisio/plisio-fake.js';
import { startStripeFake } from './stripe/stripe-fake.js';

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
  /** STRIPE_API_HOST/PORT/PROTOCOL come from `endpoint`. */
  stripe: {
    endpoint: { host: string; port: number; protocol: 'http' };
    secretKey: string;
    webhookSecret: string;
    prices: { id: string; nickname: string | null; currency: string; unitAmount: number; interval: string | null }[];
  };
  /** PLISIO_API_URL is `apiUrl`. */
  plisio: { apiUrl: string; secretKey: string };
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

const stripe = await startStripeFake({
  secretKey: 'sk_test_demo_usher_stripe_key',
  webhookSecret: 'whsec_demo_usher_stripe_webhook',
  webhookUrl: process.env.DEMO_STRIPE_WEBHOOK_URL ?? `http://127.0.0.1:${usherPort}/api/webhooks/stripe`,
  prices: [
    { id: 'price_demo_monthly', nickname: 'Monthly', unitAmount: 999, currency: 'usd', interval: 'month' },
    { id: 'price_demo_yearly', nickname: 'Yearly', unitAmount: 9900, currency: 'usd', interval: 'year' },
  ],
  port: basePort + 6,
  host,
});
// Plisio is told per invoice where to call back (Usher's SITE_URL); the override is for a demo behind another address.
const plisio = await startPlisioFake({
  secretKey: 'demo-plisio-secret-key',
  ...(process.env.DEMO_PLISIO_CALLBACK_URL ? { callbackUrl: process.env.DEMO_PLISIO_CALLBACK_URL } : {}),
  port: basePort + 7,
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
  stripe: {
    endpoint: stripe.endpoint,
    secretKey: stripe.secretKey,
    webhookSecret: stripe.webhookSecret,
    prices: [...stripe.state.prices.values()].map((p) => ({
      id: p.id,
      nickname: p.nickname,
      currency: p.currency,
      unitAmount: p.unit_amount,
      interval: p.recurring?.interval ?? null,
    })),
  },
  plisio: { apiUrl: plisio.url, secretKey: plisio.secretKey },
};
process.stdout.write(`${JSON.stringify(description)}\n`);

const stop = () => {
  void Promise.all([plex.close(), jellyfin.close(), emby.close(), paypal.close(), stripe.close(), plisio.close()]).then(() =>
    process.exit(0),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
