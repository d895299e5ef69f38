/**
 * Access-token expiry on Next 15, with a stack of its own whose tokens live 32 seconds: after the
 * token expired, the Edge middleware refreshes it in place (no detour through /callback) and
 * forwards the new session to the same request — on a plain page and under the /account policy.
 * The test waits for the tokens to expire for real. The app runs under `basePath: '/app'` with
 * `trailingSlash: true`: the middleware must recognise its own auth route (/app/callback/) there
 * and leave the refresh to it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { homeFacts, isE2E, launchBrowser, screenshotAll } from '../e2e/helpers.js';
import type { Stack } from '../e2e/stack.js';
import './context.js';
import { startNext15Stack } from './stack.js';

const TTL = 32;

describe.runIf(isE2E)('Next 15: access-token expiry', () => {
  let browser: Browser;
  let stack: Stack;
  beforeAll(async () => {
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startNext15Stack({ appDir: inject('next15').appDir, logName: 'next15-server-refresh.log', idp: { accessTokenTtl: TTL } }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; sessionId: string; authTime: number; expiresAt: number; callbacks: string[] }> {
    const context = await browser.newContext();
    const callbacks: string[] = [];
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === stack.baseUrl && url.pathname.startsWith('/app/callback')) callbacks.push(url.search);
    });
    const page = await context.newPage();
    await stack.idp.nextLogin({ email: 'alice@example.com' });
    await page.goto(stack.appUrl);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('session-id').waitFor();
    const { sessionId, authTime } = await homeFacts(page);
    const expiresAt = Number(await page.getByTestId('expires-at').getAttribute('data-epoch'));
    callbacks.length = 0;
    return { context, page, sessionId, authTime, expiresAt, callbacks };
  }

  it('the Edge middleware refreshes an expired token in place: same session, same authTime', async () => {
    const a = await signedIn(); // home page
    const c = await signedIn(); // /account, under the policy (MFA within 60 s): alice signed in just now
    await Promise.all([a.page.close(), c.page.close()]);

    const before = stack.idp.stats();
    const expiry = Math.max(a.expiresAt, c.expiresAt);
    await new Promise((r) => setTimeout(r, Math.max(0, (expiry + 2) * 1000 - Date.now())));

    try {
      // Its own auth route, with an expired token: the middleware leaves it alone (the route does
      // its own work; refreshing here too would rotate the token twice). The bogus callback is
      // refused by the route, and nothing was refreshed.
      const cookie = (await a.context.cookies(stack.baseUrl)).map((k) => `${k.name}=${k.value}`).join('; ');
      expect(cookie).toContain('wos-session=');
      const own = await fetch(`${stack.redirectUri}?code=x&state=y`, { redirect: 'manual', headers: { cookie, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
      await own.arrayBuffer();
      expect(own.headers.get('x-compat-runtime')).toBe('edge-runtime');
      expect(own.status).toBe(303);
      expect(new URL(own.headers.get('location') ?? '', stack.baseUrl).pathname).toBe('/app/auth-error/');
      expect(own.headers.getSetCookie().filter((c) => c.startsWith('wos-session'))).toEqual([]);
      expect(stack.idp.stats().refreshes).toBe(before.refreshes);

      const cPage = await c.context.newPage();
      const cRes = await cPage.goto(`${stack.appUrl}account/`);
      await cPage.getByTestId('account-verified').waitFor();
      expect(new URL(cPage.url()).pathname).toBe('/app/account/');
      expect(cRes?.headers()['x-compat-runtime']).toBe('edge-runtime');

      const aPage = await a.context.newPage();
      const aRes = await aPage.goto(stack.appUrl);
      expect(aRes?.status()).toBe(200);
      expect(aRes?.headers()['x-compat-runtime']).toBe('edge-runtime');
      // The rotated session reaches the browser (and, forwarded, this same render below).
      expect((await aRes?.allHeaders())?.['set-cookie'] ?? '').toContain('wos-session=');
      const after = await homeFacts(aPage);
      expect(after.sessionId).toBe(a.sessionId);
      // A refresh is not an authentication: auth_time stays.
      expect(after.authTime).toBe(a.authTime);
      expect(Number(await aPage.getByTestId('expires-at').getAttribute('data-epoch'))).toBeGreaterThan(a.expiresAt);

      // The middleware did it: no request went through the refresh route.
      expect(a.callbacks).toEqual([]);
      expect(c.callbacks).toEqual([]);
      const stats = stack.idp.stats();
      expect(stats.refreshes).toBeGreaterThanOrEqual(before.refreshes + 2);
      expect(stats.refreshFailures).toBe(before.refreshFailures);
    } catch (error) {
      await screenshotAll('next15-refresh', [a.context, c.context]);
      throw error;
    } finally {
      await Promise.all([a.context.close(), c.context.close()]);
    }
  });
});
