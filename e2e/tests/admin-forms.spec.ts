import { expect, test, type Page } from '@playwright/test';
import {
  demoSeed,
  startEmbyFake,
  startJellyfinFake,
  startStripeFake,
  TEMPLATE_USER_NAME,
  type MediaBrowserFake,
  type StripeFake,
} from '../../fakes/src/index.js';
import { startTestSmtp, type TestSmtp } from '../../server/test/support/smtp.js';
import { completeSetup, rowAction, screenshot, tableAction, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// First run and form behaviour: the Getting started checklist ticking itself, field-level errors,
// the maximum-users rule and the Emby-in-the-Jellyfin-dialog check. Real Usher, fakes on loopback.
const ADMIN = { email: 'firstrun@example.com', password: 'First-Run-Admin-7!' };
const JELLYFIN = 'Jellyfin Study';
const EMBY = 'Emby Garage';

let jellyfin: MediaBrowserFake;
let emby: MediaBrowserFake;
let smtp: TestSmtp;
let stripe: StripeFake;
let usher: RunningUsher;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  jellyfin = await startJellyfinFake({ serverName: JELLYFIN });
  jellyfin.seed(demoSeed({ users: 4, userPrefix: 'jf-' }));
  emby = await startEmbyFake({ serverName: EMBY });
  smtp = await startTestSmtp();
  stripe = await startStripeFake();
  const { host, port, protocol } = stripe.endpoint;
  usher = await startUsher({ STRIPE_API_HOST: host, STRIPE_API_PORT: String(port), STRIPE_API_PROTOCOL: protocol });
  page = await browser.newPage({ baseURL: usher.url });
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.close();
  await usher?.stop();
  await Promise.all([jellyfin?.close(), emby?.close(), smtp?.close(), stripe?.close()]);
});

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

const main = () => page.getByRole('main');
const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const checklist = () => page.getByTestId('getting-started');
const step = (id: string) => page.getByTestId(`checklist-${id}`);

async function open(path: string, heading: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
}

async function dashboard() {
  await open('/admin', 'Dashboard');
  await expect(checklist()).toBeVisible();
}

test('the first visit says "Welcome" and shows the checklist with every step to do', async () => {
  await completeSetup(page, usher, ADMIN);
  await expect(page.getByText(`Welcome, ${ADMIN.email}.`)).toBeVisible();
  await expect(checklist()).toBeVisible();
  for (const id of ['site', 'email', 'media', 'library_groups', 'plan', 'access_sync', 'gateway', 'registration'])
    await expect(step(id)).toHaveAttribute('data-status', 'todo');
  await screenshot(page, 'admin-getting-started');
});

test('site and email steps tick themselves once saved and a test email is sent', async () => {
  await open('/admin/settings/general', 'Settings');
  await page.getByLabel('Site URL').fill(usher.url);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('General settings saved.')).toBeVisible();

  await open('/admin/settings/email', 'Settings');
  await page.getByLabel('Send email').check();
  await page.getByLabel('SMTP host').fill('127.0.0.1');
  await page.getByLabel('SMTP port').fill(String(smtp.port));
  await page.getByRole('textbox', { name: 'Connection security' }).click();
  await page.getByRole('option', { name: /None/ }).click();
  await page.getByLabel('Sender address').fill('usher@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Email settings saved.')).toBeVisible();
  await page.getByLabel('Recipient').fill(ADMIN.email);
  await page.getByRole('button', { name: 'Send test email' }).click();
  await expect(page.getByText(`Test email sent to ${ADMIN.email}.`)).toBeVisible();

  await dashboard();
  await expect(step('site')).toHaveAttribute('data-status', 'done');
  await expect(step('email')).toHaveAttribute('data-status', 'done');
});

test('a settings value the server refuses is shown beside its field, in plain words', async () => {
  await open('/admin/settings/general', 'Settings');
  await page.getByLabel('Site URL').fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  const field = page.getByLabel('Site URL');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(main().getByText('Enter a full address starting with http:// or https://.')).toBeVisible();
  consoleErrors.splice(0); // the 400 is the expected answer
  await field.fill(usher.url);
  await expect(main().getByText('Enter a full address starting with http:// or https://.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Discard changes' }).click();
});

