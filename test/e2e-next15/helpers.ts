/**
 * Browser helpers for the Next 15 app, which runs under `basePath: '/app'` with
 * `trailingSlash: true`: test/e2e's helpers assume the app at the origin's root, so the ones that
 * navigate are redone here with the base path. `env().baseUrl` stays the origin.
 */
import type { Page } from 'playwright-core';
import { completeLogin, env, nextLogin, now, onIdp } from '../e2e/helpers.js';
import { BASE_PATH } from './stack.js';

/** `/account` → `http://localhost:<port>/app/account/` (a path as Next serves it). */
export function appUrl(path = '/', origin = env().baseUrl): string {
  const url = new URL(`${BASE_PATH}${path}`, origin);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Waits for the app at `path` under the base path (with its trailing slash), e.g. '/account'. */
export function onApp(page: Page, path: string): Promise<void> {
  const { baseUrl } = env();
  const want = new URL(appUrl(path)).pathname;
  return page.waitForURL((url) => url.origin === baseUrl && url.pathname === want);
}

/** The current page's path (pathname only). */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Signs in from the home page through the real login form; lands on /app/. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(appUrl('/'));
  await page.getByTestId('sign-in').click();
  await onIdp(page);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await completeLogin(page, email);
  await onApp(page, '/');
  await page.getByTestId('session-id').waitFor();
}

/** Signs in as if the last interactive authentication was `age` seconds ago. */
export async function signInStale(page: Page, email: string, age = 3600): Promise<void> {
  await nextLogin({ email, authTime: now() - age });
  await page.goto(appUrl('/'));
  await page.getByTestId('sign-in').click();
  await onApp(page, '/');
  await page.getByTestId('session-id').waitFor();
}
