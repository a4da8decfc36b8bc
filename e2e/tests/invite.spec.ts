import { expect, test, type Page } from '@playwright/test';
import { startPlexFakes, type PlexFakes } from '../../fakes/src/index.js';
import { completeSetup, rowAction, screenshot, tableAction, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// The admin's Invite end to end: real Usher, fake plex.tv and Plex server on loopback; the share is
// read back from the fake's own state.
const ADMIN = { email: 'operator@example.com', password: 'Media-Admin-42!' };
const PLEX_SERVER = 'Living Room Plex';
const FRIEND = 'new.friend@example.com';

let plex: PlexFakes;
let usher: RunningUsher;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  plex = await startPlexFakes({ servers: 1, usersPerServer: 2, pendingInvitesPerServer: 0, serverNames: [PLEX_SERVER] });
  const plexTv = plex.plexTvUrl;
  usher = await startUsher({ PLEX_TV_URL: plexTv, PLEX_CLIENTS_URL: plexTv, PLEX_APP_URL: plexTv });
  page = await browser.newPage({ baseURL: usher.url });
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.close();
  await usher?.stop();
  await plex?.close();
});

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

const main = () => page.getByRole('main');
const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });

async function open(path: string, heading: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
}

const shareOf = (email: string) =>
  plex.plexTv.state.sharesOfServer(plex.servers[0]!.machineId).find((s) => s.invitedEmail.toLowerCase() === email);

test('the administrator connects a Plex server and puts its Movies in the Standard group', async () => {
  await completeSetup(page, usher, ADMIN);
  await open('/admin/plex-accounts', 'Plex Accounts');
  await tableAction(page, 'Add Plex Account');
  const byToken = dialog('Add Plex account');
  await byToken.getByLabel(/^Plex token/).fill(plex.owner.token!);
  await byToken.getByRole('button', { name: 'Test Token' }).click();
  await expect(byToken.getByText('The token works')).toBeVisible();
  await byToken.getByRole('button', { name: 'Save' }).click();
  await expect(main().getByRole('row', { name: /owner/ })).toContainText('Valid');

  await open('/admin/servers', 'Servers');
  await tableAction(page, 'Add Plex server');
  const add = dialog('Add Plex server');
  await add.getByRole('button', { name: 'Next' }).click();
  await add.getByRole('radio', { name: PLEX_SERVER }).check();
  await add.getByRole('button', { name: 'Next' }).click();
  await add.getByRole('button', { name: 'Test Connection' }).click();
  await expect(add.getByText(`Connected to ${PLEX_SERVER}`)).toBeVisible();
  await add.getByRole('button', { name: 'Next' }).click();
  await add.getByRole('button', { name: 'Save' }).click();
  await expect(main().getByText(`${PLEX_SERVER} added, disabled for now`)).toBeVisible();
  await rowAction(page, PLEX_SERVER, 'Edit');
  const edit = dialog(`Edit ${PLEX_SERVER}`);
  await edit.getByLabel('Enabled').check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(main().getByRole('row', { name: new RegExp(PLEX_SERVER) })).toContainText('Enabled');

  await open('/admin/libraries', 'Libraries');
  await main()
    .getByRole('textbox', { name: `Group of Movies on ${PLEX_SERVER}` })
    .click();
  await page.getByRole('option', { name: 'Standard' }).click();
  await expect(page.getByText(`Movies (${PLEX_SERVER}) is now in Standard.`)).toBeVisible();
});

test('a plan is created on the Plans page and syncing to the servers is turned on', async () => {
  await open('/admin/plans', 'Plans');
  await tableAction(page, 'Add plan');
  const add = dialog('Add plan');
  await add.getByLabel('Name').fill('Movie Night');
  await add.getByLabel(/^Cost/).fill('7.50');
  await expect(add.getByText('Standard', { exact: true })).toBeVisible();
  await add.getByRole('button', { name: 'Add plan' }).click();
  await expect(page.getByText('Movie Night saved.')).toBeVisible();

  await open('/admin/access', 'Access changes');
  await main().getByRole('switch', { name: 'Sync shared libraries to the servers' }).click({ force: true });
  await page.getByRole('dialog').getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('Syncing shared libraries is on.')).toBeVisible();
});

test('a duplicate is refused on its field; the invite shares exactly the plan’s library on the fake Plex server', async () => {
  await open('/admin/members', 'Members');
  await tableAction(page, 'Invite member');
  const invite = dialog('Invite member');
  await expect(invite.getByRole('textbox', { name: 'Server' })).toHaveValue(/Automatic/);
  await invite.getByLabel(/^Email/).fill(FRIEND);
  await invite.getByRole('textbox', { name: 'Plan' }).click();
  await page.getByRole('option', { name: 'Movie Night' }).click();
  await invite.getByLabel('Transaction ID').fill('2026-12-05-Venmo-1');
  await screenshot(page, 'admin-members-invite');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByText(`${FRIEND} was invited to ${PLEX_SERVER}.`)).toBeVisible();
  await expect(invite).toHaveCount(0);
  await expect(main().getByRole('link', { name: FRIEND })).toBeVisible();

  // The share appears on the fake plex.tv with exactly the plan's section (Movies) and no downloads.
  const movies = plex.servers[0]!.libraries.find((l) => l.title === 'Movies')!;
  await expect.poll(() => shareOf(FRIEND)?.sectionIds ?? null, { timeout: 20_000 }).toEqual([movies.globalId]);
  expect(shareOf(FRIEND)!.allLibraries).toBe(false);
  expect(shareOf(FRIEND)!.settings.allowSync).toBe(false);

  // The same email again: refused, the message stays next to the Email field, nothing changes.
  await tableAction(page, 'Invite member');
  const again = dialog('Invite member');
  await again.getByLabel(/^Email/).fill(FRIEND);
  await again.getByRole('textbox', { name: 'Plan' }).click();
  await page.getByRole('option', { name: 'Movie Night' }).click();
  await again.getByRole('button', { name: 'Invite' }).click();
  await expect(again.getByText('A member with this email already exists; edit or renew them instead.')).toBeVisible();
  consoleErrors.splice(0); // the 409 is the expected answer; the browser logs it
  await again.getByRole('button', { name: 'Cancel' }).click();

  await main().getByRole('link', { name: FRIEND }).click();
  await expect(main().getByText(PLEX_SERVER).first()).toBeVisible();
  await screenshot(page, 'admin-member-invited');
});
