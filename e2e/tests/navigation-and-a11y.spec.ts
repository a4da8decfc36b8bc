import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { completeSetup, screenshot, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// The admin menu at laptop and phone sizes, screenshots at the four sizes operators use, the
// authenticator QR code, and an accessibility scan of the main admin pages.
const ADMIN = { email: 'navigator@example.com', password: 'Nav-Admin-Pass-8!' };
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1366, height: 768 },
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
];
const PHONE = { width: 390, height: 844 };

let usher: RunningUsher;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  usher = await startUsher();
  // A context of our own: axe's builder refuses pages opened with browser.newPage().
  page = await (await browser.newContext({ baseURL: usher.url })).newPage();
  consoleErrors = watchConsole(page);
  await completeSetup(page, usher, ADMIN);
});

test.afterAll(async () => {
  await page?.context().close();
  await usher?.stop();
});

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

const menu = () => page.getByRole('navigation', { name: 'Admin menu' });
const heading = () => page.getByRole('main').getByRole('heading', { level: 2 }).first();

/** Every page link of the menu, in order, with every group open. */
async function menuLinks(): Promise<{ name: string; href: string }[]> {
  await expect(menu().getByRole('link', { name: 'Dashboard', exact: true })).toBeAttached();
  return menu()
    .getByRole('link')
    .evaluateAll((links) => links.filter((a) => a.getAttribute('href')?.startsWith('/admin')).map((a) => ({ name: a.textContent!.trim(), href: a.getAttribute('href')! })));
}

test('at 1280×720 every menu item can be reached (the menu shows when it scrolls), opens its page and stays in view as the current page', async () => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/admin');
  const links = await menuLinks();
  expect(links.map((l) => l.name)).toEqual(expect.arrayContaining(['Dashboard', 'Members', 'Logins', 'Roles', 'Servers', 'Plex Accounts', 'Site settings', 'API keys', 'Jobs', 'Alerts', 'Audit log']));
  for (const { name, href } of links) {
    const link = menu().getByRole('link', { name, exact: true });
    // An item cut by the menu's edge is fine only while the menu says it scrolls (the fade).
    const shown = await link.evaluate(
      (el) =>
        new Promise<number>((resolve) => {
          const observer = new IntersectionObserver(([entry]) => {
            observer.disconnect();
            resolve(entry?.intersectionRatio ?? 0);
          });
          observer.observe(el);
        }),
    );
    if (shown < 1) await expect(page.getByTestId('nav-fade-bottom'), `${name} is cut off, so the menu shows it scrolls`).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`${href.replace(/[/]/g, '\\/')}$`));
    await expect(heading()).toBeVisible();
    await expect(link).toHaveAttribute('data-active', 'true');
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  // The links under the groups stay reachable: API docs and the customer portal sit in the footer.
  await expect(menu().getByRole('link', { name: 'Customer portal' })).toBeInViewport({ ratio: 1 });
  await expect(menu().getByRole('link', { name: 'API docs' })).toBeInViewport({ ratio: 1 });
});

test('the first Tab offers "Skip to content", which moves the focus past the menu to the page', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/admin/servers');
  await expect(heading()).toBeVisible();
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});

test('groups collapse, stay collapsed after a reload, and open again when one of their pages is shown', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/admin');
  const users = menu().getByRole('button', { name: 'Users' });
  await expect(users).toHaveAttribute('aria-expanded', 'true');
  await users.click();
  await expect(users).toHaveAttribute('aria-expanded', 'false');
  await expect(menu().getByRole('link', { name: 'Members', exact: true })).toBeHidden();
  await page.reload();
  await expect(menu().getByRole('button', { name: 'Users' })).toHaveAttribute('aria-expanded', 'false');

  await page.goto('/admin/logins');
  await expect(menu().getByRole('button', { name: 'Users' })).toHaveAttribute('aria-expanded', 'true');
  await expect(menu().getByRole('link', { name: 'Logins', exact: true })).toBeInViewport({ ratio: 1 });
});

test('when the menu does not fit, a scrollbar and a fade show it scrolls, and the current page is scrolled into view', async () => {
  // Shorter than any laptop, so the full menu overflows.
  await page.setViewportSize({ width: 1280, height: 420 });
  await page.goto('/admin');
  await expect(page.getByTestId('nav-fade-bottom')).toBeVisible();
  await expect(page.getByTestId('nav-fade-top')).toHaveCount(0);
  await expect(menu().locator('.mantine-ScrollArea-scrollbar[data-orientation="vertical"]')).toBeVisible();

  await page.goto('/admin/audit');
  const audit = menu().getByRole('link', { name: 'Audit log', exact: true });
  await expect(audit).toHaveAttribute('data-active', 'true');
  await expect(audit).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('nav-fade-top')).toBeVisible();
  await screenshot(page, 'nav-overflow-1280x420');
});

