import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP, startHarness, type Harness } from '../helpers/flow.js';
import { txCookieOf } from '../helpers/transactions.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { sessionSetCookies } from './support/checks.js';
import { internal } from '../../src/core/internal.js';

// A provider that accepts the connection and never answers. The SDK's timeouts (`providerTimeout`,
// 1 s here) must end every request — the test's own timeout is the bound, no clock is read — keep
// the session, and not multiply calls to the hung provider.
describe('a provider that hangs (invariant 7)', () => {
  let h: Harness;
  let proxy: FaultProxy;
  beforeAll(async () => {
    h = await startHarness();
    proxy = await startFaultProxy(h.idp.url);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await proxy.close();
    await h.close();
  });

  it('refresh, code exchange and JWKS fetch each give up in bounded time, keep the session, and call once', { timeout: 15_000 }, async () => {
    const via = () => h.newKit({ apiUrl: proxy.url, issuer: h.idp.url, clockTolerance: 0, providerTimeout: 1_000 });
    await h.signIn({ email: 'alice@example.com' });
    const cookie = h.app.header();
    const refresher = via();
    const callbacker = via();
    expect(await refresher.getSession(cookie)).not.toBeNull(); // keys cached before the outage
    expect(await callbacker.getSession(cookie)).not.toBeNull();
    const start = await callbacker.stepUp(new Request(`${APP}/s`, { method: 'POST', headers: { cookie } }), { returnTo: '/s' });
    const tx = txCookieOf(start).pair;
    h.idp.nextLogin({});
    const callbackUrl = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;

    proxy.authenticate = 'hang';
    proxy.jwks = 'hang';
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 301_000); // the access token has expired: refresh is due
    const authenticateBefore = proxy.counts.authenticate;
    const [refreshes, callback, jwks] = await Promise.all([
      // Twenty requests of one browser at once: one refresh call waits on the provider for all of them.
      Promise.all(Array.from({ length: 20 }, () => internal(refresher).resolveSession(cookie, 'expired'))),
      callbacker.handleCallback(new Request(callbackUrl, { headers: { cookie: `${cookie}; ${tx}` } })),
      via().getSession(cookie),
    ]);

    for (const res of refreshes) {
      expect(res.auth).toBeNull();
      expect(res.cookies).toEqual([]); // kept: a hung provider is not a refusal
    }
    expect(proxy.counts.authenticate - authenticateBefore).toBe(2); // one refresh + one code exchange

    expect(callback.status).toBe(502);
    expect(await callback.text()).toContain('code_exchange_failed');
    expect(sessionSetCookies(callback)).toEqual([]);

    expect(jwks).toBeNull();

    // The provider answers again: everything recovers on the next request.
    proxy.authenticate = proxy.jwks = null;
    expect((await internal(refresher).resolveSession(cookie, 'expired')).auth?.user.email).toBe('alice@example.com');
  });
});
