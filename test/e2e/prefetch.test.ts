/**
 * SECURITY.md §10 in a real browser with the real Next router: `<Link>` prefetches of a section
 * behind a step-up policy seal nothing (Next strips its own prefetch headers before the proxy
 * runs, so only the browser's Fetch Metadata can tell), the click still goes through the step-up,
 * and the largest session we accept plus the most pending transactions still fit a request.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SESSION_SEAL } from '../../src/core/session-cookie.js';
import { MAX_PENDING_TRANSACTIONS, MAX_PENDING_TRANSACTION_BYTES } from '../../src/core/transaction.js';
import { completeLogin, env, isE2E, launchBrowser, onApp, onIdp, openSession, signInStale } from './helpers.js';

const txCookies = async (page: Page) => (await page.context().cookies(env().baseUrl)).filter((c) => c.name.includes('-tx-'));

describe.runIf(isE2E)('prefetches and pending transactions', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('seventeen views of a page that prefetches /account seal nothing; the click still steps up', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 600);
    const prefetches: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/account' && r.resourceType() !== 'document') prefetches.push(r.url());
    });
    for (let i = 0; i < 17; i++) {
      await page.goto(env().baseUrl);
      await page.getByTestId('nav-account').waitFor();
      // Let the router's viewport prefetch go out and come back.
      await page.waitForLoadState('networkidle');
    }
    expect(prefetches.length).toBeGreaterThan(0);
    expect(await txCookies(page)).toEqual([]);

    await page.getByTestId('nav-account').click();
    await onIdp(page);
    expect((await txCookies(page)).length).toBe(1);
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/account');
    await page.getByTestId('account-verified').waitFor();
    expect(await txCookies(page)).toEqual([]);
  });

  it('the largest accepted session plus the most pending transactions reach the callback without a 431', async (t) => {
    const { page, context } = await openSession(browser, t);
    const { baseUrl } = env();
    // Real pending transactions with the longest returnTo we keep, started by real navigations.
    for (let i = 0; i < MAX_PENDING_TRANSACTIONS + 2; i++) {
      const returnTo = `/reports/${i}?${'q'.repeat(400)}`;
      await page.goto(`${baseUrl}/callback?authkit=sign-in&returnTo=${encodeURIComponent(returnTo)}`);
      await onIdp(page);
    }
    const pending = await txCookies(page);
    expect(pending.length).toBeLessThanOrEqual(MAX_PENDING_TRANSACTIONS);
    expect(pending.reduce((n, c) => n + c.name.length + c.value.length + 3, 0)).toBeLessThanOrEqual(MAX_PENDING_TRANSACTION_BYTES);
    // A session as large as the callback accepts, in chunks as we write them.
    const seal = 'Fe26.2*1*' + 'x'.repeat(MAX_SESSION_SEAL - 9);
    const chunks = seal.match(/.{1,3900}/g)!;
    await context.addCookies(chunks.map((value, i) => ({ name: `wos-session.${i}`, value, url: baseUrl, httpOnly: true, sameSite: 'Lax' as const })));

    // Headroom for what an app adds to some requests (the router's state tree on RSC fetches, a
    // long Referer, tracing headers): the ceiling must leave it, not use it up.
    await page.setExtraHTTPHeaders({ 'x-app-headers': 'h'.repeat(2048) });
    const callback = await page.goto(`${baseUrl}/callback?code=x&state=${'A'.repeat(43)}`);
    expect(callback!.status()).not.toBe(431);
    // The example app shows rejected callbacks on its own page.
    expect(new URL(page.url()).pathname).toBe('/auth-error');
    expect(new URL(page.url()).searchParams.get('code')).toBe('unknown_state');
    const home = await page.goto(baseUrl);
    expect(home!.status()).toBe(200);
  });
});
