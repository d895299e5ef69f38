/**
 * Access-token expiry, with a stack of its own whose tokens live 32 seconds (the shared stack
 * keeps the dev IdP's default): the refresh route for server components, the proxy refreshing
 * in place, and an open page kept alive by the client provider. The test waits for the tokens
 * to expire for real; it asserts outcomes, never durations.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeFacts, isE2E, launchBrowser, screenshotAll } from './helpers.js';
import { startStack, type Stack } from './stack.js';

const TTL = 32;

describe.runIf(isE2E)('access-token expiry', () => {
  let browser: Browser;
  let stack: Stack;
  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchBrowser(), startStack({ logName: 'next-server-refresh.log', idp: { accessTokenTtl: TTL } })]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; sessionId: string; authTime: number; expiresAt: number }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    stack.idp.nextLogin({ email: 'alice@example.com' });
    await page.goto(stack.baseUrl);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('session-id').waitFor();
    const { sessionId, authTime } = await homeFacts(page);
    const expiresAt = Number(await page.getByTestId('expires-at').getAttribute('data-epoch'));
    return { context, page, sessionId, authTime, expiresAt };
  }

  it('sessions outlive their access tokens: refresh route, proxy, and an open page', async () => {
    // A: a server-rendered page, visited after expiry with no page open in between.
    const a = await signedIn();
    await a.page.close();
    // B: the danger zone stays open across the expiry.
    const b = await signedIn();
    await b.page.goto(`${stack.baseUrl}/settings/danger`);
    await b.page.getByTestId('delete-project').waitFor();
    // C: /account, under the proxy policy (MFA within 60 s): alice signed in just now.
    const c = await signedIn();
    await c.page.close();

    const refreshesBefore = stack.idp.stats().refreshes;
    const expiry = Math.max(a.expiresAt, b.expiresAt, c.expiresAt);
    await new Promise((r) => setTimeout(r, Math.max(0, (expiry + 2) * 1000 - Date.now())));

    try {
      // C first, while its sign-in is well within the policy's minute.
      const cPage = await c.context.newPage();
      await cPage.goto(`${stack.baseUrl}/account`);
      await cPage.getByTestId('account-verified').waitFor();
      expect(new URL(cPage.url()).pathname).toBe('/account');

      // A: through `/callback?authkit=refresh` and back to the same page — not to "/".
      const aPage = await a.context.newPage();
      await aPage.goto(`${stack.baseUrl}/settings/billing`);
      await aPage.getByTestId('save-billing').waitFor();
      expect(new URL(aPage.url()).pathname).toBe('/settings/billing');
      await aPage.goto(stack.baseUrl);
      const aAfter = await homeFacts(aPage);
      expect(aAfter.sessionId).toBe(a.sessionId);
      // A refresh is not an authentication: auth_time stays.
      expect(aAfter.authTime).toBe(a.authTime);
      expect(Number(await aPage.getByTestId('expires-at').getAttribute('data-epoch'))).toBeGreaterThan(a.expiresAt);

      // B: the open page still works; the action needs no new sign-in (auth_time is recent).
      await b.page.getByTestId('delete-project').click();
      await b.page.getByTestId('delete-result').waitFor();
      expect(new URL(b.page.url()).pathname).toBe('/settings/danger');

      expect(stack.idp.stats().refreshes).toBeGreaterThanOrEqual(refreshesBefore + 3);
      expect(stack.idp.stats().refreshFailures).toBe(0);
    } catch (error) {
      await screenshotAll('refresh', [a.context, b.context, c.context]);
      throw error;
    } finally {
      await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
    }
  });
});
