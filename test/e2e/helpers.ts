/**
 * Browser helpers for the e2e suites: one Chromium per file, a fresh context (cookie jar) per test,
 * a screenshot of every open page when a test fails, and the dev IdP's login page driven like a
 * person would. The ones that navigate the app go through `appUrl()`, so they also serve the
 * Next 15 suite's app under its base path (`env().baseUrl` stays the origin).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject, type TestContext } from 'vitest';
import { pageUrl, type AppLocation, type E2EContext } from './context.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The unit config also matches test/**: these suites only run under vitest.e2e.config.ts. */
export const isE2E = process.env.AUTHKIT_E2E === '1';

export function env(): E2EContext {
  return inject('e2e');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const RESULTS = join(process.cwd(), 'test-results');

function slug(value: string): string {
  return value.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80).toLowerCase();
}

/** Full-page screenshots of every open page, as test-results/<name>[-n].png. */
export async function screenshotAll(name: string, contexts: BrowserContext[]): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const pages = contexts.flatMap((c) => c.pages());
  for (const [i, p] of pages.entries()) {
    await p.screenshot({ path: join(RESULTS, `${slug(name)}${i ? `-${i}` : ''}.png`), fullPage: true }).catch(() => {});
  }
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Requests the browser tried to send anywhere but the app and the dev IdP (all aborted). */
  offSite: string[];
}

/**
 * A fresh browser context for one test. Only loopback is reachable: anything else is aborted and
 * recorded, so a redirect that escaped the site shows up in `offSite` instead of on the network.
 */
export async function openSession(browser: Browser, t: TestContext): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const offSite: string[] = [];
  await context.route(
    (url) => url.hostname !== 'localhost' && url.hostname !== '127.0.0.1',
    (route) => {
      offSite.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  // One hook, in this order: vitest runs onTestFinished before onTestFailed, and a screenshot
  // needs the context still open.
  t.onTestFinished(async () => {
    if (t.task.result?.state === 'fail') await screenshotAll(`${t.task.file?.name.replace(/^.*\//, '') ?? ''}-${t.task.name}`, [context]);
    await context.close();
  });
  return { context, page, offSite };
}

/** Makes the dev IdP's next authorize request complete without the form. */
export async function nextLogin(options: { email?: string; amr?: string[]; authTime?: number }): Promise<void> {
  const res = await fetch(`${env().idpUrl}/dev-idp/control/next-login`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env().idpApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(options),
  });
  if (!res.ok) throw new Error(`nextLogin failed: ${res.status} ${await res.text()}`);
}

export async function idpStats(): Promise<Record<string, number>> {
  const res = await fetch(`${env().idpUrl}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${env().idpApiKey}` } });
  return res.json() as Promise<Record<string, number>>;
}

export function user(email: string) {
  const found = env().users.find((u) => u.email === email);
  if (!found) throw new Error(`no dev user ${email}`);
  return found;
}

export const now = (): number => Math.floor(Date.now() / 1000);

export function onIdp(page: Page): Promise<void> {
  const origin = new URL(env().idpUrl).origin;
  return page.waitForURL((url) => url.origin === origin);
}

/**
 * A page of the app, e.g. `/account` → `http://localhost:<port>/account`, or
 * `http://localhost:<port>/app/account/` for an app under `/app` with trailingSlash.
 */
export function appUrl(path = '/', app: AppLocation = env()): string {
  return pageUrl(app, path);
}

/** Waits for the app at `path` under its base path (with its trailing slash, if any), e.g. '/account'. */
export function onApp(page: Page, path: string): Promise<void> {
  const { baseUrl } = env();
  const want = new URL(appUrl(path)).pathname;
  return page.waitForURL((url) => url.origin === baseUrl && url.pathname === want);
}

/** The current page's path (pathname only). */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/**
 * Completes the dev IdP's login page as a person would: email (unless prefilled), password,
 * then the one-time code for users enrolled in MFA.
 */
export async function completeLogin(page: Page, email: string): Promise<void> {
  const u = user(email);
  await expect.poll(() => page.locator('#password').count()).toBe(1);
  if ((await page.inputValue('#email')) !== email) await page.fill('#email', email);
  await page.fill('#password', u.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  if (u.mfaCode) {
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.fill('#code', u.mfaCode);
    await page.getByRole('button', { name: 'Verify' }).click();
  }
}

/** Signs in from the home page through the real login form; lands on the home page. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(appUrl('/'));
  await page.getByTestId('sign-in').click();
  await onIdp(page);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await completeLogin(page, email);
  await onApp(page, '/');
  await page.getByTestId('session-id').waitFor();
}

/**
 * Signs in as if the last interactive authentication was `age` seconds ago — a session that any
 * `maxAge` below `age` treats as stale — without waiting for the clock.
 */
export async function signInStale(page: Page, email: string, age = 3600): Promise<void> {
  await nextLogin({ email, authTime: now() - age });
  await page.goto(appUrl('/'));
  await page.getByTestId('sign-in').click();
  await onApp(page, '/');
  await page.getByTestId('session-id').waitFor();
}

export interface HomeFacts {
  sessionId: string;
  authTime: number;
  amr: string[];
}

export async function homeFacts(page: Page): Promise<HomeFacts> {
  const sessionId = (await page.getByTestId('session-id').textContent())?.trim() ?? '';
  const authTime = Number(await page.getByTestId('auth-time').getAttribute('data-epoch'));
  const amr = ((await page.getByTestId('amr').getAttribute('data-amr')) ?? '').split(' ').filter(Boolean);
  return { sessionId, authTime, amr };
}

/** Audit rows (newest first) as plain objects. */
export async function auditRows(page: Page): Promise<Array<{ kind: string; action: string | null; text: string }>> {
  await page.goto(appUrl('/audit'));
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  return page.getByTestId('audit-row').evaluateAll((rows) =>
    rows.map((row) => ({ kind: row.getAttribute('data-kind') ?? '', action: row.getAttribute('data-action'), text: row.textContent ?? '' })),
  );
}