test('an Emby server offered in the Jellyfin dialog is named as Emby, beside the URL', async () => {
  await open('/admin/servers', 'Servers');
  await tableAction(page, 'Add Jellyfin server');
  const add = dialog('Add Jellyfin server');
  await add.getByLabel('Server URL').fill(emby.url);
  await add.getByLabel('API key').fill(emby.apiKey);
  await add.getByRole('button', { name: 'Test Connection' }).click();
  await expect(add.getByText(/This is an Emby server/)).toBeVisible();
  await expect(add.getByLabel('Server URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByRole('button', { name: 'Next' })).toBeDisabled();
  consoleErrors.splice(0);
  await screenshot(page, 'admin-servers-wrong-kind');
  // Changing the URL clears the error.
  await add.getByLabel('Server URL').fill(jellyfin.url);
  await expect(add.getByText(/This is an Emby server/)).toHaveCount(0);
  await add.getByLabel('API key').fill(jellyfin.apiKey);
  await add.getByRole('button', { name: 'Test Connection' }).click();
  await expect(add.getByText(`Connected to ${JELLYFIN}`)).toBeVisible();
  await add.getByRole('button', { name: 'Next' }).click();

  // -3 stays -3 with an error and Save waits; it never becomes 0 (= unlimited).
  const max = add.getByLabel('Maximum number of users');
  await max.fill('-3');
  await max.blur();
  await expect(max).toHaveValue('-3');
  await expect(add.getByText('Enter 0 for unlimited, or a positive number of users.')).toBeVisible();
  await expect(add.getByRole('button', { name: 'Save' })).toBeDisabled();
  await max.fill('2.5');
  await expect(add.getByText('Enter a whole number of users.')).toBeVisible();
  await max.fill('10');
  await add.getByRole('button', { name: 'Save' }).click();
  await expect(main().getByRole('row', { name: new RegExp(JELLYFIN) })).toContainText('0 / 10');
});

test('a new server is synced at once: the checklist ticks the media step and its libraries are there', async () => {
  await dashboard();
  await expect(step('media')).toHaveAttribute('data-status', 'done');
  await open('/admin/libraries', 'Libraries');
  await expect(main().getByRole('textbox', { name: `Group of Movies on ${JELLYFIN}` })).toBeVisible();
  await main().getByRole('textbox', { name: `Group of Movies on ${JELLYFIN}` }).click();
  await page.getByRole('option', { name: 'Standard' }).click();
  await expect(page.getByText(`Movies (${JELLYFIN}) is now in Standard.`)).toBeVisible();
  await dashboard();
  await expect(step('library_groups')).toHaveAttribute('data-status', 'done');
});

test('a capacity below the members already on the server warns before saving', async () => {
  await open('/admin/settings/mediaServer', 'Settings');
  await page.getByLabel('Default template user (Jellyfin/Emby)').fill(TEMPLATE_USER_NAME);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Media server integration settings saved.')).toBeVisible();
  await open('/admin/members/import', 'Import members');
  // One account is left out; the other three are imported.
  await page.getByRole('checkbox', { name: 'Import jf-0001' }).uncheck();
  await page.getByRole('button', { name: /^Import 3 accounts/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
  await open('/admin/members', 'Members');
  await expect(page.getByTestId('data-table-range')).toHaveText('1–3 of 3');

  await open('/admin/servers', 'Servers');
  await rowAction(page, JELLYFIN, 'Edit');
  const edit = dialog(`Edit ${JELLYFIN}`);
  await edit.getByLabel('Maximum number of users').fill('2');
  await expect(edit.getByTestId('capacity-warning')).toContainText('already on this server');
  await screenshot(page, 'admin-servers-capacity-warning');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved, with a warning')).toBeVisible();
});

test('a duplicate name differing only in case is refused beside the name field', async () => {
  await open('/admin/server-locations', 'Server Locations');
  await tableAction(page, 'Add location');
  await dialog('Add location').getByLabel('Name').fill('Europe');
  await dialog('Add location').getByRole('button', { name: 'Add location' }).click();
  await expect(main().getByRole('row', { name: /Europe/ })).toBeVisible();
  await tableAction(page, 'Add location');
  await dialog('Add location').getByLabel('Name').fill('europe');
  await dialog('Add location').getByRole('button', { name: 'Add location' }).click();
  await expect(dialog('Add location').getByText('A location with this name exists.')).toBeVisible();
  await expect(dialog('Add location').getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  consoleErrors.splice(0);
  // What was typed is not thrown away without asking.
  let asked = '';
  page.once('dialog', (prompt) => {
    asked = prompt.message();
    void prompt.accept();
  });
  await dialog('Add location').getByRole('button', { name: 'Cancel' }).click();
  expect(asked).toBe('Discard the changes you typed?');
  await expect(dialog('Add location')).toHaveCount(0);
});

test('the first plan is created on the Plans page and syncing is turned on; both steps tick', async () => {
  await open('/admin/plans', 'Plans');
  await tableAction(page, 'Add plan');
  const add = dialog('Add plan');
  await add.getByLabel('Name').fill('Monthly');
  await add.getByLabel(/^Cost/).fill('9.99');
  // A new plan starts with the Standard group, the one every member gets.
  await expect(add.getByText('Standard', { exact: true })).toBeVisible();
  await add.getByRole('button', { name: 'Add plan' }).click();
  await expect(page.getByText('Monthly saved.')).toBeVisible();
  await expect(main().getByRole('cell', { name: 'Monthly', exact: true })).toBeVisible();
  await dashboard();
  await expect(step('plan')).toHaveAttribute('data-status', 'done');

  // Syncing libraries to the servers is turned on from the page that lists what it would change.
  await open('/admin/access', 'Access changes');
  // The switch stays off until the confirmation is accepted (it is the track, not the input, that takes the click).
  await main().getByRole('switch', { name: 'Sync shared libraries to the servers' }).click({ force: true });
  await page.getByRole('dialog').getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('Syncing shared libraries is on.')).toBeVisible();
  await dashboard();
  await expect(step('access_sync')).toHaveAttribute('data-status', 'done');
});

test('Stripe settings show the webhook URL to paste; a failed test explains, a passing one ticks the gateway step', async () => {
  await open('/admin/settings/stripe', 'Settings');
  await expect(page.getByRole('textbox', { name: 'Webhook URL' })).toHaveValue(`${usher.url}/api/webhooks/stripe`);
  await expect(page.getByRole('button', { name: 'Copy the webhook URL' })).toBeVisible();
  await page.getByLabel(/^Secret key/).fill('sk_test_wrong');
  await page.getByLabel(/^Webhook signing secret/).fill(stripe.webhookSecret);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(main().getByRole('alert')).toContainText(/key/i);
  await screenshot(page, 'admin-settings-stripe-refused');
  // The browser logs every failed request; this 502 is the refusal the test asked for.
  const refusal = consoleErrors.findIndex((m) => m.includes('502'));
  expect(refusal, consoleErrors.join('\n')).toBeGreaterThanOrEqual(0);
  consoleErrors.splice(refusal, 1);

  await page.getByLabel(/^Secret key/).fill(stripe.secretKey);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Stripe test passed')).toBeVisible();
  await dashboard();
  await expect(step('gateway')).toHaveAttribute('data-status', 'done');
});

test('search and sort survive a reload; the registration step completes the checklist', async () => {
  await open('/admin/audit', 'Audit log');
  await main().getByRole('textbox', { name: 'Search' }).fill('server');
  await expect(page).toHaveURL(/[?&]q=server/);
  await page.reload();
  await expect(main().getByRole('textbox', { name: 'Search' })).toHaveValue('server');
  await expect(main().getByRole('columnheader', { name: /When/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(main().getByRole('link', { name: JELLYFIN }).first()).toBeVisible();

  await open('/admin/settings/registration', 'Settings');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Registration settings saved.')).toBeVisible();
  await open('/admin', 'Dashboard');
  // Every step that exists is done, so the card goes away.
  await expect(checklist()).toHaveCount(0);
});
