import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, workos, type ProviderFactory } from '../../src/index.js';
import { authkitMiddleware } from '../../src/middleware.js';
import { configureAuthKit, requireStepUp, signIn, stepUp, withAuth } from '../../src/server/index.js';
import { APP, COOKIE_PASSWORD } from '../helpers/flow.js';
import { expectRedirect, inAction, inRender, refusedWrites, responseCookies } from '../helpers/next-stubs.js';
import { now, startServerApp, type ServerApp } from '../helpers/server-app.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => import('../helpers/next-stubs.js'));
vi.mock('next/navigation', () => import('../helpers/next-stubs.js'));

// The provider unreachable at the moment a flow starts (an OpenID provider's discovery document
// down; any provider whose authorize URL needs the network). Every place that starts a flow
// answers with the outage — a 503 page, the popup's result, or a redirect to the auth route that
// renders it — never a 500, nothing sealed, and a session rotated on the way is kept (SECURITY.md §7).

let down = false;
/** WorkOS against the dev IdP, except that building the authorize URL fails while `down`. */
const flaky: ProviderFactory = (config) => {
  const provider = workos(config);
  return {
    ...provider,
    async authorizationUrl(params) {
      if (down) throw new ProviderError('The identity provider is unreachable (discovery request timed out).', { transient: true });
      return provider.authorizationUrl(params);
    },
  };
};

let app: ServerApp;
beforeEach(async () => {
  down = false;
  app = await startServerApp({ kit: { provider: flaky } });
});
afterEach(async () => {
  vi.useRealTimers();
  await app.close();
});

const txCookies = (response: Response) => response.headers.getSetCookie().filter((c) => c.startsWith('wos-session-tx-'));

async function expectOutagePage(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(await response.text()).toContain('<code>provider_unavailable</code>');
  expect(txCookies(response)).toEqual([]);
}

describe('a flow start while the provider is unreachable', () => {
  it('sign-in: the 503 page, nothing sealed; once the provider is back the same request signs in', async () => {
    down = true;
    await expectOutagePage(await app.kit.signIn(app.request('/')));
    down = false;
    const back = await app.kit.signIn(app.request('/'));
    expect(back.status).toBe(302);
    expect(txCookies(back)).toHaveLength(1);
  });

  it('step-up after a refresh: the 503 page still writes the rotated session (the old refresh token is spent)', async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
    const before = app.app.get('wos-session');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    down = true;
    const response = await app.kit.stepUp(app.request('/settings'), { maxAge: 60 });
    expect(app.idp.stats().refreshes).toBe(1);
    const rotated = response.headers.getSetCookie().find((c) => c.startsWith('wos-session='));
    expect(rotated).toBeDefined();
    expect(rotated).not.toContain(`wos-session=${before};`);
    await expectOutagePage(response);
  });

  it('a popup step-up: the popup reports provider_unavailable to its opener instead of showing a page it cannot act on', async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
    down = true;
    const response = await app.kit.handleAuthRoute(app.request('/callback?authkit=step-up&maxAge=60&popup=1&returnTo=%2Fsettings'));
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain('"type":"authkit-stepup:result","ok":false,"code":"provider_unavailable"');
    expect(body).toContain('window.opener.postMessage');
    expect(txCookies(response)).toEqual([]);
  });

  it('the proxy on a route policy: the 503 page (not a 500), nothing sealed', async () => {
    await app.signIn({ email: 'bob@example.com' });
    const proxy = authkitMiddleware({
      config: { clientId: app.idp.clientId, apiKey: app.idp.apiKey, apiUrl: app.idp.url, redirectUri: `${APP}/callback`, cookiePassword: COOKIE_PASSWORD, env: {}, provider: flaky },
      stepUp: { '/account/:path*': { maxAge: 60, mfa: true } },
    });
    down = true;
    await expectOutagePage(await proxy(new NextRequest(new URL('/account/keys', APP), { headers: { cookie: app.app.header() } })));
    down = false;
    expect((await proxy(new NextRequest(new URL('/account/keys', APP), { headers: { cookie: app.app.header() } }))).status).toBe(302);
  });

  it('the stepUp and signIn actions and requireStepUp send the browser to the auth route, which explains the outage, and steps up once the provider is back', async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
    down = true;
    const starts = [];
    for (const [action, route] of [
      [() => stepUp({ maxAge: 60 }), 'step-up'],
      [() => signIn({ returnTo: '/settings' }), 'sign-in'],
      [() => requireStepUp({ maxAge: 60 }), 'step-up'],
    ] as const) {
      inAction(app.app.header(), { referer: `${APP}/settings` });
      const to = await expectRedirect(action);
      expect(to.url.startsWith(`/callback?authkit=${route}&`), to.url).toBe(true);
      expect([...responseCookies().keys()].filter((n) => n.startsWith('wos-session-tx-'))).toEqual([]);
      expect(refusedWrites()).toBe(0);
      starts.push(to.url);
    }
    await expectOutagePage(await app.server.handleAuthRoute(app.request(starts[0]!)));
    down = false;
    const resumed = await app.server.handleAuthRoute(app.request(starts[0]!));
    expect(resumed.status).toBe(302);
    expect(new URL(resumed.headers.get('location')!).searchParams.get('max_age')).toBe('60');
    const done = await app.server.handleCallback(await app.throughIdp(resumed, {}));
    expect(done.headers.get('location')).toBe('/settings');
  });
});

