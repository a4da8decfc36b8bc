/* global document */
// `npm run bench -- web`: builds the app, starts it with `npm start` on a fresh data directory and
// measures the web app in headless Chromium, each run in a cold browser context (empty cache):
// - login_js_kb / login_css_kb: encoded (as sent, compressed) bytes of every script and stylesheet
//   requested before the login form's email field is enabled;
// - login_load_ms: navigation start to that moment, median of RUNS;
// - admin_js_kb: encoded script bytes once an administrator has logged in and sees the dashboard.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, repoRoot, waitReady } from './lib.mjs';

const RUNS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'bench@example.com', password: 'Bench-Admin-Pass-1!' };

export async function web() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.stdout.write('building server and web app…\n');
  await run('npm', ['run', 'build']);

  const dataDir = mkdtempSync(join(tmpdir(), 'usher-bench-web-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, USHER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SITE_URL: base, LOG_LEVEL: 'warn', USHER_ADMIN_EMAIL: ADMIN.email, USHER_ADMIN_PASSWORD: ADMIN.password };
  for (const name of ['DATABASE_URL', 'USHER_SECRET_KEY', 'USHER_SECRET_KEY_FILE', 'NODE_ENV', 'NODE_OPTIONS']) delete env[name];
  // Its own process group, so stopping it stops npm and the node process npm started.
  const usher = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => usher.once('exit', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    await waitReady(`${base}/api/ready`, usher, performance.now());
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await loginPage(browser, base));
      process.stdout.write(`login page run ${i + 1}: usable after ${runs[i].ms} ms, JS ${kb(runs[i].js)} KB, CSS ${kb(runs[i].css)} KB in ${runs[i].files} files\n`);
    }
    const adminJs = await adminDashboard(browser, base);
    process.stdout.write(`admin dashboard: JS ${kb(adminJs)} KB\n`);
    return {
      bench: 'web',
      login_js_kb: kb(Math.max(...runs.map((r) => r.js))),
      login_css_kb: kb(Math.max(...runs.map((r) => r.css))),
      admin_js_kb: kb(adminJs),
      login_load_ms: median(runs.map((r) => r.ms)),
    };
  } finally {
    await browser.close();
    try {
      process.kill(-usher.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => process.kill(-usher.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every script and stylesheet the page asks for, to sum their encoded sizes later. */
function watchAssets(page) {
  const requests = [];
  page.on('request', (request) => {
    const type = request.resourceType();
    if (type === 'script' || type === 'stylesheet') requests.push(request);
  });
  // Called at the moment to measure: the requests made so far, each awaited to its last byte.
  return async () => {
    const made = requests.slice();
    let js = 0;
    let css = 0;
    for (const request of made) {
      const response = await request.response();
      if (!response) continue;
      await response.finished();
      const { responseBodySize } = await request.sizes();
      if (request.resourceType() === 'script') js += responseBodySize;
      else css += responseBodySize;
    }
    return { js, css, files: made.length };
  };
}

async function loginPage(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sizes = watchAssets(page);
  try {
    await page.goto(`${base}/login`, { waitUntil: 'commit' });
    // Polled in the page each frame; performance.now() there counts from the navigation's start.
    const handle = await page.waitForFunction(
      () => {
        const input = [...document.querySelectorAll('input')].find((el) => el.labels?.[0]?.textContent?.trim().startsWith('Email'));
        return input && !input.disabled ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    const ms = Math.round(await handle.jsonValue());
    return { ms, ...(await sizes()) };
  } finally {
    await context.close();
  }
}

async function adminDashboard(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sizes = watchAssets(page);
  try {
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 2 }).waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    return (await sizes()).js;
  } finally {
    await context.close();
  }
}

function kb(bytes) {
  return Math.round((bytes / 1024) * 10) / 10;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A build step; its output goes to stderr so stdout ends with the one JSON line. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', process.stderr, 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
