/**
 * Many instances, end to end (SECURITY.md §7, issue #12): two `next start` processes of the example
 * app (the same build) behind a round-robin proxy, both with `REDIS_URL` pointing at one real
 * `redis-server`, and a dev IdP that revokes the whole session when a used refresh token comes back
 * (Auth0's reuse detection) — so a second refresh anywhere would sign the user out.
 *
 * Chromium signs in and keeps the page open in a background tab until the access token has expired
 * (the tab hidden, as a browser does, so the client provider's timer does not refresh early). Then
 * the tab comes back and the page fires, at once: the client provider's `getClientAuth` server
 * action (on `visibilitychange`), link prefetches through the router (`/account` ones pass the
 * proxy, which refreshes in place) and a client-side navigation to a page whose `withAuth()` sends
 * an expired session through the refresh route. The requests spread over both instances; the
 * provider sees exactly one refresh, every response that writes the session writes the same one,
 * and the user stays signed in.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis } from '../helpers/redis.js';
import { homeFacts, isE2E, launchBrowser, screenshotAll } from './helpers.js';
import { startManyInstances, type ManyInstancesStack, type Routed } from './many-instances-stack.js';

/**
 * Access-token lifetime. Above the SDK's 30 s refresh buffer, so that sign-in and the first page
 * load (with its `/account` prefetch through the proxy) happen before the token counts as expiring.
 */
const TTL = 45;
/** The SDK's default clock tolerance: a token is expired `exp + 5 s`. */
const CLOCK_TOLERANCE = 5;
const INSTANCES = 2;
const REFRESH_KEY_PREFIX = 'authkit-stepup:refresh:v1:';

declare global {
  interface Window {
    __authkitSetHidden?: (hidden: boolean) => void;
  }
}

