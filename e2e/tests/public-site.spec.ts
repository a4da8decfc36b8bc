import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { setupAdminApi, type AdminApi } from '../support/admin-api';
import { demoSeed, startJellyfinFake, type MediaBrowserFake } from '../../fakes/src/index.js';
import { screenshot, watchConsole } from '../support/browser';
import { startUsher, type RunningUsher } from '../support/usher';

// The public site as a visitor meets it: the operator's sections, pricing from the active plans,
// library statistics, the FAQ and the contact form, on a desktop and a phone.
const ADMIN = { email: 'operator@example.com', password: 'Public-Site-42!' };

let jellyfin: MediaBrowserFake;
let usher: RunningUsher;
let adminApi: AdminApi;
let page: Page;
let consoleErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

const call: AdminApi['call'] = (method, path, data) => adminApi.call(method, path, data);

test.beforeAll(async ({ browser }) => {
  jellyfin = await startJellyfinFake({ serverName: 'Cinema Den' });
  jellyfin.seed(demoSeed({ users: 0, items: true }));
  usher = await startUsher();
  adminApi = await setupAdminApi(usher, ADMIN);

  await call('put', '/api/admin/settings/general', { values: { siteName: 'Moonlight Media', contactPageEnabled: true, adminEmail: 'operator@example.com' } });
  await call('put', '/api/admin/settings/content', {
    values: {
      homeSection1: '## Films every night\n\nHundreds of **films and shows**, on every device. <img src=x onerror="window.__xss=1">',
      homeSection2: '> Questions? Read the [FAQ](/faq).',
      pricingText: 'Prices include every tax.',
      faq: [
        { question: 'Which apps can I use?', answer: 'Any **Jellyfin** app: TV, phone or [browser](https://jellyfin.org).' },
        { question: 'Can I cancel?', answer: 'Yes, any time from My Account.' },
      ],
    },
  });
  const serverId = (await call('post', '/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).id as string;
  await call('post', `/api/admin/servers/${serverId}/sync`);
  const libraries = (await call('get', `/api/admin/libraries?serverId=${serverId}`)).items as { id: string; title: string }[];
  for (const [title, groupId] of [['Movies', 'group-standard'], ['TV Shows', 'group-standard'], ['4K Movies', 'group-premium-4k']] as const) {
    await call('put', `/api/admin/libraries/${libraries.find((l) => l.title === title)!.id}/group`, { groupId });
  }
  await call('post', '/api/admin/plans', { name: 'Basic', description: 'One screen, HD', costMinor: 599, duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'], maxStreams: 1 });
  await call('post', '/api/admin/plans', {
    name: 'Premium',
    description: 'Everything, in 4K',
    costMinor: 1299,
    duration: { unit: 'months', count: 1 },
    libraryGroupIds: ['group-standard', 'group-premium-4k'],
    maxStreams: 4,
    allowDownloads: true,
  });
  await call('post', '/api/admin/jobs/libraries.stats/run');
  await expect.poll(async () => ((await call('get', '/api/public/home')).libraryStats?.groups ?? []).length, { timeout: 15_000 }).toBe(2);

  // A context of our own: axe's builder refuses pages opened with browser.newPage().
  page = await (await browser.newContext({ baseURL: usher.url })).newPage();
  consoleErrors = watchConsole(page);
});

test.afterAll(async () => {
  await page?.context().close();
  await adminApi?.dispose();
  await usher?.stop();
  await jellyfin?.close();
});

test.afterEach(() => {
  expect(consoleErrors.splice(0), 'the browser console stays free of errors').toEqual([]);
});

for (const [width, height] of [
  [1440, 900],
  [390, 844],
] as const) {
  test(`a visitor sees the operator’s home page with pricing and statistics at ${width} px`, async () => {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Moonlight Media' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Films every night' })).toBeVisible();
    // The HTML the operator typed shows as text and never runs.
    await expect(page.getByText('<img src=x onerror="window.__xss=1">')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    await expect(page.getByText('Prices include every tax.')).toBeVisible();
    const premium = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Premium' }) });
    await expect(premium.getByText('$12.99')).toBeVisible();
    await expect(premium.getByText('4 streams at a time')).toBeVisible();
    await expect(premium.getByText('4K libraries included')).toBeVisible();
    await expect(premium.getByText('Downloads allowed')).toBeVisible();
    const basic = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Basic' }) });
    await expect(basic.getByText('1 stream at a time')).toBeVisible();
    await expect(basic.getByText('No 4K libraries')).toBeVisible();

    await expect(page.getByRole('heading', { name: 'What is in our libraries' })).toBeVisible();
    await expect(page.getByText('Episodes')).toBeVisible();
    await expect(page.getByRole('link', { name: 'FAQ' }).first()).toBeVisible();
    // Nothing spills sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await screenshot(page, `public-home-${width}`);
  });
}

test('the FAQ answers in the operator’s words, with safe links', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'FAQ' }).click();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { name: 'Frequently asked questions' })).toBeVisible();
  await page.getByRole('button', { name: 'Which apps can I use?' }).click();
  await expect(page.getByRole('link', { name: 'browser' })).toHaveAttribute('href', 'https://jellyfin.org');
  await screenshot(page, 'public-faq-1440');
});

test('the contact form keeps what was typed on errors, then confirms the message was sent', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/contact');
  await page.getByLabel('Your name').fill('Ann Visitor');
  await page.getByLabel('Your email address').fill('not-an-email');
  await page.getByLabel('Message').fill('Hi');
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Ann Visitor');
  await expect(page.getByLabel('Message')).toHaveValue('Hi');
  // The browser logs the refused request itself; that 400 is the expected answer, nothing else is.
  expect(consoleErrors.splice(0).every((line) => line.includes('400'))).toBe(true);

  await page.getByLabel('Your email address').fill('ann@example.com');
  await page.getByLabel('Message').fill('Do you have the old Studio Ghibli films?');
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect(page.getByText('Thank you: your message was sent.')).toBeVisible();
  await screenshot(page, 'public-contact-390');
  const alerts = (await call('get', '/api/admin/alerts')).items as { title: string }[];
  expect(alerts.filter((a) => a.title === 'Contact form: Ann Visitor <ann@example.com>')).toHaveLength(1);
});

for (const path of ['/', '/faq', '/contact']) {
  test(`${path} has no serious or critical accessibility violations, light and dark (axe)`, async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const blocking = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${scheme}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
      expect.soft(blocking, `${path} in ${scheme} mode`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: null });
  });
}
