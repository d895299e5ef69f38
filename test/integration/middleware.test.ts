import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authkitMiddleware, authkitProxy } from '../../src/middleware.js';
import { parseCookieHeader } from '../../src/core/cookies.js';
import { APP, COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { internal } from '../../src/core/internal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('authkitMiddleware / authkitProxy', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
  });
  afterEach(() => h.close());

  const config = () => ({
    clientId: h.idp.clientId,
    apiKey: h.idp.apiKey,
    redirectUri: `${APP}/callback`,
    cookiePassword: COOKIE_PASSWORD,
    apiUrl: h.idp.url,
    clockTolerance: 0,
    env: {},
  });
  const request = (path: string) => new NextRequest(new URL(path, APP), { headers: { cookie: h.app.header() } });
  const forwardedCookie = (res: Response) => res.headers.get('x-middleware-request-cookie');

  it('rejects policies under 60 s at configuration time', () => {
    expect(() => authkitProxy({ stepUp: { '/account/:path*': { maxAge: 10 } } })).toThrow(/at least 60 seconds/);
  });

  it('passes signed-out visitors through unprotected paths without sealing anything', async () => {
    const mw = authkitMiddleware({ config: config(), stepUp: { '/account/:path*': { mfa: true } } });
    const res = await mw(request('/pricing'));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('x-middleware-next')).toBe('1');
  });

  it('sends signed-out visitors of a protected path to sign-in with returnTo', async () => {
    const mw = authkitMiddleware({ config: config(), middlewareAuth: { enabled: true, unauthenticatedPaths: ['/', '/pricing'] } });
    expect((await mw(request('/pricing'))).status).toBe(200);
    const res = await mw(request('/reports?q=1'));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).pathname).toBe('/user_management/authorize');
    h.app.store(res);
    const done = await h.kit.handleCallback(await h.throughIdp(res, {}));
    expect(done.headers.get('location')).toBe('/reports?q=1');
  });

  it('route policies: a session without MFA entering /account is stepped up; other sections are untouched', async () => {
    await h.signIn({ email: 'bob@example.com' });
    const mw = authkitMiddleware({ config: config(), stepUp: { '/account/:path*': { maxAge: 60, mfa: true } } });
    const home = await mw(request('/'));
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('private, no-store');
    expect(home.headers.get('vary')).toBe('Cookie');
    const account = await mw(request('/account/keys'));
    expect(account.status).toBe(302);
    const url = new URL(account.headers.get('location')!);
    expect(url.searchParams.get('max_age')).toBe('60');
    expect(url.searchParams.get('login_hint')).toBe('bob@example.com');
  });

  it('a fresh MFA session passes the policy', async () => {
    await h.signIn({ email: 'alice@example.com' });
    const mw = authkitMiddleware({ config: { ...config(), clockTolerance: 5 }, stepUp: { '/account/:path*': { maxAge: 60, mfa: true } } });
    const res = await mw(request('/account'));
    expect(res.status).toBe(200);
  });

  it('refreshes an expired token and forwards the new session to the same request', async () => {
    await h.signIn({ email: 'alice@example.com' });
    await sleep(2100);
    const mw = authkitMiddleware({ config: config() });
    const res = await mw(request('/dashboard'));
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('wos-session='));
    expect(set).toBeDefined();
    // Next applies x-middleware-request-* headers to the request the app renders.
    const forwarded = parseCookieHeader(forwardedCookie(res));
    expect(forwarded.get('wos-session')).toBe(set!.split(';')[0]!.slice('wos-session='.length));
    expect(res.headers.get('x-middleware-request-x-authkit-path')).toBe('/dashboard');
    expect(h.idp.stats().refreshes).toBe(1);
  });

  it('leaves the callback route alone', async () => {
    await h.signIn();
    await sleep(2100);
    const mw = authkitMiddleware({ config: config() });
    const res = await mw(request('/callback?code=x&state=y'));
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(h.idp.stats().refreshes).toBe(0);
  });
});

describe('authkitMiddleware and prefetches', () => {
  it('answers a <Link> prefetch of a protected path with 204, sealing nothing', async () => {
    const h = await startHarness();
    try {
      await h.signIn({ email: 'bob@example.com' });
      const mw = authkitMiddleware({
        config: { clientId: h.idp.clientId, apiKey: h.idp.apiKey, redirectUri: `${APP}/callback`, cookiePassword: COOKIE_PASSWORD, apiUrl: h.idp.url, env: {} },
        stepUp: { '/account/:path*': { mfa: true } },
        middlewareAuth: { enabled: true },
      });
      const prefetch = (path: string, cookie: string) =>
        mw(new NextRequest(new URL(path, APP), { headers: { cookie, 'next-router-prefetch': '1', rsc: '1' } }));
      for (const res of [await prefetch('/account', h.app.header()), await prefetch('/reports', '')]) {
        expect(res.status).toBe(204);
        expect(res.headers.getSetCookie()).toEqual([]);
      }
      // A prefetch that needs nothing passes through as usual.
      expect((await prefetch('/reports', h.app.header())).headers.get('x-middleware-next')).toBe('1');
    } finally {
      await h.close();
    }
  });
});

