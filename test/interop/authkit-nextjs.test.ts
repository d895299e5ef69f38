import '../helpers/next-stubs-register.mjs';
import { decodeJwt } from 'jose';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/index.js';
import { unsealSession } from '../../src/core/session-cookie.js';
import { startDevIdp, type DevIdp } from '../../src/testing/index.js';
import { APP, Jar } from '../helpers/flow.js';
import { internal } from '../../src/core/internal.js';
import { cookieWrites, responseCookies, simulateRequest, type NextPhase, type SimulatedRequest } from '../helpers/next-stubs.js';

// "Swap the import; users stay signed in": a `wos-session` cookie written by
// @workos-inc/authkit-nextjs 4.3.2's own code is read by ours, and one written by ours is read by
// its code — both sides running for real against the dev IdP (startDevIdp).
//
// Outside a Next server, its modules need three things Next's bundler provides: `next/headers`
// with a request scope, an empty `server-only`, and `.js` on `next/<entry>` imports. Node module
// hooks (test/helpers/next-stubs-register.mjs) provide them for its natively-loaded modules; vi.mock covers the
// case where Vitest inlines it instead. Both serve test/helpers/next-stubs.ts, whose copies share
// one simulated request. Nothing of its session code is replaced.
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => import('../helpers/next-stubs.js'));

const PASSWORD = 'interop-cookie-password-at-least-32-chars';
const now = () => Math.floor(Date.now() / 1000);

let dev: DevIdp;
let theirs: typeof import('@workos-inc/authkit-nextjs');
let ours: AuthKit;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dev = await startDevIdp({ redirectUri: `${APP}/callback` });
  const api = new URL(dev.url);
  // authkit-nextjs reads its configuration once, when its modules load.
  Object.assign(process.env, {
    WORKOS_CLIENT_ID: dev.clientId,
    WORKOS_API_KEY: dev.apiKey,
    WORKOS_COOKIE_PASSWORD: PASSWORD,
    NEXT_PUBLIC_WORKOS_REDIRECT_URI: `${APP}/callback`,
    WORKOS_API_HOSTNAME: api.hostname,
    WORKOS_API_PORT: api.port,
    WORKOS_API_HTTPS: 'false',
  });
  theirs = await import('@workos-inc/authkit-nextjs');
  ours = createAuthKit({ clientId: dev.clientId, apiKey: dev.apiKey, redirectUri: `${APP}/callback`, cookiePassword: PASSWORD, apiUrl: dev.url, env: {} });
});

afterAll(async () => {
  process.env = savedEnv;
  await dev.close();
});

/** A new request to the app in `phase`, with the `x-url` header authkit-nextjs's proxy would forward. */
function request(phase: NextPhase, extra: Omit<SimulatedRequest, 'phase'> = {}): void {
  simulateRequest({ ...extra, phase, headers: { 'x-url': `${APP}/`, ...extra.headers } });
}

beforeEach(() => request('route-handler'));

