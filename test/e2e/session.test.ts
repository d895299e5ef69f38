/**
 * Sign-in through the real login page, "Confirm it's you", and sign-out — in Chromium against
 * `next start` and the dev identity provider.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, completeLogin, env, homeFacts, isE2E, launchBrowser, onApp, onIdp, openSession, signIn, signInStale } from './helpers.js';

describe.runIf(isE2E)('session', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs alice in through the real login page: password, then the MFA code', async (t) => {
    const { page, context } = await openSession(browser, t);
    await page.goto(env().baseUrl);
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.fill('#email', 'alice@example.com');
    await page.fill('#password', 'password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.fill('#code', '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await onApp(page, '/');

    expect(await page.getByTestId('user-name').textContent()).toBe('Alice Admin');
    expect(await page.getByTestId('user-email').textContent()).toBe('alice@example.com');
    expect(await page.getByTestId('auth-time').textContent()).toMatch(/signed in (just now|\d+ s ago)/);
    const facts = await homeFacts(page);
    expect(facts.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(facts.sessionId).toMatch(/^session_/);
    expect(Math.abs(facts.authTime - Date.now() / 1000)).toBeLessThan(120);

    const cookie = (await context.cookies(env().baseUrl)).find((c) => c.name === 'wos-session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // The access token never reaches the page (invariant 8).
    expect(await page.content()).not.toContain('eyJ');
  });

  it("'Confirm it's you' re-authenticates: authTime moves forward, the sessionId stays", async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 600);
    const before = await homeFacts(page);
    expect(await page.getByTestId('auth-time').textContent()).toBe('signed in 10 min ago');

    await page.getByTestId('confirm').click();
    await onIdp(page);
    // The IdP asks for a fresh login (max_age=0) for the signed-in account.
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    expect(await page.inputValue('#email')).toBe('alice@example.com');
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/');

    const after = await homeFacts(page);
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.authTime).toBeGreaterThan(before.authTime);
    expect(after.authTime).toBeGreaterThanOrEqual(before.authTime + 600 - 5);
    expect(after.amr).toContain('mfa');

    const rows = await auditRows(page);
    const mine = rows.filter((r) => r.kind === 'step-up' && r.text.includes(before.sessionId));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.text).toContain(`${before.authTime} → ${after.authTime}`);
  });

  it('sign out clears the session', async (t) => {
    const { page, context } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    expect(await page.getByTestId('header-email').textContent()).toBe('bob@example.com');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in').waitFor();
    expect(new URL(page.url()).origin).toBe(env().baseUrl);
    expect((await context.cookies(env().baseUrl)).map((c) => c.name)).not.toContain('wos-session');

    const api = await page.request.get(`${env().baseUrl}/api/keys`);
    expect(api.status()).toBe(401);
    expect(api.headers()['www-authenticate']).toBe('Bearer');

    // Signing in again shows the login form: the IdP session ended too.
    await page.getByTestId('sign-in').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
