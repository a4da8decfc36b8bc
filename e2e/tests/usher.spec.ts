import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totp } from '../support/totp';
import { startUsher, type RunningUsher } from '../support/usher';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const ADMIN = { email: 'owner@example.com', password: 'Correct-Horse-9!' };
const CUSTOMER = { email: 'customer@example.com', password: 'Another-Pass-7?' };

let usher: RunningUsher;
let recoveryCode = '';
let page: Page;
const consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  usher = await startUsher();
  page = await browser.newPage({ baseURL: usher.url });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await page?.close();
  await usher?.stop();
});

test.afterEach(() => {
  const errors = consoleErrors.splice(0);
  expect(errors, 'the browser console stays free of errors').toEqual([]);
});

async function shot(name: string) {
  await expect(page.getByTestId('data-table-loading')).toHaveCount(0);
  // Toasts would cover the page's own header actions; transitions would catch menus half-open.
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled', style: '.mantine-Notifications-root { display: none; }' });
}

async function openPage(path: string, heading: string, content: Locator, name: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
  await expect(content.first()).toBeVisible();
  await shot(name);
}

async function logIn(email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function logOut() {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('a fresh install sends every page to setup, which creates the administrator', async () => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Set up Usher' })).toBeVisible();
  await shot('setup');

  await page.getByLabel('Setup token').fill(usher.setupToken);
  await page.getByLabel('Administrator email').fill(ADMIN.email);
  await page.getByLabel(/^Password/).fill(ADMIN.password);
  await page.getByLabel('Repeat the password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
});

test('the administrator logs out and in again', async () => {
  await logOut();
  await shot('login');
  await logIn(ADMIN.email, 'Wrong-password-1!');
  await expect(page.getByRole('alert')).toContainText('The email or password is wrong.');
  consoleErrors.splice(0); // the refused login is a 401 the browser reports; it is the expected answer here
  await logIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/);
});

test('every admin page shows its real content', async () => {
  const main = page.getByRole('main');
  await openPage('/admin', 'Dashboard', page.getByText('Latest activity'), 'admin-dashboard');
  await expect(page.getByTestId('stat-Logins')).toHaveText('1');

  await openPage('/admin/logins', 'Logins', main.getByRole('cell', { name: ADMIN.email }), 'admin-logins');
  await openPage('/admin/roles', 'Roles', main.getByRole('cell', { name: 'Administrator' }), 'admin-roles');
  await page.getByRole('button', { name: 'Actions', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Add role' }).click();
  const roleDialog = page.getByRole('dialog', { name: 'Add role' });
  await roleDialog.getByLabel('Name').fill('Support');
  await roleDialog.getByLabel('See site logins').check();
  await roleDialog.getByLabel('See admin alerts').check();
  await shot('admin-roles-editor');
  await roleDialog.getByRole('button', { name: 'Add role' }).click();
  await expect(main.getByRole('row', { name: /Support/ })).toContainText('Custom');

  await page.goto('/admin/api-keys');
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Create API key' }).click();
  await page.getByLabel('Name').fill('Billing script');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-api-key')).toContainText(/\S{20,}/);
  await page.getByRole('button', { name: 'Done' }).click();
  await openPage('/admin/api-keys', 'API keys', main.getByRole('cell', { name: 'Billing script' }), 'admin-api-keys');

  await openPage('/admin/settings/general', 'Settings', page.getByLabel('Site name'), 'admin-settings-general');
  await page.getByLabel('Site name').fill('Usher E2E');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('General settings saved.')).toBeVisible();
  await openPage('/admin/settings/email', 'Settings', page.getByLabel('SMTP host'), 'admin-settings-email');
  await expect(page.getByRole('button', { name: 'Send test email' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeVisible();
  await openPage('/admin/settings/security', 'Settings', page.getByLabel('Session length (days)'), 'admin-settings-security');
  // Every other live section gets its tab and form too, whichever sections the server has made live.
  const tabs = page.getByRole('tab');
  for (const name of await tabs.allTextContents()) {
    await page.getByRole('tab', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 3, name, exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save' })).toBeVisible();
    await shot(`admin-settings-${name.toLowerCase().replace(/\W+/g, '-')}`);
  }

  await openPage('/admin/audit', 'Audit log', main.getByText('Signed in').first(), 'admin-audit');
  await openPage('/admin/alerts', 'Alerts', main.getByRole('table'), 'admin-alerts');
  await expect(main.getByText('No alerts yet. All is well.')).toBeVisible();

  await openPage('/admin/jobs', 'Jobs', main.getByRole('cell', { name: /auth\.cleanup/ }), 'admin-jobs');
  await page.getByRole('button', { name: 'Actions for auth.cleanup' }).click();
  await page.getByRole('menuitem', { name: 'Run now' }).click();
  await expect(page.getByText('auth.cleanup started.')).toBeVisible();
  await expect(main.getByText(/Deleted \d+ expired sessions?/)).toBeVisible();
  await shot('admin-jobs-after-run');

  await expect(page.getByRole('link', { name: 'Usher E2E Admin' })).toBeVisible();
});

test('the admin shell works on a phone and in dark mode', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/admin/logins');
  await expect(page.getByRole('heading', { name: 'Logins' })).toBeVisible();
  await shot('mobile-admin-logins');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await expect(page.getByRole('link', { name: 'Audit log' })).toBeVisible();
  await shot('mobile-admin-menu');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();

  await page.setViewportSize({ width: 1366, height: 860 });
  await page.goto('/admin');
  await page.getByRole('button', { name: /Switch to (dark|light) mode/ }).first().click();
  const scheme = await page.locator('html').getAttribute('data-mantine-color-scheme');
  if (scheme !== 'dark') await page.getByRole('button', { name: 'Switch to dark mode' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await expect(page.getByText('Latest activity')).toBeVisible();
  await shot('admin-dashboard-dark');
  await page.getByRole('button', { name: 'Switch to light mode' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
});

test('the administrator adds a customer login from the Logins panel, with confirmations', async () => {
  await page.goto('/admin/logins');
  await page.getByRole('button', { name: 'Actions', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Add login' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add login' });
  await dialog.getByLabel('Email').fill(CUSTOMER.email);
  await dialog.getByLabel(/^Password/).fill(CUSTOMER.password);
  await expect(dialog.getByLabel('Role')).toHaveValue('User');
  await dialog.getByRole('button', { name: 'Add login' }).click();
  await expect(page.getByText(`Login ${CUSTOMER.email} added.`)).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(CUSTOMER.email) });
  await expect(row).toContainText('User');

  await page.getByRole('button', { name: `Actions for ${CUSTOMER.email}` }).click();
  await page.getByRole('menuitem', { name: 'Disable login' }).click();
  await page.getByRole('dialog', { name: 'Disable login' }).getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await page.getByRole('button', { name: `Actions for ${CUSTOMER.email}` }).click();
  await page.getByRole('menuitem', { name: 'Enable login' }).click();
  await page.getByRole('dialog', { name: 'Enable login' }).getByRole('button', { name: 'Enable' }).click();
  await expect(row).toContainText('Active');

  await page.getByRole('button', { name: `Actions for ${ADMIN.email}` }).click();
  await expect(page.getByRole('menuitem', { name: 'Delete' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await shot('admin-logins-with-customer');
});

test('the customer logs in, sees the portal and My Account, and cannot open the admin panel', async () => {
  await logOut();
  await logIn(CUSTOMER.email, CUSTOMER.password);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${CUSTOMER.email}` })).toBeVisible();
  await shot('portal-home');

  await page.getByRole('link', { name: 'Subscribe' }).first().click();
  await expect(page.getByText('Nothing to subscribe to right now')).toBeVisible();
  await shot('portal-subscribe');

  await page.getByRole('link', { name: 'My Account' }).first().click();
  await expect(page.getByRole('heading', { name: 'My Account' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  await expect(page.getByText(CUSTOMER.email).first()).toBeVisible();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(page.getByTestId('totp-uri')).toContainText('otpauth://totp/');
  await expect(page.getByTestId('totp-secret')).toBeVisible();
  await shot('portal-account-totp-setup');

  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('2. Enter the code the app shows').fill(totp(secret));
  await page.getByLabel('3. Confirm with your current password').fill(CUSTOMER.password);
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByTestId('recovery-codes');
  await expect(codes).toBeVisible();
  recoveryCode = (await codes.locator('code').first().textContent())!.trim();
  await shot('portal-account-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(codes).toHaveCount(0);
  await expect(page.getByText('10 recovery codes left.')).toBeVisible();
  await shot('portal-account');

  await page.goto('/admin/logins');
  await expect(page).toHaveURL(/\/portal$/);
});

test('the second factor is asked at the next login, and a recovery code passes it', async () => {
  await logOut();
  await logIn(CUSTOMER.email, CUSTOMER.password);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await page.goto('/portal/account');
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await shot('login-second-factor');

  await page.getByText('Recovery code', { exact: true }).click();
  await page.getByRole('textbox', { name: /Recovery code/ }).fill(recoveryCode);
  await page.getByRole('button', { name: 'Verify' }).click();
  // Back to the page that asked for the login.
  await expect(page).toHaveURL(/\/portal\/account$/);
  await expect(page.getByText('9 recovery codes left.')).toBeVisible();
});

test('the logged-out pages work: home, register, confirm, forgot and reset password', async () => {
  await logOut();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome to Usher E2E' })).toBeVisible();
  await shot('public-home');

  await page.getByRole('link', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await page.getByLabel('Email').fill('newcomer@example.com');
  await page.getByLabel(/^Password/).fill(CUSTOMER.password);
  await page.getByLabel('Repeat the password').fill(CUSTOMER.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await shot('register-done');

  await page.goto('/confirm?token=not-a-real-token-123');
  await expect(page.getByText('This link is not valid. Ask for a new one.')).toBeVisible();
  consoleErrors.splice(0); // the refused token is a 400 the browser reports; it is the expected answer
  await expect(page.getByRole('button', { name: 'Send a new link' })).toBeVisible();

  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(CUSTOMER.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText(`If ${CUSTOMER.email} has an account here`)).toBeVisible();

  await page.goto('/reset-password?token=some-token-from-email');
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(page.getByLabel(/^New password/)).toBeVisible();
  await shot('reset-password');
});
