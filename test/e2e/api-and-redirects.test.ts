/**
 * The RFC 9470 challenge of `/api/keys`, and `returnTo` values forged to leave the site.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLogin, env, homeFacts, isE2E, launchBrowser, nextLogin, onApp, onIdp, openSession, signInStale } from './helpers.js';

describe.runIf(isE2E)('API step-up challenge', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('/api/keys answers 401 insufficient_user_authentication when stale and 200 after a step-up', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);

    const stale = await page.request.get(`${env().baseUrl}/api/keys`);
    expect(stale.status()).toBe(401);
    const challenge = stale.headers()['www-authenticate'] ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_user_authentication"');
    expect(challenge).toContain('max_age="300"');
    expect(stale.headers()['cache-control']).toContain('no-store');
    expect(await stale.json()).toMatchObject({ error: 'insufficient_user_authentication', max_age: 300 });

    await page.getByTestId('confirm').click();
    await onIdp(page);
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/');

    const fresh = await page.request.get(`${env().baseUrl}/api/keys`);
    expect(fresh.status()).toBe(200);
    const body = (await fresh.json()) as { keys: unknown[]; authTime: number };
    expect(body.keys.length).toBeGreaterThan(0);
    expect(body.authTime).toBe((await homeFacts(page)).authTime);
  });

  it('/api/keys answers a plain Bearer 401 when signed out', async (t) => {
    const { page } = await openSession(browser, t);
    const res = await page.request.get(`${env().baseUrl}/api/keys`);
    expect(res.status()).toBe(401);
    expect(res.headers()['www-authenticate']).toBe('Bearer');
  });
});

describe.runIf(isE2E)('forged returnTo stays on the site', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const forged = ['//evil.example', '/\\evil.example', 'https:evil.example', '%2F%2Fevil.example', '/%5Cevil.example', 'https://evil.example/'];

  for (const value of forged) {
    it(`sign-in with returnTo=${value} lands on /`, async (t) => {
      const { page, offSite } = await openSession(browser, t);
      await nextLogin({ email: 'bob@example.com' });
      await page.goto(`${env().baseUrl}/callback?authkit=sign-in&returnTo=${encodeURIComponent(value)}`);
      await onApp(page, '/');
      await page.getByTestId('session-id').waitFor();
      expect(offSite).toEqual([]);
    });
  }

  it('a step-up and a sign-out with forged returnTo values stay on the site too', async (t) => {
    const { page, offSite } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);

    await page.goto(`${env().baseUrl}/callback?authkit=step-up&maxAge=300&returnTo=${encodeURIComponent('//evil.example/steal')}`);
    await onIdp(page);
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/');
    await page.getByTestId('session-id').waitFor();

    await page.goto(`${env().baseUrl}/callback?authkit=sign-out&returnTo=${encodeURIComponent('https:evil.example')}`);
    await onApp(page, '/');
    await page.getByTestId('sign-in').waitFor();
    expect(offSite).toEqual([]);
  });

  it('the error page’s "back" link ignores a forged returnTo', async (t) => {
    const { page, offSite } = await openSession(browser, t);
    await page.goto(`${env().baseUrl}/auth-error?code=step_up_stale&returnTo=${encodeURIComponent('//evil.example')}`);
    expect(await page.getByTestId('auth-error-title').textContent()).toBe('We could not confirm it was you just now');
    const hrefs = await page.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.every((href) => new URL(href).origin === env().baseUrl)).toBe(true);
    expect(offSite).toEqual([]);
  });

  it('a callback with an unknown state shows the plain-words error page', async (t) => {
    const { page } = await openSession(browser, t);
    await page.goto(`${env().baseUrl}/callback?code=forged&state=forged`);
    await onApp(page, '/auth-error');
    expect(await page.getByTestId('auth-error-code').textContent()).toBe('unknown_state');
  });
});