// Needs redis-server, like the unit suite's shared-refresh tests (`apt-get install redis-server`).
describe.runIf(isE2E && hasRedis)(`${INSTANCES} instances behind a round-robin proxy, sharing Redis`, () => {
  let browser: Browser;
  let stack: ManyInstancesStack;
  beforeAll(async () => {
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startManyInstances({ instances: INSTANCES, logName: 'next-server-many', idp: { accessTokenTtl: TTL, refreshTokenReuse: 'revoke' } }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function stats(): Promise<Record<string, number>> {
    const res = await fetch(`${stack.idp.url}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${stack.idp.apiKey}` } });
    return (await res.json()) as Record<string, number>;
  }

  async function refreshKeys(): Promise<Array<{ key: string; kind: string }>> {
    const client = createClient({ socket: { path: stack.redis.socket, tls: false } });
    await client.connect();
    try {
      const keys = await client.keys(`${REFRESH_KEY_PREFIX}*`);
      return await Promise.all(keys.map(async (key) => ({ key, kind: String(await client.get(key)).slice(0, 2) })));
    } finally {
      client.destroy();
    }
  }

  /** A browser tab that can be sent to the background: `document.visibilityState` as the page sees it. */
  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript(() => {
      let hidden = false;
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      window.__authkitSetHidden = (value: boolean) => {
        hidden = value;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
    return context;
  }

  it('the tab comes back after the token expired: parallel requests on both instances, one provider refresh, still signed in', { timeout: TTL * 1000 + 60_000 }, async () => {
    const context = await newContext();
    let page: Page | undefined;
    try {
      page = await context.newPage();
      stack.idp.nextLogin({ email: 'alice@example.com' });
      await page.goto(stack.baseUrl);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('session-id').waitFor();
      const before = await homeFacts(page);
      const expiresAt = Number(await page.getByTestId('expires-at').getAttribute('data-epoch'));
      // Let the first load finish (its prefetches included), then send the tab to the background.
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => window.__authkitSetHidden!(true));

      const waitMs = (expiresAt + CLOCK_TOLERANCE + 1) * 1000 - Date.now();
      await new Promise((r) => setTimeout(r, Math.max(0, waitMs)));

      const s0 = await stats();
      // Nothing refreshed while the tab was away: the burst below is the first refresh of this session.
      expect(s0.refreshes, 'a refresh happened before the token expired (the machine too slow for the TTL?)').toBe(0);
      expect(await refreshKeys()).toEqual([]);
      const from = stack.routed.length;

      // The tab comes back. All at once: the client provider's server action (on visibilitychange),
      // prefetches through Next's router, and a client-side navigation.
      await page.evaluate(() => {
        window.__authkitSetHidden!(false);
        const router = (window as unknown as { next: { router: { prefetch(href: string, options?: { kind: string }): void } } }).next.router;
        for (const href of ['/account?tab=profile', '/account?tab=security', '/account?tab=sessions', '/settings/billing', '/audit']) router.prefetch(href, { kind: 'full' });
      });
      await page.locator('nav').getByRole('link', { name: /Danger zone/ }).click();
      await page.waitForURL((url) => url.pathname === '/settings/danger');
      try {
        await page.getByTestId('delete-project').waitFor({ timeout: 20_000 });
      } catch (error) {
        // Without coordination the losing instance deletes the cookie: the page ends up at sign-in.
        throw new Error(`the danger zone did not render (now at ${page.url()}): signed out? Requests since the tab came back:\n${stack.routed.slice(from).map(line).join('\n')}`, { cause: error });
      }
      await page.waitForLoadState('networkidle');
      // Every request routed so far has been answered (late link prefetches included).
      await expect.poll(() => stack.routed.slice(from).every((r) => r.status !== 0)).toBe(true);

      const burst = stack.routed.slice(from);
      const s1 = await stats();
      const delta = (k: string) => (s1[k] ?? 0) - (s0[k] ?? 0);
      const writes = burst.filter((r) => r.session !== undefined);
      console.info(
        `[many-instances] provider: ${JSON.stringify({ authenticateRequests: delta('authenticateRequests'), refreshes: delta('refreshes'), refreshFailures: delta('refreshFailures'), refreshReuses: delta('refreshReuses') })}\n` +
          `[many-instances] ${burst.length} requests after the tab came back:\n${burst.map(line).join('\n')}`,
      );

      // The requests spread over both instances, and both wrote a session cookie: each had to
      // refresh the same expired session.
      expect(new Set(burst.map((r) => r.instance)).size).toBe(INSTANCES);
      expect(burst.some((r) => r.kind === 'action')).toBe(true);
      // The router's full prefetches of /account (RSC requests through the proxy, which refreshes in place).
      // (At least three: the router may fetch a prefetched entry again once the action revalidated.)
      expect(burst.filter((r) => r.url.startsWith('/account?tab=')).length).toBeGreaterThanOrEqual(3);
      expect(writes.length).toBeGreaterThanOrEqual(2);
      // Usually both instances write it (each had to refresh the same expired session); the
      // round-robin order of the burst decides, so one writer is reported rather than failed on.
      if (new Set(writes.map((r) => r.instance)).size < INSTANCES) console.warn('[many-instances] only one instance rotated the session this run: nothing to coordinate');
      // Exactly one refresh reached the provider; nothing reused a refresh token, nothing failed.
      expect(delta('authenticateRequests')).toBe(1);
      expect(delta('refreshes')).toBe(1);
      expect(delta('refreshFailures')).toBe(0);
      expect(delta('refreshReuses')).toBe(0);
      // Every response that wrote the session wrote the same one — never a deletion.
      expect(writes.every((r) => r.session !== '')).toBe(true);
      expect(new Set(writes.map((r) => r.session)).size).toBe(1);
      expect(burst.every((r) => r.status < 500)).toBe(true);
      // The coordination went through Redis: one key (a hash, not the token), holding the published session.
      expect(await refreshKeys()).toEqual([{ key: expect.stringMatching(new RegExp(`^${REFRESH_KEY_PREFIX}[A-Za-z0-9_-]{43}$`)), kind: 's:' }]);
      expect(stack.idp.session(before.sessionId)?.status).toBe('active');

      // Still signed in, in the same session, with a fresh token — on full page loads served by each instance.
      const loads = new Set<number>();
      for (let i = 0; i < 3 * INSTANCES && loads.size < INSTANCES; i++) {
        const mark = stack.routed.length;
        await page.goto(stack.baseUrl);
        const after = await homeFacts(page);
        expect(after.sessionId).toBe(before.sessionId);
        expect(after.authTime).toBe(before.authTime);
        expect(Number(await page.getByTestId('expires-at').getAttribute('data-epoch'))).toBeGreaterThan(expiresAt);
        const doc = stack.routed.slice(mark).find((r) => r.kind === 'document');
        if (doc) loads.add(doc.instance);
      }
      expect(loads.size).toBe(INSTANCES);
      expect((await stats()).refreshes).toBe(1);
    } catch (error) {
      await screenshotAll('many-instances', [context]);
      throw error;
    } finally {
      await context.close();
    }
  });
});

function line(r: Routed): string {
  const cookie = r.session === undefined ? '' : r.session === '' ? ' deletes wos-session' : ` sets wos-session …${r.session.slice(-8)}`;
  return `  #${r.seq} instance ${r.instance} ${r.kind.padEnd(8)} ${r.method} ${r.url} → ${r.status}${cookie}`;
}
