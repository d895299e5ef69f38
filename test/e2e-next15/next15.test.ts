/**
 * authkit-stepup in a Next 15 app, installed from the packed tarball: middleware.ts
 * (`authkitMiddleware`, Edge runtime) with a step-up policy on /account, `handleAuth` on /callback,
 * `withAuth` on the pages, "Confirm it's you" and sign-out — in Chromium against `next start` and
 * the dev identity provider. The app runs under `basePath: '/app'` with `trailingSlash: true`
 * (AUTHKIT_BASE_PATH=/app, WORKOS_REDIRECT_URI=<origin>/app/callback/): every flow must come back
 * under the base path, never to a 404 at the origin's root.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../scripts/lib/app.mjs';
import { middlewareBuild } from '../../scripts/lib/compat.mjs';
import { appUrl, completeLogin, env, homeFacts, isE2E, launchBrowser, nextLogin, onApp, onIdp, openSession, pathOf, signIn, signInStale } from '../e2e/helpers.js';
import './context.js';

describe.runIf(isE2E)('Next 15 (middleware.ts on Edge), package installed from its tarball', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs Next 15 with the unpacked tarball, and the middleware on the Edge runtime', async () => {
    const app = inject('next15');
    expect(app.nextVersion).toMatch(/^15\./);
    const installed = join(app.appDir, 'node_modules', 'authkit-stepup');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const rootVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string }).version).toBe(rootVersion);

    // Built as an Edge function (middleware-manifest.json), not as Node.js middleware…
    expect(middlewareBuild(app.appDir)).toMatchObject({ runtime: 'edge', name: 'middleware' });
    // …and it ran in the Edge sandbox (the `EdgeRuntime` global), for a page and for the callback.
    for (const path of ['/', '/auth-error', '/callback']) {
      const res = await fetch(appUrl(path), { redirect: 'manual' });
      await res.arrayBuffer();
      expect(res.headers.get('x-compat-runtime'), path).toBe('edge-runtime');
    }
    // The app lives under /app: the origin's root is not a page of it.
    const root = await fetch(`${env().baseUrl}/`, { redirect: 'manual' });
    await root.arrayBuffer();
    expect(root.status).toBe(404);
  });

  it('signs alice in through the real login page: password, then the MFA code', async (t) => {
    const { page, context, offSite } = await openSession(browser, t);
    await page.goto(appUrl('/'));
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', 'alice@example.com');
    await page.fill('#password', 'password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.fill('#code', '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    // Back on the app's home under its base path (the form had no returnTo: the action used the
    // path the middleware forwarded, /app/), not on a 404 at the origin's root.
    await onApp(page, '/');
    expect(pathOf(page)).toBe('/app/');
    expect(offSite).toEqual([]);

    expect(await page.getByTestId('user-name').textContent()).toBe('Alice Admin');
    expect(await page.getByTestId('user-email').textContent()).toBe('alice@example.com');
    const facts = await homeFacts(page);
    expect(facts.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(facts.sessionId).toMatch(/^session_/);
    expect(Math.abs(facts.authTime - Date.now() / 1000)).toBeLessThan(120);

    const cookie = (await context.cookies(env().baseUrl)).find((c) => c.name === 'wos-session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.content()).not.toContain('eyJ');
    // A signed-in page through the middleware: Edge, and not cacheable.
    const res = await page.goto(appUrl('/'));
    expect(res?.headers()['x-compat-runtime']).toBe('edge-runtime');
    expect(res?.headers()['cache-control']).toContain('no-store');
  });

  it('the /account policy (MFA within 60 s) sends bob (password only) away and keeps his session', async (t) => {
    const { page } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    const { sessionId } = await homeFacts(page);

    await page.goto(appUrl('/account'));
    // The IdP may answer silently (bob signed in seconds ago, within max_age=60) or ask again.
    await page.waitForURL((url) => url.pathname === '/app/auth-error/' || url.origin === new URL(env().idpUrl).origin);
    if (pathOf(page) !== '/app/auth-error/') {
      await completeLogin(page, 'bob@example.com');
      await onApp(page, '/auth-error');
    }
    expect(await page.getByTestId('auth-error-code').textContent()).toBe('step_up_mfa_missing');
    expect(await page.getByTestId('account-verified').count()).toBe(0);
    // The rejected step-up was headed back to the policy's page, base path and slash included.
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/app/account/');

    await page.goto(appUrl('/'));
    expect(await page.getByTestId('user-email').textContent()).toBe('bob@example.com');
    expect((await homeFacts(page)).sessionId).toBe(sessionId);
  });

  it('the /account policy asks alice (stale sign-in) for a fresh MFA sign-in, then lets her in', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    const { sessionId } = await homeFacts(page);

    // Through the header's <Link href="/account"> (Next adds /app and the slash).
    expect(await page.getByTestId('nav-account').getAttribute('href')).toBe('/app/account/');
    await page.getByTestId('nav-account').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(page, 'alice@example.com');
    // The step-up comes back to /app/account/.
    await onApp(page, '/account');
    expect(pathOf(page)).toBe('/app/account/');
    expect(await page.getByTestId('account-verified').textContent()).toContain('Verified with two factors');

    // Within the minute the policy lets her straight back in, same session.
    await page.goto(appUrl('/'));
    expect((await homeFacts(page)).sessionId).toBe(sessionId);
    await page.goto(appUrl('/account'));
    await page.getByTestId('account-verified').waitFor();
    expect(pathOf(page)).toBe('/app/account/');
    // Without the trailing slash Next redirects to it, and the policy still applies.
    await page.goto(`${env().baseUrl}/app/account`);
    await page.getByTestId('account-verified').waitFor();
    expect(pathOf(page)).toBe('/app/account/');
  });

  it("'Confirm it's you' re-authenticates: authTime moves forward, the sessionId stays", async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 600);
    const before = await homeFacts(page);

    await page.getByTestId('confirm').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    expect(await page.inputValue('#email')).toBe('alice@example.com');
    await completeLogin(page, 'alice@example.com');
    // No returnTo on the form: back to the page it was posted from, /app/.
    await onApp(page, '/');
    expect(pathOf(page)).toBe('/app/');

    const after = await homeFacts(page);
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.authTime).toBeGreaterThanOrEqual(before.authTime + 600 - 5);
    expect(after.amr).toContain('mfa');
  });

  it('sign out clears the session and ends it at the provider', async (t) => {
    const { page, context } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    expect(await page.getByTestId('header-email').textContent()).toBe('bob@example.com');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in').waitFor();
    expect(new URL(page.url()).origin).toBe(env().baseUrl);
    // The SDK's home (AUTHKIT_BASE_PATH): /app, which trailingSlash turns into /app/.
    expect(pathOf(page)).toBe('/app/');
    expect((await context.cookies(env().baseUrl)).map((c) => c.name)).not.toContain('wos-session');

    // Signing in again shows the login form: the IdP session ended too.
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a forged returnTo (//evil.example) on the auth route lands on the app\'s home under /app', async (t) => {
    const { page, offSite } = await openSession(browser, t);
    await nextLogin({ email: 'alice@example.com' });
    await page.goto(`${env().baseUrl}/app/callback/?authkit=sign-in&returnTo=%2F%2Fevil.example`);
    await page.waitForURL((url) => url.origin === env().baseUrl && url.pathname.startsWith('/app') && !url.pathname.startsWith('/app/callback'));
    await page.getByTestId('session-id').waitFor();
    expect(['/app', '/app/']).toContain(pathOf(page));
    expect(offSite).toEqual([]);
  });

  it('withAuth({ ensureSignedIn }) in a page returns to its x-authkit-path: /app/profile/?tab=keys', async (t) => {
    const { page, offSite } = await openSession(browser, t);
    await nextLogin({ email: 'bob@example.com' });
    const res = await page.goto(appUrl('/profile/?tab=keys'));
    await page.getByTestId('profile-email').waitFor();
    expect(res?.status()).toBe(200);
    expect(pathOf(page)).toBe('/app/profile/');
    expect(new URL(page.url()).search).toBe('?tab=keys');
    expect(await page.getByTestId('profile-email').textContent()).toBe('bob@example.com');
    expect(await page.getByTestId('profile-tab').textContent()).toBe('keys');
    expect(offSite).toEqual([]);
  });
});