/** Signs in with authkit-nextjs's own getSignInUrl() + handleAuth() and returns the cookie it saved. */
async function signInWithTheirs(login: Parameters<DevIdp['nextLogin']>[0]): Promise<string> {
  request('route-handler');
  const url = await theirs.getSignInUrl({ returnTo: '/account' });
  const pkce = cookieWrites().find((c) => c.name.startsWith('wos-auth-verifier'))!;
  expect(pkce).toBeDefined();
  dev.nextLogin(login);
  const authorize = await fetch(url, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const cookie = `${pkce.name}=${pkce.value}`;
  request('route-handler', { cookie });
  const callback = new NextRequest(authorize.headers.get('location')!, { headers: { cookie } });
  const response = await theirs.handleAuth()(callback);
  expect(response.status).toBe(307);
  expect(new URL(response.headers.get('location')!).pathname).toBe('/account');
  const saved = responseCookies().get('wos-session');
  expect(saved?.value).toBeTruthy();
  return saved!.value;
}

/** Signs in with ours and returns the browser's cookie header for the app. */
async function signInWithOurs(login: Parameters<DevIdp['nextLogin']>[0]): Promise<Jar> {
  const jar = new Jar();
  const start = await ours.signIn(new Request(`${APP}/`), { returnTo: '/account' });
  jar.store(start);
  dev.nextLogin(login);
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const done = await ours.handleCallback(new Request(authorize.headers.get('location')!, { headers: { cookie: jar.header() } }));
  expect(done.status).toBe(302);
  jar.store(done);
  return jar;
}

describe('@workos-inc/authkit-nextjs 4.3.2 cookie compatibility', () => {
  it('reads a wos-session sealed by its handleAuth()/saveSession(): user, sessionId, authTime, amr intact', async () => {
    const authTime = now() - 90;
    const seal = await signInWithTheirs({ email: 'alice@example.com', amr: ['pwd', 'otp', 'mfa'], authTime });
    const auth = await ours.getSession(`wos-session=${seal}`);
    expect(auth).not.toBeNull();
    expect(auth!.user).toMatchObject({ id: dev.users[0]!.id, email: 'alice@example.com', firstName: 'Alice', object: 'user' });
    expect(auth!.sessionId).toBe(decodeJwt(auth!.accessToken).sid);
    expect(auth!.sessionId).toMatch(/^session_/);
    expect(auth!.authTime).toBe(authTime);
    expect(auth!.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(auth!.authenticationMethod).toBe('Password');
    expect(auth!.organizationId).toBe(dev.users[0]!.organizationId);
  });

  it('its code reads a wos-session sealed by ours: its proxy (authkit()), withAuth() and checkRecentAuth()', async () => {
    const authTime = now() - 45;
    const jar = await signInWithOurs({ email: 'bob@example.com', amr: ['pwd'], authTime });
    const mine = (await ours.getSession(jar.header()))!;

    // Its middleware/proxy: unseal, verify against the dev IdP's JWKS, forward the session.
    const { session, headers } = await theirs.authkit(new NextRequest(`${APP}/account`, { headers: { cookie: jar.header() } }));
    expect(session.user).toEqual(mine.user);
    expect(session.sessionId).toBe(mine.sessionId);
    expect(session.accessToken).toBe(mine.accessToken);
    expect(session.organizationId).toBe(mine.organizationId);

    // Its withAuth() in a server component, behind that proxy.
    simulateRequest({ phase: 'render', headers });
    const auth = await theirs.withAuth();
    expect(auth.user?.email).toBe('bob@example.com');
    expect(auth.sessionId).toBe(mine.sessionId);
    expect(await theirs.checkRecentAuth({ maxAge: 60 })).toMatchObject({ isStale: false, authenticatedAt: new Date(authTime * 1000) });
    expect(await theirs.checkRecentAuth({ maxAge: 30 })).toMatchObject({ isStale: true });
  });

  it('a session refreshed by its refreshSession() stays readable by ours, and one refreshed by ours by its code', async () => {
    const authTime = now() - 30;
    const jar = await signInWithOurs({ email: 'alice@example.com', amr: ['pwd', 'otp', 'mfa'], authTime });
    const before = (await ours.getSession(jar.header()))!;

    // Theirs rotates our session (its server action path) and saves it with its own sealing.
    request('action', { cookie: `wos-session=${jar.get('wos-session')!}` });
    const refreshed = await theirs.refreshSession();
    expect(refreshed.user?.id).toBe(before.user.id);
    const theirSeal = responseCookies().get('wos-session')!.value;
    const afterTheirs = (await ours.getSession(`wos-session=${theirSeal}`))!;
    expect(afterTheirs.accessToken).not.toBe(before.accessToken);
    expect(afterTheirs.sessionId).toBe(before.sessionId);
    expect(afterTheirs.authTime).toBe(authTime);
    expect(afterTheirs.amr).toEqual(['pwd', 'otp', 'mfa']);

    // Ours rotates that one in turn; theirs reads the result.
    const session = await unsealSession(theirSeal, PASSWORD);
    expect(session).not.toBeNull();
    const ourRefresh = await internal(ours).store.refresh(session!);
    const { session: theirView } = await theirs.authkit(new NextRequest(`${APP}/`, { headers: { cookie: `wos-session=${ourRefresh.seal}` } }));
    expect(theirView.user?.id).toBe(before.user.id);
    expect(theirView.accessToken).toBe(ourRefresh.auth.accessToken);
  });

  it('a cookie sealed with another password is signed out, not misread', async () => {
    const seal = await signInWithTheirs({ email: 'alice@example.com' });
    const stranger = createAuthKit({ clientId: dev.clientId, apiKey: dev.apiKey, redirectUri: `${APP}/callback`, cookiePassword: 'x'.repeat(40), apiUrl: dev.url, env: {} });
    expect(await stranger.getSession(`wos-session=${seal}`)).toBeNull();
    expect(await ours.getSession(`wos-session=${seal}`)).not.toBeNull();
  });
});
