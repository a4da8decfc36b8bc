import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningUsher } from './usher';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** Collects console errors and uncaught page errors; the spec asserts the list stays empty. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/** A full-page screenshot once tables have loaded; toasts hidden so they cover nothing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await expect(page.getByTestId('data-table-loading')).toHaveCount(0);
  // A full-page shot of a scrolled page draws the fixed header and menu at the scroll offset.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled', style: '.mantine-Notifications-root { display: none; }' });
}

/** Claims a fresh install with its setup token and lands on the admin dashboard. */
export async function completeSetup(page: Page, usher: RunningUsher, admin: { email: string; password: string }): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('Setup token').fill(usher.setupToken);
  await page.getByLabel('Administrator email').fill(admin.email);
  await page.getByLabel(/^Password/).fill(admin.password);
  await page.getByLabel('Repeat the password').fill(admin.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

/** Opens the table's header menu and picks an item. */
export async function tableAction(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'Actions', exact: true }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Opens a row's bolt menu (labelled "Actions for …") and picks an item. */
export async function rowAction(page: Page, row: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${row}`, exact: true }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}
