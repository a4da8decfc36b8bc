import { expect, test, type Page } from '@playwright/test';
import { setupAdminApi, type AdminApi } from '../support/admin-api';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../fakes/src/index.js';
import { screenshot, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// My Account's Subscription card end to end: real Usher, a fake Jellyfin, the member seeded through the admin API.
const ADMIN = { email: 'operator@example.com', password: 'Portal-Admin-42!' };
const CUSTOMER = { email: 'viewer@example.com', password: 'Viewer-Pass-42!' };
const SERVER = 'Jellyfin Den';

let jellyfin: MediaBrowserFake;
let usher: RunningUsher;
let adminApi: AdminApi;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });


/** The admin API, as the test's seeding tool: the setup call logged this context in; writes echo the CSRF cookie. */
const call: AdminApi['call'] = (method, path, data) => adminApi.call(method, path, data);

const policy = () => jellyfin.state.findUser('jf-0001')!.policy;

test.beforeAll(async ({ browser }) => {
  jellyfin = await startJellyfinFake({ serverName: SERVER });
  jellyfin.seed(demoSeed({ users: 2, items: false, userPrefix: 'jf-' }));
  usher = await startUsher();
  adminApi = await setupAdminApi(usher, ADMIN);

  page = await browser.newPage({ baseURL: usher.url });
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.close();
  await adminApi?.dispose();
  await usher?.stop();
  await jellyfin?.close();
});

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

test('the admin seeds a member on a plan with the customer’s email; Usher shares the plan’s library', async () => {
  await call('put', '/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME, syncSharedLibraries: true } });
  const serverId = (
    await call('post', '/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })
  ).id as string;
  await call('post', `/api/admin/servers/${serverId}/sync`);
  await call('post', '/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' });
  const { items } = await call('get', '/api/admin/members?q=jf-0001');
  const memberId = items[0].id as string;
  await call('put', `/api/admin/members/${memberId}/permanent`, { permanent: false });
  await call('patch', `/api/admin/members/${memberId}`, { email: CUSTOMER.email });
  const libraries = (await call('get', `/api/admin/libraries?serverId=${serverId}`)).items as {
    id: string;
    title: string;
    remoteId: string;
  }[];
  const movies = libraries.find((l) => l.title === 'Movies')!;
  await call('put', `/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' });
  const planId = (
    await call('post', '/api/admin/plans', {
      name: 'Cinema',
      description: 'Every film, two screens at once',
      costMinor: 900,
      duration: { unit: 'days', count: 30 },
      libraryGroupIds: ['group-standard'],
      maxStreams: 2,
    })
  ).id as string;
  await call('post', `/api/admin/members/${memberId}/payments`, { planId });
  await call('post', '/api/admin/logins', { ...CUSTOMER, roleId: 'role-user' });
  // The payment starts an immediate pass for the member; its grant reaches the fake within seconds.
  await expect.poll(() => policy().EnabledFolders, { timeout: 20_000 }).toEqual([movies.remoteId]);
});

async function logIn(email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/portal/);
}

test('a customer with no member of their email is told so, without an error', async () => {
  await call('post', '/api/admin/logins', { email: 'nobody@example.com', password: CUSTOMER.password, roleId: 'role-user' });
  await logIn('nobody@example.com', CUSTOMER.password);
  await page.goto('/portal/account');
  await expect(page.getByTestId('no-subscription')).toContainText('There is no subscription for your email yet.');
  await expect(page.getByRole('button', { name: 'Re-invite me' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test('the member logs in and sees their status, plan, server and how to sign in', async () => {
  await logIn(CUSTOMER.email, CUSTOMER.password);
  await page.goto('/portal/account');
  const card = page.getByRole('main');
  await expect(card.getByRole('heading', { name: 'Subscription' })).toBeVisible();
  await expect(card.getByTestId('subscription-sentence')).toHaveText(/^Your subscription is active until \d+ \w+ \d{4}\.$/);
  await expect(card.getByText('Cinema', { exact: true })).toBeVisible();
  await expect(card.getByText('Every film, two screens at once')).toBeVisible();
  await expect(card.getByText('Libraries: Movies')).toBeVisible();
  await expect(card.getByText('Up to 2 simultaneous streams')).toBeVisible();
  await expect(card.getByText(SERVER, { exact: true })).toBeVisible();
  await expect(card.getByText(`Sign in to Jellyfin at ${jellyfin.url} with the username jf-0001`, { exact: false })).toBeVisible();
  await screenshot(page, 'portal-my-account-subscription');
});

test('after losing access on the server, "Re-invite me" brings it back; a second click is asked to wait', async () => {
  const folders = [...(policy().EnabledFolders as string[])];
  policy().IsDisabled = true;
  policy().EnabledFolders = [];
  await page.getByRole('button', { name: 'Re-invite me' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your access to Jellyfin Den is being restored.' })).toBeVisible();
  await expect
    .poll(() => ({ disabled: policy().IsDisabled, folders: policy().EnabledFolders }), { timeout: 20_000 })
    .toEqual({ disabled: false, folders });

  // Back on the page, the card says why the button is greyed out.
  await page.reload();
  await expect(page.getByTestId('reinvite-unavailable')).toHaveText(/Try again in \d+ minutes?\./);
  await expect(page.getByRole('button', { name: 'Re-invite me' })).toBeDisabled();
});
