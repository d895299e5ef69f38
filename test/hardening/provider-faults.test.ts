import { sealData } from 'iron-session';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthKit } from '../../src/index.js';
import { APP, COOKIE_PASSWORD, Jar, startHarness, type Harness } from '../helpers/flow.js';
import { txCookieOf } from '../helpers/transactions.js';
import { unsealSession } from '../../src/core/session-cookie.js';
import { startFakeWorkos, type Fault, type FakeWorkos } from './support/fake-workos.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { sessionSetCookies } from './support/checks.js';
import { internal } from '../../src/core/internal.js';

// Invariant 7 with a loopback proxy in front of the dev IdP that fails on demand. A session
// survives every fault that says nothing about its grant, comes back when the provider does, and
// is signed out only when the provider definitively refuses the refresh token (invalid_grant)
// after the access token has expired.
/** Moves the clock (Date only: sockets and timeouts keep real time). */
function jump(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ms);
}

describe('provider faults behind a proxy (invariant 7)', () => {
  let h: Harness;
  let proxy: FaultProxy;
  let kit: AuthKit;
  let cookie: string;

  beforeAll(async () => {
    h = await startHarness();
    proxy = await startFaultProxy(h.idp.url);
  });
  afterAll(async () => {
    await proxy.close();
    await h.close();
  });
  beforeEach(async () => {
    proxy.authenticate = proxy.jwks = proxy.jwksBody = null;
    // A new process (own JWKS cache, single-flight, session cache) and a new browser per test.
    kit = h.newKit({ apiUrl: proxy.url, issuer: h.idp.url, clockTolerance: 0 });
    h.app = new Jar();
    h.idpJar = new Jar();
    await h.signIn({ email: 'alice@example.com' });
    cookie = h.app.header();
  });
  afterEach(() => vi.useRealTimers());

  const cleared = (cookies: Array<{ name: string; options: { maxAge?: number } }>) => cookies.some((c) => c.name === 'wos-session' && c.options.maxAge === 0);

  // Faults that say nothing about the user's grant.
  it.each<[string, Fault]>([
    ['connection reset before an answer', 'reset'],
    ['500', { status: 500, body: '{"error":"server_error"}' }],
    ['502 HTML page from a load balancer', { status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }],
    ['503 with an empty body', { status: 503 }],
    ['504', { status: 504, body: 'upstream timed out', contentType: 'text/plain' }],
    ['429 rate limited', { status: 429, body: '{"error":"rate_limited"}' }],
    ['408', { status: 408 }],
  ])('refresh after expiry, provider answers %s: cookie kept, session back once the provider is', async (_name, fault) => {
    jump(301_000);
    proxy.authenticate = fault;
    for (let i = 0; i < 3; i++) {
      const res = await internal(kit).resolveSession(cookie, 'expired');
      expect(res.auth).toBeNull();
      expect(res.cookies).toEqual([]); // nothing cleared: the next request tries again
    }
    // The auth route's refresh action says why instead of bouncing back (which would loop).
    const page = await kit.handleAuthRoute(new Request(`${APP}/callback?authkit=refresh&returnTo=%2Freports`, { headers: { cookie } }));
    expect(page.status).toBe(503);
    expect(page.headers.get('location')).toBeNull();
    expect(sessionSetCookies(page)).toEqual([]);
    proxy.authenticate = null;
    const back = await internal(kit).resolveSession(cookie, 'expired');
    expect(back.auth?.user.email).toBe('alice@example.com');
    expect(back.cookies.map((c) => c.name)).toEqual(['wos-session']);
  });

  // These are not the provider refusing the grant either: a body cut off mid-answer, a misrouted
  // or misconfigured call. Signing out here would sign out every user whose token expires while
  // an operator fixes an API key or a proxy.
  it.each<[string, Fault]>([
    ['200 with the body cut off (connection dropped mid-answer)', 'truncate'],
    ['200 with a body that is not a token response', { status: 200, body: '{"ok":true}' }],
    ['401 invalid_client (API key rotated or revoked)', { status: 401, body: '{"error":"invalid_client","error_description":"Invalid client secret."}' }],
    ['404 (a proxy routing the call elsewhere)', { status: 404, body: '<html>Not Found</html>', contentType: 'text/html' }],
  ])('refresh after expiry, provider answers %s: cookie kept (not a definitive refusal)', async (_name, fault) => {
    jump(301_000);
    proxy.authenticate = fault;
    const res = await internal(kit).resolveSession(cookie, 'expired');
    expect(res.auth).toBeNull();
    expect(cleared(res.cookies)).toBe(false);
    proxy.authenticate = null;
    expect((await internal(kit).resolveSession(cookie, 'expired')).auth?.user.email).toBe('alice@example.com');
  });

  it('a refresh rejected as already used keeps the session while the access token is valid, signs out once it has expired', async () => {
    const used: Fault = { status: 400, body: '{"error":"invalid_grant","error_description":"Refresh token already exchanged."}' };
    proxy.authenticate = used;
    // Early refresh (token still valid): the refusal costs nothing.
    const early = h.newKit({ apiUrl: proxy.url, issuer: h.idp.url, clockTolerance: 0, refreshBuffer: 3600 });
    const still = await internal(early).resolveSession(cookie, 'expiring');
    expect(still.auth?.user.email).toBe('alice@example.com');
    expect(still.cookies).toEqual([]);
    expect(proxy.counts.authenticate).toBeGreaterThan(0);
    // After expiry the same definitive answer ends the session: the cookie is cleared.
    jump(301_000);
    const gone = await internal(kit).resolveSession(cookie, 'expired');
    expect(gone.auth).toBeNull();
    expect(cleared(gone.cookies)).toBe(true);
    // And the refresh route sends the browser on (signed out), without an error page or a loop.
    const route = await kit.handleAuthRoute(new Request(`${APP}/callback?authkit=refresh&returnTo=%2Fx`, { headers: { cookie } }));
    expect(route.status).toBe(302);
    expect(route.headers.get('location')).toBe('/x');
  });

  it('the code exchange during an outage: a clear error, the previous session untouched, and the next attempt works', async () => {
    const before = await kit.getSession(cookie);
    for (const fault of ['reset', { status: 503 }, { status: 429 }] as Fault[]) {
      const start = await kit.stepUp(new Request(`${APP}/settings`, { method: 'POST', headers: { cookie } }), { returnTo: '/settings' });
      const tx = txCookieOf(start).pair;
      h.idp.nextLogin({});
      const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      proxy.authenticate = fault;
      const res = await kit.handleCallback(new Request(authorize.headers.get('location')!, { headers: { cookie: `${cookie}; ${tx}` } }));
      expect(res.status).toBe(502); // the provider's failure, not the user's: a bad gateway
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('code_exchange_failed');
      expect(sessionSetCookies(res)).toEqual([]);
      expect(await kit.getSession(cookie)).toEqual(before);
      proxy.authenticate = null;
    }
    const start = await kit.stepUp(new Request(`${APP}/settings`, { method: 'POST', headers: { cookie } }), { returnTo: '/settings' });
    const done = await kit.handleCallback(await h.throughIdp(start, {}));
    expect(done.status).toBe(302);
    expect(sessionSetCookies(done)).toHaveLength(1);
  });

  it('JWKS down with the key cached: new cookies keep verifying', async () => {
    expect(await kit.getSession(cookie)).not.toBeNull(); // fetches and caches the key set
    proxy.jwks = { status: 503 };
    const jwksBefore = proxy.counts.jwks;
    // A different cookie (another sign-in), so neither the session cache nor the old seal helps.
    h.app = new Jar();
    await h.signIn({ email: 'bob@example.com' });
    expect((await kit.getSession(h.app.header()))?.user.email).toBe('bob@example.com');
    expect(proxy.counts.jwks).toBe(jwksBefore);
  });

  it('JWKS down for longer than the key cache lifetime: keeps verifying with the last keys it had', async () => {
    expect(await kit.getSession(cookie)).not.toBeNull();
    proxy.jwks = { status: 503 };
    // Eleven minutes later (jose's key cache holds keys for ten), the provider's JWKS is still down.
    jump(11 * 60_000);
    h.app = new Jar();
    await h.signIn({ email: 'bob@example.com' }); // tokens minted at the new time: valid
    expect((await kit.getSession(h.app.header()))?.user.email).toBe('bob@example.com');
  });

  it('JWKS unreachable with nothing cached: signed out for this request, cookie kept, back as soon as the JWKS is', async () => {
    for (const fault of [{ status: 503 }, 'reset', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' }] as Fault[]) {
      const fresh = h.newKit({ apiUrl: proxy.url, issuer: h.idp.url });
      proxy.jwks = fault;
      expect(await fresh.getSession(cookie)).toBeNull();
      const res = await internal(fresh).resolveSession(cookie, 'expired');
      expect(res.auth).toBeNull();
      expect(res.cookies).toEqual([]);
      proxy.jwks = null;
      // No cooldown after a failed fetch: the very next request recovers.
      expect((await fresh.getSession(cookie))?.user.email).toBe('alice@example.com');
    }
  });

  it('a rotation without overlap: the new kid verifies after one refetch; sessions already verified keep working until exp', async () => {
    const alice = await kit.getSession(cookie); // verified, and now in the session cache
    expect(alice).not.toBeNull();
    // The provider replaces its key: the JWKS now holds only the new one, which signs new tokens.
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = 'sso_oidc_key_pair_ROTATED';
    proxy.jwksBody = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
    jump(31_000); // past the refetch cooldown
    const t = Math.floor(Date.now() / 1000);
    const session = (await unsealSession(h.app.get('wos-session')!, COOKIE_PASSWORD))!;
    const rotated = await new SignJWT({ ...alice!.claims, iat: t, exp: t + 300 }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    const rotatedCookie = `wos-session=${await sealData({ ...session, accessToken: rotated }, { password: COOKIE_PASSWORD, ttl: 3600 })}`;
    const jwks = proxy.counts.jwks;
    expect((await kit.getSession(rotatedCookie))?.user.id).toBe(alice!.user.id);
    expect(proxy.counts.jwks - jwks).toBe(1);
    // The session verified before the rotation still reads, without network…
    expect((await kit.getSession(cookie))?.user.id).toBe(alice!.user.id);
    expect(proxy.counts.jwks - jwks).toBe(1);
    // …while a token of the withdrawn key that was never verified here does not.
    h.app = new Jar();
    await h.signIn({ email: 'bob@example.com' });
    expect(await kit.getSession(h.app.header())).toBeNull();
    // And the cached session ends with its access token.
    vi.setSystemTime(Date.now() + 300_000);
    expect(await kit.getSession(cookie)).toBeNull();
  });
});

// Key rotation needs tokens signed with the new key: the fake provider signs with whatever it serves.
describe('JWKS rotation', () => {
  let idp: FakeWorkos;
  beforeAll(async () => {
    idp = await startFakeWorkos();
  });
  afterAll(() => idp.close());
  afterEach(() => vi.useRealTimers());

  it('a new kid verifies after one refetch; tokens of the old key keep working while it is still served', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    const kit = idp.kit({ sessionCacheSize: 0 });
    const oldKey = idp.served[0]!;
    const oldCookie = `wos-session=${await idp.seal(await idp.sign())}`;
    expect(await kit.getSession(oldCookie)).not.toBeNull();
    const baseline = idp.jwksRequests();

    const newKey = await idp.newKey();
    idp.served = [newKey, oldKey]; // the provider publishes the new key and starts signing with it
    vi.setSystemTime(Date.now() + 31_000);
    const newCookie = `wos-session=${await idp.seal(await idp.sign({}, { key: newKey }))}`;
    expect(await kit.getSession(newCookie)).not.toBeNull();
    expect(idp.jwksRequests() - baseline).toBe(1);
    expect(await kit.getSession(oldCookie)).not.toBeNull();
    // Both keys now known: no more fetches.
    for (let i = 0; i < 5; i++) {
      expect(await kit.getSession(newCookie)).not.toBeNull();
      expect(await kit.getSession(oldCookie)).not.toBeNull();
    }
    expect(idp.jwksRequests() - baseline).toBe(1);
    idp.served = [oldKey];
  });

  it('a refresh that comes back signed with a new key after the rotation succeeds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    const kit = idp.kit({ clockTolerance: 0 });
    const oldKey = idp.served[0]!;
    const cookie = `wos-session=${await idp.seal(await idp.sign({ exp: Math.floor(Date.now() / 1000) + 60 }))}`;
    expect(await kit.getSession(cookie)).not.toBeNull();
    const newKey = await idp.newKey();
    idp.served = [newKey, oldKey];
    idp.onAuthenticate(async () => ({ json: await idp.tokens() }));
    vi.setSystemTime(Date.now() + 61_000);
    const res = await internal(kit).resolveSession(cookie, 'expired');
    expect(res.auth?.user.id).toBe('user_01HARDENINGALICE');
    expect(res.cookies).toHaveLength(1);
    idp.served = [oldKey];
  });
});