describe('a step-up while the provider cannot renew an expired session (its token endpoint answers 503)', () => {
  it('the core flow, the stepUp action (through the auth route) and the proxy explain the outage instead of starting a sign-in; the cookie is kept; once the provider is back the step-up starts', async () => {
    const faults = await startFaultProxy(app.idp.url);
    try {
      const options = { clientId: app.idp.clientId, apiKey: app.idp.apiKey, redirectUri: `${APP}/callback`, apiUrl: faults.url, issuer: app.idp.url, cookiePassword: COOKIE_PASSWORD, clockTolerance: 0, env: {} };
      const server = configureAuthKit(options);
      const proxy = authkitMiddleware({ config: options, stepUp: { '/account/:path*': { maxAge: 60, mfa: true } } });
      await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 6 * 60_000);
      faults.authenticate = { status: 503 };

      const direct = await server.stepUp(app.request('/settings'), { maxAge: 60 });
      expect(direct.headers.getSetCookie()).toEqual([]);
      await expectOutagePage(direct);

      inAction(app.app.header(), { referer: `${APP}/settings` });
      const to = await expectRedirect(() => stepUp({ maxAge: 60 }));
      expect(to.url).toMatch(/^\/callback\?authkit=step-up&maxAge=60&/);
      // Nothing sealed, nothing rotated or deleted (the writability probe re-sets the cookie to itself).
      for (const [name, write] of responseCookies()) expect([name, write.deleted, write.value]).toEqual(['wos-session', false, app.app.get('wos-session')]);
      await expectOutagePage(await server.handleAuthRoute(app.request(to.url)));

      const section = await proxy(new NextRequest(new URL('/account/keys', APP), { headers: { cookie: app.app.header() } }));
      expect(section.headers.get('location')).toBeNull();
      expect(section.headers.getSetCookie()).toEqual([]);
      await expectOutagePage(section);

      faults.authenticate = null;
      const resumed = await server.handleAuthRoute(app.request(to.url));
      expect(resumed.status).toBe(302);
      const authorize = new URL(resumed.headers.get('location')!);
      expect(authorize.searchParams.get('max_age')).toBe('60');
      expect(authorize.searchParams.get('login_hint')).toBe('alice@example.com');
    } finally {
      await faults.close();
    }
  });
});

describe('what counts as an outage: only a provider that is down', () => {
  let faults: FaultProxy;
  beforeEach(async () => {
    faults = await startFaultProxy(app.idp.url);
  });
  afterEach(() => faults.close());

  /** Instances pointed at the fault proxy, as the server glue, the core flows and the proxy use them. */
  function through() {
    const options = { clientId: app.idp.clientId, apiKey: app.idp.apiKey, redirectUri: `${APP}/callback`, apiUrl: faults.url, issuer: app.idp.url, cookiePassword: COOKIE_PASSWORD, clockTolerance: 0, env: {} };
    return { server: configureAuthKit(options), proxy: authkitMiddleware({ config: options, stepUp: { '/account/:path*': { maxAge: 60, mfa: true } } }) };
  }
  const isSignInStart = (response: Response) => {
    const location = new URL(response.headers.get('location') ?? '', APP);
    return response.status === 302 && location.pathname === '/user_management/authorize' && !location.searchParams.has('max_age');
  };

  it('a refresh answered 403 invalid_grant (an answer waiting will not fix): a new sign-in from the refresh route, the proxy and a step-up — never a 503 that would last as long as the cookie; the cookie is kept', async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
    const { server, proxy } = through();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    faults.authenticate = { status: 403, body: '{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}' };
    const responses = [
      await server.handleAuthRoute(app.request('/callback?authkit=refresh&returnTo=%2Freports')),
      await proxy(new NextRequest(new URL('/account/keys', APP), { headers: { cookie: app.app.header() } })),
      await server.stepUp(app.request('/settings'), { maxAge: 60 }),
    ];
    for (const response of responses) {
      expect(isSignInStart(response), `${response.status} ${response.headers.get('location')}`).toBe(true);
      expect(response.headers.getSetCookie().filter((c) => c.startsWith('wos-session='))).toEqual([]);
    }
  });

  it("the provider's keys cannot be fetched (a cold instance, JWKS answering 503): the proxy, a step-up and withAuth({ ensureSignedIn }) explain the outage; withAuth() alone renders signed out", async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 3600 });
    faults.jwks = { status: 503 };
    const { server, proxy } = through();
    await expectOutagePage(await proxy(new NextRequest(new URL('/account/keys', APP), { headers: { cookie: app.app.header() } })));
    await expectOutagePage(await server.stepUp(app.request('/settings'), { maxAge: 60 }));
    const popup = await server.handleAuthRoute(app.request('/callback?authkit=step-up&maxAge=60&popup=1&returnTo=%2Fsettings'));
    expect(popup.status).toBe(503);
    expect(await popup.text()).toContain('"ok":false,"code":"provider_unavailable"');

    inRender(app.app.header(), { path: '/reports' });
    expect(await withAuth()).toEqual({ user: null });
    inRender(app.app.header(), { path: '/reports' });
    const to = await expectRedirect(() => withAuth({ ensureSignedIn: true }));
    expect(to.url).toBe('/callback?authkit=refresh&returnTo=%2Freports');
    await expectOutagePage(await server.handleAuthRoute(app.request(to.url)));
    faults.jwks = null;
    const back = await server.handleAuthRoute(app.request(to.url));
    expect([back.status, back.headers.get('location')]).toEqual([302, '/reports']);
  });
});