test('on a phone the burger opens the menu, every item can be reached and picking one closes it', async () => {
  await page.setViewportSize(PHONE);
  await page.goto('/admin');
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const links = await menuLinks();
  expect(links.length).toBeGreaterThanOrEqual(15);
  for (const { name, href } of links) {
    await expect(burger).toHaveAttribute('aria-expanded', 'false');
    await burger.click();
    await expect(burger).toHaveAttribute('aria-expanded', 'true');
    const link = menu().getByRole('link', { name, exact: true });
    // Centred, so an item at the edge is not left half under the menu's fade as the list grows.
    await link.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await expect(link).toBeInViewport({ ratio: 1 });
    await link.click();
    await expect(page).toHaveURL(new RegExp(`${href.replace(/[/]/g, '\\/')}$`));
    await expect(heading()).toBeVisible();
  }
  await expect(burger).toHaveAttribute('aria-expanded', 'false');
  await burger.click();
  await expect(menu().getByRole('link', { name: 'Audit log', exact: true })).toBeInViewport({ ratio: 1 });
  await screenshot(page, 'nav-phone-menu-open');
});

test('screenshots of the login page and the main admin pages at the four sizes', async () => {
  const pages = [
    { path: '/admin', name: 'dashboard' },
    { path: '/admin/members', name: 'members' },
    { path: '/admin/servers', name: 'servers' },
    { path: '/admin/settings', name: 'settings' },
    { path: '/admin/audit', name: 'audit' },
  ];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const { path, name } of pages) {
      await page.goto(path);
      await expect(heading()).toBeVisible();
      await screenshot(page, `size-${size.width}x${size.height}-${name}`);
    }
  }
  const visitor = await page.context().browser()!.newPage({ baseURL: usher.url });
  try {
    const visitorErrors = watchConsole(visitor);
    for (const size of SIZES) {
      await visitor.setViewportSize(size);
      await visitor.goto('/login');
      await expect(visitor.getByLabel('Email')).toBeEnabled();
      await screenshot(visitor, `size-${size.width}x${size.height}-login`);
    }
    expect(visitorErrors).toEqual([]);
  } finally {
    await visitor.close();
  }
});

test('the login page loads only the public code; the admin arrives after logging in', async ({ browser }) => {
  const visitor = await browser.newPage({ baseURL: usher.url });
  try {
    const scripts: string[] = [];
    visitor.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await visitor.goto('/login');
    await expect(visitor.getByLabel('Email')).toBeEnabled();
    expect(scripts.filter((s) => s.startsWith('/assets/')), 'one script file for the login page').toHaveLength(1);
    expect(scripts.some((s) => /AdminLayout|DashboardPage|\/app-/.test(s))).toBe(false);
    await visitor.getByLabel('Email').fill(ADMIN.email);
    await visitor.getByLabel(/^Password/).fill(ADMIN.password);
    await visitor.getByRole('button', { name: 'Log in' }).click();
    await expect(visitor.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    expect(scripts.some((s) => /DashboardPage/.test(s))).toBe(true);
    expect(scripts.filter((s) => s.startsWith('/assets/')).length).toBeGreaterThan(1);
  } finally {
    await visitor.close();
  }
});

test('two-factor setup shows a QR code beside the setup key, drawn without any outside request', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const outside: string[] = [];
  const listener = (request: { url(): string }) => {
    if (!request.url().startsWith(usher.url) && !request.url().startsWith('data:')) outside.push(request.url());
  };
  page.on('request', listener);
  try {
    await page.goto('/portal/account');
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await expect(qr).toBeVisible();
    const secret = page.getByTestId('totp-secret');
    await expect(secret).toBeVisible();
    const [qrBox, secretBox] = [await qr.boundingBox(), await secret.boundingBox()];
    expect(qrBox!.width).toBeGreaterThanOrEqual(150);
    expect(secretBox!.x, 'the key sits beside the code').toBeGreaterThan(qrBox!.x + qrBox!.width);
    await screenshot(page, 'account-2fa-qr');
    await page.setViewportSize(PHONE);
    await qr.scrollIntoViewIfNeeded();
    await expect(qr, 'the whole code fits a phone screen').toBeInViewport({ ratio: 1 });
    await screenshot(page, 'account-2fa-qr-phone');
    await page.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    page.off('request', listener);
  }
  expect(outside).toEqual([]);
});

for (const { path, name } of [
  { path: '/admin', name: 'dashboard' },
  { path: '/admin/servers', name: 'servers' },
  { path: '/admin/members', name: 'members' },
  { path: '/admin/settings', name: 'settings' },
]) {
  test(`the ${name} page has no serious or critical accessibility violations (axe)`, async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.evaluate(() => localStorage.removeItem('mantine-color-scheme-value')).catch(() => undefined);
      await page.goto(path);
      await expect(heading()).toBeVisible();
      await expect(page.getByTestId('data-table-loading')).toHaveCount(0);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const blocking = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${scheme}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
      expect.soft(blocking, `${name} in ${scheme} mode`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: null });
  });
}
