// What the console's browser tests share: Debian's chromium driven by playwright-core, the reason
// to skip when it (or the built console) is missing, a page that records requests to other
// origins and console errors, and filling a console form by its field ids.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = process.env.ELBOW_SCREENSHOTS === '1';
/** Each step waits at most this long for what it expects to appear. */
export const STEP_MS = 30_000;
// The machine has no outside network: without these chromium keeps trying to reach Google's services.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const BUILT = existsSync(join(REPO_ROOT, 'dist/console/index.html'));
export const skipReason: string | false = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)` : !BUILT ? 'the console is not built (npm run build)' : false;

/** The page's globals, for callbacks that run in the browser (tests are type-checked for Node). */
export interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };
  sessionStorage: { getItem(key: string): string | null };
  getComputedStyle(element: unknown): { backgroundColor: string };
}

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Requests to anywhere but the console's origin. */
  foreignRequests: string[];
  /** Errors the page logged or threw (a CSP violation is one). */
  consoleErrors: string[];
  /** Writes docs/console-<name>.png when ELBOW_SCREENSHOTS=1. */
  shot(name: string, options?: { fullPage?: boolean }): Promise<void>;
}

export async function openConsoleBrowser(origin: string): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const shot = async (name: string, options: { fullPage?: boolean } = {}) => {
    if (SCREENSHOTS) await page.screenshot({ path: join(REPO_ROOT, 'docs', `console-${name}.png`), ...options });
  };
  return { browser, page, foreignRequests, consoleErrors, shot };
}

/** Fills a console form's fields by name (`#f-<name>`: selects by option value) and submits it. */
export async function submitForm(page: Page, fields: Record<string, string>): Promise<void> {
  await page.waitForSelector('form.resource-form #f-name, form.resource-form select, form.resource-form input');
  for (const [name, value] of Object.entries(fields)) {
    const field = page.locator(`#f-${name.replace('.', '\\.')}`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click('form.resource-form button[type=submit]');
}

/**
 * The page's errors but the answers a test provoked on purpose (the browser logs every 4xx): by
 * default a refused token at sign-in (401) and deliberate conflicts (409).
 */
export const unexpectedErrors = (errors: string[], provoked: number[] = [401, 409]) =>
  errors.filter((text) => !provoked.some((status) => text.includes(`status of ${status} `)));
