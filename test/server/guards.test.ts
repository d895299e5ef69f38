import { describe, expect, it, vi } from 'vitest';
import { checkStepUp, guardApiRoute, requireStepUp, stepUpRequired } from '../../src/server/index.js';
import { isStepUpRequired } from '../../src/client/index.js';
import { APP } from '../helpers/flow.js';
import { actionResponse, cookieWrites, expectRedirect, inAction, inRender, inRouteHandler, refusedWrites, responseCookies } from '../helpers/next-stubs.js';
import { now, serverAppPerTest, type ServerApp } from '../helpers/server-app.js';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => import('../helpers/next-stubs.js'));
vi.mock('next/navigation', () => import('../helpers/next-stubs.js'));

const PAPE_MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

let app: ServerApp;
serverAppPerTest((next) => (app = next));

/** alice (MFA) or bob (password only), last signed in `age` seconds ago. */
async function signedIn(email: 'alice@example.com' | 'bob@example.com', age: number) {
  await app.signIn({ email, authTime: now() - age });
  return (await app.kit.getSession(app.app.header()))!;
}

describe('requireStepUp', () => {
  it('a fresh enough session: the AuthInfo, nothing written, no redirect', async () => {
    await signedIn('alice@example.com', 10);
    inRender(app.app.header(), { path: '/danger' });
    const auth = await requireStepUp({ maxAge: 300, mfa: true });
    expect(auth.user.email).toBe('alice@example.com');
    expect(cookieWrites()).toEqual([]);
  });

  it('during a render: redirects to the auth route step-up path (nothing sealed), which then starts it and returns to the page', async () => {
    const before = await signedIn('alice@example.com', 3600);
    inRender(app.app.header(), { path: '/danger?tab=keys' });
    const to = await expectRedirect(() => requireStepUp({ maxAge: 300 }));
    expect(to).toMatchObject({ url: '/callback?authkit=step-up&maxAge=300&returnTo=%2Fdanger%3Ftab%3Dkeys', type: 'replace' });
    expect(cookieWrites()).toEqual([]);

    const start = await app.server.handleAuthRoute(app.request(to.url));
    expect(new URL(start.headers.get('location')!).searchParams.get('max_age')).toBe('300');
    const done = await app.server.handleCallback(await app.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/danger?tab=keys');
    app.app.store(done);
    inRender(app.app.header(), { path: '/danger?tab=keys' });
    expect((await requireStepUp({ maxAge: 300 })).sessionId).toBe(before.sessionId);
  });

  it('MFA required of a password-only session: the step-up path asks for MFA', async () => {
    await signedIn('bob@example.com', 5);
    inRender(app.app.header(), { path: '/admin' });
    expect((await expectRedirect(() => requireStepUp({ mfa: true }))).url).toBe('/callback?authkit=step-up&mfa=1&returnTo=%2Fadmin');
  });

  it('inside a server action: writes the transaction cookie and redirects straight to the IdP, back to the posting page after', async () => {
    await signedIn('alice@example.com', 3600);
    inAction(app.app.header(), { referer: `${APP}/projects/42` });
    const to = await expectRedirect(() => requireStepUp({ maxAge: 120 }));
    const authorize = new URL(to.url);
    expect(authorize.origin).toBe(app.idp.url);
    expect(authorize.searchParams.get('max_age')).toBe('120');
    expect(to.type).toBe('push');
    expect(responseCookies().has(`wos-session-tx-${authorize.searchParams.get('state')}`)).toBe(true);
    const done = await app.server.handleCallback(await app.throughIdp(actionResponse(to.url), {}));
    expect(done.headers.get('location')).toBe('/projects/42');
  });

  it('signed out: to sign-in first, during a render and inside an action', async () => {
    inRender(null, { path: '/danger' });
    expect((await expectRedirect(() => requireStepUp({ maxAge: 300 }))).url).toBe('/callback?authkit=sign-in&returnTo=%2Fdanger');
    inAction(null, { referer: `${APP}/danger` });
    expect((await expectRedirect(() => requireStepUp({ maxAge: 300 }))).url).toBe('/callback?authkit=sign-in&returnTo=%2Fdanger');
    expect(refusedWrites() + cookieWrites().length).toBe(0);
  });

  // DEFECT (reported): a form posted before hydration is a server action too (Next runs
  // multipart POSTs as actions), but without the `next-action` header; isServerAction() says no
  // and currentPath() ignores the referer, so the user returns to / instead of the page.
  // Remove `.fails` once isServerAction recognises it.
  it('a form posted before hydration (no next-action header) still returns to the page it was posted from', async () => {
    await signedIn('alice@example.com', 3600);
    inAction(app.app.header(), { referer: `${APP}/projects/42`, nextAction: false });
    const to = await expectRedirect(() => requireStepUp({ maxAge: 120 }));
    const start = to.url.startsWith('/') ? await app.server.handleAuthRoute(app.request(to.url)) : actionResponse(to.url);
    const done = await app.server.handleCallback(await app.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/projects/42');
  });
});

describe('checkStepUp', () => {
  it('signed out: no auth, unsatisfied as signed_out', async () => {
    inRender(null);
    expect(await checkStepUp({ maxAge: 300 })).toMatchObject({ auth: null, result: { satisfied: false, reasons: ['signed_out'] } });
  });

  it('stale or without MFA: the session and the reasons, without redirecting or writing', async () => {
    await signedIn('bob@example.com', 3600);
    inAction(app.app.header());
    const { auth, result } = await checkStepUp({ maxAge: 300, mfa: true });
    expect(auth?.user.email).toBe('bob@example.com');
    expect(result).toMatchObject({ satisfied: false, reasons: ['stale', 'mfa_missing'] });
    expect(result.authAge).toBeGreaterThanOrEqual(3600);
    expect(cookieWrites()).toEqual([]);
  });

  it('met: satisfied with the age of the sign-in', async () => {
    await signedIn('alice@example.com', 20);
    inRender(app.app.header());
    const { result } = await checkStepUp({ maxAge: 300, mfa: true });
    expect(result.satisfied).toBe(true);
    expect(result.authAge).toBeGreaterThanOrEqual(20);
    expect(result.authAge).toBeLessThan(300);
  });
});

describe('guardApiRoute (route handlers)', () => {
  it('signed out: 401 with a bare Bearer challenge, private and uncacheable', async () => {
    inRouteHandler(null);
    const res = await guardApiRoute({ maxAge: 300 });
    expect(res).toBeInstanceOf(Response);
    const r = res as Response;
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
  });

  it('stale: the RFC 9470 challenge with max_age, and no acr_values when MFA is not asked', async () => {
    await signedIn('alice@example.com', 3600);
    inRouteHandler(app.app.header());
    const r = (await guardApiRoute({ maxAge: 300 })) as Response;
    expect(r.status).toBe(401);
    const challenge = r.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age="300"$/);
    expect(await r.json()).toMatchObject({ error: 'insufficient_user_authentication', max_age: 300 });
  });

  it('without MFA: the challenge carries acr_values (the configured multi-factor policy)', async () => {
    await signedIn('bob@example.com', 5);
    inRouteHandler(app.app.header());
    const r = (await guardApiRoute({ mfa: true })) as Response;
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain(`acr_values="${PAPE_MFA}"`);
    expect(r.headers.get('www-authenticate')).not.toContain('max_age');
  });

  it('met: the AuthInfo, token included (server side)', async () => {
    await signedIn('alice@example.com', 5);
    inRouteHandler(app.app.header());
    const auth = await guardApiRoute({ maxAge: 300, mfa: true });
    expect(auth).not.toBeInstanceOf(Response);
    expect((auth as Exclude<typeof auth, Response>).accessToken).toMatch(/^eyJ/);
  });

  it('an expired access token: refreshed in the route handler, the rotated cookie written, and answered for the user', async () => {
    await signedIn('alice@example.com', 5);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    inRouteHandler(app.app.header());
    const auth = await guardApiRoute();
    expect(auth).not.toBeInstanceOf(Response);
    expect(responseCookies().get('wos-session')?.deleted).toBe(false);
    expect(app.idp.stats().refreshes).toBe(1);
  });
});

describe('stepUpRequired', () => {
  it('a JSON-serialisable marker with a startUrl into the auth route that starts that step-up', async () => {
    await signedIn('alice@example.com', 3600);
    const marker = stepUpRequired({ maxAge: 300, mfa: true });
    expect(JSON.parse(JSON.stringify(marker))).toEqual(marker);
    expect(isStepUpRequired(marker)).toBe(true);
    expect(marker).toMatchObject({ code: 'step_up_required', requirement: { maxAge: 300, mfa: true } });
    expect(marker.message).toMatch(/multi-factor/);
    expect(marker.startUrl).toMatch(/^\/callback\?authkit=step-up&/);

    // What useStepUp does with it: add the page to come back to, and navigate there.
    const start = new URL(marker.startUrl!, APP);
    start.searchParams.set('returnTo', '/projects/42');
    const res = await app.server.handleAuthRoute(app.request(`${start.pathname}${start.search}`));
    const authorize = new URL(res.headers.get('location')!);
    expect(authorize.origin).toBe(app.idp.url);
    expect(authorize.searchParams.get('max_age')).toBe('300');
    const done = await app.server.handleCallback(await app.throughIdp(res, { amr: ['pwd'] }));
    expect(await done.text()).toContain('step_up_mfa_missing');
  });
});
