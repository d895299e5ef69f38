/**
 * authkit-stepup in a Next 15 app, installed from the packed tarball: middleware.ts
 * (`authkitMiddleware`, Edge runtime) with a step-up policy on /account, `handleAuth` on /callback,
 * `withAuth` on the pages, "Confirm it's you" and sign-out — in Chromium against `next start` and
 * the dev identity provider.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../scripts/lib/app.mjs';
import { middlewareBuild } from '../../scripts/lib/compat.mjs';
import { completeLogin, env, homeFacts, isE2E, launchBrowser, onApp, onIdp, openSession, signIn, signInStale } from '../e2e/helpers.js';
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
      const res = await fetch(`${env().baseUrl}${path}`, { redirect: 'manual' });
      await res.arrayBuffer();
      expect(res.headers.get('x-compat-runtime'), path).toBe('edge-runtime');
    }
  });

  it('signs alice in through the real login page: password, then the MFA code', async (t) => {
    const { page, context } = await openSession(browser, t);
    await page.goto(env().baseUrl);
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', 'alice@example.com');
    await page.fill('#password', 'password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.fill('#code', '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await onApp(page, '/');

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
    const res = await page.goto(env().baseUrl);
    expect(res?.headers()['x-compat-runtime']).toBe('edge-runtime');
    expect(res?.headers()['cache-control']).toContain('no-store');
  });

  it('the /account policy (MFA within 60 s) sends bob (password only) away and keeps his session', async (t) => {
    const { page } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    const { sessionId } = await homeFacts(page);

    await page.goto(`${env().baseUrl}/account`);
    // The IdP may answer silently (bob signed in seconds ago, within max_age=60) or ask again.
    await page.waitForURL((url) => url.pathname === '/auth-error' || url.origin === new URL(env().idpUrl).origin);
    if (new URL(page.url()).pathname !== '/auth-error') {
      await completeLogin(page, 'bob@example.com');
      await onApp(page, '/auth-error');
    }
    expect(await page.getByTestId('auth-error-code').textContent()).toBe('step_up_mfa_missing');
    expect(await page.getByTestId('account-verified').count()).toBe(0);

    await page.goto(env().baseUrl);
    expect(await page.getByTestId('user-email').textContent()).toBe('bob@example.com');
    expect((await homeFacts(page)).sessionId).toBe(sessionId);
  });

  it('the /account policy asks alice (stale sign-in) for a fresh MFA sign-in, then lets her in', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    const { sessionId } = await homeFacts(page);

    await page.goto(`${env().baseUrl}/account`);
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/account');
    expect(await page.getByTestId('account-verified').textContent()).toContain('Verified with two factors');

    // Within the minute the policy lets her straight back in, same session.
    await page.goto(env().baseUrl);
    expect((await homeFacts(page)).sessionId).toBe(sessionId);
    await page.goto(`${env().baseUrl}/account`);
    await page.getByTestId('account-verified').waitFor();
    expect(new URL(page.url()).pathname).toBe('/account');
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
    await onApp(page, '/');

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
    expect((await context.cookies(env().baseUrl)).map((c) => c.name)).not.toContain('wos-session');

    // Signing in again shows the login form: the IdP session ended too.
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
