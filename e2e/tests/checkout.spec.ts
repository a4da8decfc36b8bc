import { expect, test, type Page } from '@playwright/test';
import { setupAdminApi, type AdminApi } from '../support/admin-api';
import { demoSeed, startJellyfinFake, startStripeFake, type MediaBrowserFake, type StripeFake } from '../../fakes/src/index.js';
import { screenshot, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// Checkout end to end up to the gateway: real Usher, the Stripe fake's hosted page, the return page.
// Paying through to "active" needs the webhook pipeline; this covers the customer leaving the payment page.
const ADMIN = { email: 'operator@example.com', password: 'Checkout-Admin-42!' };
const CUSTOMER = { email: 'buyer@example.com', password: 'Buyer-Pass-42!' };

let jellyfin: MediaBrowserFake;
let stripe: StripeFake;
let usher: RunningUsher;
let adminApi: AdminApi;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

const call: AdminApi['call'] = (method, path, data) => adminApi.call(method, path, data);

test.beforeAll(async ({ browser }) => {
  jellyfin = await startJellyfinFake({ serverName: 'Jellyfin Den' });
  jellyfin.seed(demoSeed({ users: 0, items: false }));
  stripe = await startStripeFake();
  const { host, port, protocol } = stripe.endpoint;
  usher = await startUsher({ STRIPE_API_HOST: host, STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: protocol });
  adminApi = await setupAdminApi(usher, ADMIN);

  const serverId = (await call('post', '/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).id as string;
  await call('post', `/api/admin/servers/${serverId}/sync`);
  const libraries = (await call('get', `/api/admin/libraries?serverId=${serverId}`)).items as { id: string }[];
  for (const library of libraries) await call('put', `/api/admin/libraries/${library.id}/group`, { groupId: 'group-standard' });
  await call('post', '/api/admin/plans', {
    name: 'Cinema',
    description: 'Every film, two screens at once',
    costMinor: 900,
    duration: { unit: 'months', count: 1 },
    libraryGroupIds: ['group-standard'],
    maxStreams: 2,
  });
  await call('put', '/api/admin/settings/stripe', { values: { enabled: true }, secrets: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret } });
  await call('post', '/api/admin/logins', { ...CUSTOMER, roleId: 'role-user' });

  page = await browser.newPage({ baseURL: usher.url });
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.close();
  await adminApi?.dispose();
  await usher?.stop();
  await stripe?.close();
  await jellyfin?.close();
});

test.afterEach(() => {
  // The fake Stripe page is not Usher's: its missing favicon is the browser asking the fake, not an Usher error.
  const usherErrors = consoleErrors.splice(0).filter((m) => !m.includes(stripe.url));
  expect(usherErrors, 'the browser console stays free of errors').toEqual([]);
});

test('a customer picks a plan and Stripe, cancels on the Stripe page, and the return page says the payment was cancelled', async () => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(CUSTOMER.email);
  await page.getByLabel(/^Password/).fill(CUSTOMER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/portal/);

  await page.goto('/portal/subscribe');
  await page.getByRole('radio', { name: /Cinema/ }).click();
  await page.getByRole('radio', { name: 'Card (Stripe)' }).check();
  await screenshot(page, 'checkout-subscribe');
  await page.getByRole('button', { name: 'Continue to payment' }).click();

  await expect(page.getByText('Fake Stripe Checkout')).toBeVisible();
  expect(page.url().startsWith(stripe.url)).toBe(true);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(page).toHaveURL(/\/portal\/checkout\/return\?checkout=.+&cancelled=1/);
  await expect(page.getByText('Payment cancelled')).toBeVisible();
  await expect(page.getByText(/nothing was charged/)).toBeVisible();
  await screenshot(page, 'checkout-cancelled');
});

test('at 390 px the Subscribe page fits the screen and every choice stays reachable', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/portal/subscribe');
  await expect(page.getByRole('button', { name: 'Continue to payment' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByRole('radio', { name: /Cinema/ }).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: 'Card (Stripe)' })).toBeFocused();
});