describe('authkitMiddleware: every policy applies, flows start only from this site’s navigations', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
  });
  afterEach(() => h.close());

  const config = () => ({ clientId: h.idp.clientId, apiKey: h.idp.apiKey, redirectUri: `${APP}/callback`, cookiePassword: COOKIE_PASSWORD, apiUrl: h.idp.url, env: {} });
  const navigation = (path: string, site = 'same-origin') =>
    new NextRequest(new URL(path, APP), { headers: { cookie: h.app.header(), 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': site } });

  it('overlapping policies: a 20-minute-old MFA sign-in does not pass /console/billing, whatever the order', async () => {
    await h.signIn({ email: 'alice@example.com', authTime: Math.floor(Date.now() / 1000) - 1200 });
    const loose = { '/console/:path*': { mfa: true } };
    const strict = { '/console/billing/:path*': { maxAge: 300, mfa: true } };
    for (const stepUp of [{ ...loose, ...strict }, { ...strict, ...loose }]) {
      const mw = authkitMiddleware({ config: config(), stepUp });
      expect((await mw(navigation('/console/reports'))).status).toBe(200);
      const billing = await mw(navigation('/console/billing'));
      expect(billing.status).toBe(302);
      expect(new URL(billing.headers.get('location')!).searchParams.get('max_age')).toBe('300');
    }
  });

  it('a pattern it cannot enforce exactly is refused when the proxy is built', () => {
    for (const pattern of ['/admin/(.*)', '/admin/:path(.*)', '/admin/*', '/admin/:path*/', '/(admin)/:path*']) {
      expect(() => authkitMiddleware({ config: config(), stepUp: { [pattern]: { mfa: true } } }), pattern).toThrow(expect.objectContaining({ code: 'config_invalid_route_pattern' }));
    }
  });

  it('an RSC fetch that must not start a flow still writes the session it rotated', async () => {
    await h.signIn({ email: 'bob@example.com' });
    await sleep(2100);
    const mw = authkitMiddleware({ config: config(), stepUp: { '/account/:path*': { mfa: true } } });
    const rsc = await mw(new NextRequest(new URL('/account', APP), { headers: { cookie: h.app.header(), 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty', rsc: '1' } }));
    expect(rsc.status).toBe(204);
    const set = rsc.headers.getSetCookie();
    expect(set.some((c) => c.includes('-tx-'))).toBe(false);
    // The refresh token was rotated at the provider: dropping the new cookie would sign bob out.
    expect(set.some((c) => /^wos-session=[^;]/.test(c))).toBe(true);
    expect(h.idp.stats().refreshes).toBe(1);
  });

  it('another site linking to a section that needs a step-up gets a page that asks to continue', async () => {
    await h.signIn({ email: 'bob@example.com' });
    const mw = authkitMiddleware({ config: config(), stepUp: { '/account/:path*': { mfa: true } } });
    const res = await mw(navigation('/account', 'cross-site'));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().filter((c) => c.includes('-tx-'))).toEqual([]);
    expect(await res.text()).toContain('href="/account"');
    expect((await mw(navigation('/account', 'same-origin'))).status).toBe(302);
  });
});

describe('authkitMiddleware under basePath and trailingSlash', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 2, redirectUri: [`${APP}/callback`, `${APP}/app/callback`] }, kit: { clockTolerance: 0 } });
  });
  afterEach(() => h.close());

  const options = (redirectUri: string, extra: Record<string, unknown> = {}) => ({
    clientId: h.idp.clientId,
    apiKey: h.idp.apiKey,
    redirectUri,
    cookiePassword: COOKIE_PASSWORD,
    apiUrl: h.idp.url,
    clockTolerance: 0,
    env: {},
    ...extra,
  });
  const navigate = (path: string, nextConfig: { basePath?: string; trailingSlash?: boolean }) =>
    new NextRequest(new URL(path, APP), { headers: { cookie: h.app.header(), 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, nextConfig });

  it('basePath: sign-in comes back to the page under the base path, not a 404 at the root', async () => {
    const config = options(`${APP}/app/callback`, { basePath: '/app' });
    const kit = h.newKit(config);
    const mw = authkitMiddleware({ config, middlewareAuth: { enabled: true } });
    const start = await mw(navigate('/app/reports?q=1', { basePath: '/app' }));
    expect(start.status).toBe(302);
    expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe(`${APP}/app/callback`);
    const done = await kit.handleCallback(await h.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/app/reports?q=1');
    // A forged returnTo lands on the app's root, under its base path.
    h.app.store(done);
    const forged = await kit.handleAuthRoute(h.request('/app/callback?authkit=refresh&returnTo=%2F%2Fevil.example'));
    expect(forged.headers.get('location')).toBe('/app');
    expect(internal(kit).authRoutePath('sign-in')).toBe('/app/callback?authkit=sign-in&returnTo=%2Fapp');
  });

  it('basePath: the proxy recognises its own auth route and does not refresh there', async () => {
    await h.signIn();
    await sleep(2100);
    const mw = authkitMiddleware({ config: options(`${APP}/app/callback`, { basePath: '/app' }) });
    const res = await mw(navigate('/app/callback?code=x&state=y', { basePath: '/app' }));
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(h.idp.stats().refreshes).toBe(0);
    // Elsewhere under the base path it does refresh, and tells the page its full path.
    const page = await mw(navigate('/app/reports', { basePath: '/app' }));
    expect(h.idp.stats().refreshes).toBe(1);
    expect(page.headers.get('x-middleware-request-x-authkit-path')).toBe('/app/reports');
  });

  it('trailingSlash: /callback/ is the auth route, and a policy covers /account/', async () => {
    await h.signIn({ email: 'bob@example.com' });
    await sleep(2100);
    const mw = authkitMiddleware({ config: options(`${APP}/callback`), stepUp: { '/account/:path*': { mfa: true } } });
    const callback = await mw(navigate('/callback/?code=x&state=y', { trailingSlash: true }));
    expect(callback.headers.getSetCookie()).toEqual([]);
    expect(h.idp.stats().refreshes).toBe(0);
    const account = await mw(navigate('/account/', { trailingSlash: true }));
    expect(account.status).toBe(302);
    const done = await h.kit.handleCallback(await h.throughIdp(account, { amr: ['pwd', 'mfa'] }));
    expect(done.headers.get('location')).toBe('/account/');
  });
});
