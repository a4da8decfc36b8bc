import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { demoSeed, startJellyfinFake, type MediaBrowserFake } from '../../fakes/src/index.js';
import { completeSetup, tableAction, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// Bulk invite from CSV in the browser: paste, dry run with a bad row, the job, the report, and the
// members export. Plan left blank: the default plan every install has; rows are placed on a fake
// Jellyfin server whose Movies are in the Standard group, as the Invite dialog would place them.
const ADMIN = { email: 'bulk@example.com', password: 'Bulk-Invite-Admin-7!' };
const CSV = ['email,username,plan,notes', 'ann@example.com,ann,,first', 'not-an-email,bob,,', ',cat,,third'].join('\n');

let jellyfin: MediaBrowserFake;
let usher: RunningUsher;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  jellyfin = await startJellyfinFake({ serverName: 'Den' });
  jellyfin.seed(demoSeed({ users: 1, items: false, userPrefix: 'jf-' }));
  usher = await startUsher();
  page = await browser.newPage({ baseURL: usher.url, acceptDownloads: true });
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.close();
  await usher?.stop();
  await jellyfin?.close();
});

/** The admin API as the signed-in browser calls it (session cookie and CSRF header). */
async function api(method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'usher_csrf')?.value ?? '';
  const res = await page.request.fetch(path, { method, ...(data === undefined ? {} : { data }), headers: { 'x-csrf-token': csrf } });
  expect(res.ok(), await res.text()).toBe(true);
  return res.json();
}

/** Setting a server up is another spec's subject; here it only has to exist with the Standard group. */
async function addServerWithStandardGroup() {
  const { id } = await api('POST', '/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true });
  await api('POST', `/api/admin/servers/${id}/sync`);
  const { items } = await api('GET', `/api/admin/libraries?serverId=${id}`);
  const movies = items.find((l: { title: string }) => l.title === 'Movies');
  await api('PUT', `/api/admin/libraries/${movies.id}/group`, { groupId: 'group-standard' });
}

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

test('the admin dry-runs a CSV, sees the bad row, invites the rest and downloads the report', async () => {
  await completeSetup(page, usher, ADMIN);
  await addServerWithStandardGroup();
  await page.goto('/admin/members');
  await expect(page.getByRole('heading', { level: 2, name: 'Members', exact: true })).toBeVisible();
  await tableAction(page, 'Bulk invite (CSV)');
  const dialog = page.getByRole('dialog', { name: 'Bulk invite (CSV)' });
  await dialog.getByLabel('Or paste the CSV').fill(CSV);
  await dialog.getByRole('button', { name: 'Dry run' }).click();
  await expect(dialog.getByText('2 rows ready to invite, 1 row with problems')).toBeVisible();
  await expect(dialog.getByRole('table', { name: 'Row results' }).getByText('bad_email')).toBeVisible();

  await dialog.getByRole('button', { name: 'Invite 2 members' }).click();
  await expect(dialog.getByText(/Done: 3 of 3 rows — 2 members invited, 1 row skipped/)).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByText('Download report').click()]);
  const report = await readFile((await download.path())!, 'utf8');
  expect(report).toMatch(/^row,email,username,result,code,message,member_id\r\n2,ann@example.com,ann,invited,/);
  expect(report).toContain('3,not-an-email,bob,skipped,bad_email,');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await expect(page.getByRole('link', { name: 'ann', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'cat', exact: true })).toBeVisible();
});

test('the members export downloads every member with status and plan', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), tableAction(page, 'Export all members with status (CSV)')]);
  expect(download.suggestedFilename()).toBe('members.csv');
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe(
    'id,email,username,display_name,status,plan,expires_at,permanent,servers,master_member_id,paypal_email,discord_id,created_at',
  );
  expect(csv).toMatch(/ann@example.com,ann,,active,/);
});
