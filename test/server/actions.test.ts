import { describe, expect, it, vi } from 'vitest';
import { signIn, signOut, stepUp, withAuth } from '../../src/server/index.js';
import { APP } from '../helpers/flow.js';
import { actionResponse, cookieWrites, expectRedirect, inAction, inRender, responseCookies } from '../helpers/next-stubs.js';
import { now, serverAppPerTest, type ServerApp } from '../helpers/server-app.js';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => import('../helpers/next-stubs.js'));
vi.mock('next/navigation', () => import('../helpers/next-stubs.js'));

// The four 'use server' actions' public behaviour: what a form post or a client call does, where
// the browser goes, which cookies it gets, and what the IdP round trip then yields.

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

let app: ServerApp;
serverAppPerTest((next) => (app = next));

const txCookies = () => app.app.names().filter((n) => n.startsWith('wos-session-tx-'));

/** Signs in with a sign-in an hour old, so any step-up requirement is unmet. */
async function signedInAnHourAgo(email = 'alice@example.com') {
  await app.signIn({ email, authTime: now() - 3600 });
  return (await app.kit.getSession(app.app.header()))!;
}

/** Runs an action in a server-action request from `page`; returns where it redirected. */
async function post(action: () => Promise<unknown>, page = '/settings') {
  inAction(app.app.header(), { referer: `${APP}${page}` });
  const to = await expectRedirect(action);
  expect(to.type).toBe('push');
  return to;
}

/** The browser follows an action's redirect to the IdP, signs in there, and hits the callback. */
async function complete(to: { url: string }, login: Parameters<ServerApp['idp']['nextLogin']>[0] = {}) {
  const done = await app.server.handleCallback(await app.throughIdp(actionResponse(to.url), login));
  app.app.store(done);
  return done;
}

describe('stepUp', () => {
  it('a bare <form action={stepUp}>: max_age=0 with login_hint and organization, a sealed transaction, and back to the page after', async () => {
    const before = await signedInAnHourAgo();
    const to = await post(() => stepUp(new FormData()), '/settings/keys?tab=api');
    const authorize = new URL(to.url);
    expect(authorize.origin).toBe(app.idp.url);
    expect(authorize.searchParams.get('max_age')).toBe('0');
    expect(authorize.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(authorize.searchParams.get('organization_id')).toBe(before.organizationId);
    const tx = responseCookies().get(`wos-session-tx-${authorize.searchParams.get('state')}`);
    expect(tx?.options).toMatchObject({ httpOnly: true, path: '/', sameSite: 'lax' });
    expect(tx!.options.maxAge).toBeLessThanOrEqual(600);

    const done = await complete(to);
    expect(done.headers.get('location')).toBe('/settings/keys?tab=api');
    const after = (await app.kit.getSession(app.app.header()))!;
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.authTime!).toBeGreaterThan(before.authTime!);
  });

  it('object input: maxAge and returnTo are used', async () => {
    await signedInAnHourAgo();
    const to = await post(() => stepUp({ maxAge: 300, returnTo: '/billing' }));
    expect(new URL(to.url).searchParams.get('max_age')).toBe('300');
    expect((await complete(to)).headers.get('location')).toBe('/billing');
  });

  it.each(['on', '1', 'true'])('mfa=%s requires MFA: a sign-in without it is refused and the session kept', async (mfa) => {
    await signedInAnHourAgo();
    const session = app.app.get('wos-session');
    const to = await post(() => stepUp(form({ mfa })));
    const refused = await complete(to, { amr: ['pwd'] });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('step_up_mfa_missing');
    expect(app.app.get('wos-session')).toBe(session);
  });

  it.each(['off', '0', 'false', 'yes'])('mfa=%s does not require MFA: a password sign-in is accepted', async (mfa) => {
    await signedInAnHourAgo();
    const to = await post(() => stepUp(form({ mfa })));
    expect((await complete(to, { amr: ['pwd'] })).status).toBe(302);
  });

  it('stepUp({ mfa: true }) requires MFA as the form field does', async () => {
    await signedInAnHourAgo();
    const to = await post(() => stepUp({ mfa: true }));
    expect((await complete(to, { amr: ['pwd'] })).status).toBe(403);
  });

  it('a malformed maxAge is ignored (max_age=0, confirm now), a fractional one floored', async () => {
    await signedInAnHourAgo();
    for (const maxAge of ['soon', '-5', '', 'Infinity', '12abc', ' ']) {
      const to = await post(() => stepUp(form({ maxAge })));
      expect(new URL(to.url).searchParams.get('max_age'), `maxAge=${JSON.stringify(maxAge)}`).toBe('0');
    }
    for (const maxAge of [Number.NaN, -1, '300' as unknown as number]) {
      const to = await post(() => stepUp({ maxAge }));
      expect(new URL(to.url).searchParams.get('max_age')).toBe(maxAge === ('300' as unknown) ? '300' : '0');
    }
    expect(new URL((await post(() => stepUp(form({ maxAge: '300.9' })))).url).searchParams.get('max_age')).toBe('300');
  });

  it('a forged returnTo comes back to /', async () => {
    await signedInAnHourAgo();
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example']) {
      const to = await post(() => stepUp(form({ returnTo })));
      expect((await complete(to)).headers.get('location'), returnTo).toBe('/');
    }
  });

  it('signed out: sent to sign-in (no max_age), and back to the page after', async () => {
    const to = await post(() => stepUp(form({ maxAge: '300' })), '/danger');
    const authorize = new URL(to.url);
    expect(authorize.origin).toBe(app.idp.url);
    expect(authorize.searchParams.has('max_age')).toBe(false);
    expect(responseCookies().has(`wos-session-tx-${authorize.searchParams.get('state')}`)).toBe(true);
    expect((await complete(to, { email: 'bob@example.com' })).headers.get('location')).toBe('/danger');
  });

  it('a session that already meets the requirement goes straight to returnTo: no IdP, nothing sealed', async () => {
    await app.signIn({ email: 'alice@example.com', authTime: now() - 10 });
    const authorizeBefore = app.idp.stats().authorizeRequests;
    const to = await post(() => stepUp({ maxAge: 300, mfa: true, returnTo: '/billing' }));
    expect(to.url).toBe('/billing');
    expect(cookieWrites()).toEqual([]);
    expect(app.idp.stats().authorizeRequests).toBe(authorizeBefore);
  });

  it('an expired access token is refreshed on the way: the step-up starts for the same user, not a sign-in', async () => {
    const before = await signedInAnHourAgo();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    const to = await post(() => stepUp({ maxAge: 60 }));
    expect(new URL(to.url).searchParams.get('max_age')).toBe('60');
    expect(new URL(to.url).searchParams.get('login_hint')).toBe('alice@example.com');
    expect(app.idp.stats().refreshes).toBe(1);
    expect(responseCookies().get('wos-session')?.deleted).toBe(false);
    vi.useRealTimers();
    await complete(to);
    expect((await app.kit.getSession(app.app.header()))?.sessionId).toBe(before.sessionId);
  });

  it('a fourth pending step-up evicts the oldest: three transactions at most, the evicted one no longer completes', async () => {
    await signedInAnHourAgo();
    const flows = [];
    for (const page of ['/a', '/b', '/c', '/d']) {
      const to = await post(() => stepUp(), page);
      app.app.store(actionResponse(to.url));
      flows.push({ to, state: new URL(to.url).searchParams.get('state')! });
    }
    expect(responseCookies().get(`wos-session-tx-${flows[0]!.state}`)?.deleted).toBe(true);
    expect(txCookies().sort()).toEqual(flows.slice(1).map((f) => `wos-session-tx-${f.state}`).sort());

    const session = app.app.get('wos-session');
    const stale = await complete(flows[0]!.to);
    expect(stale.status).toBeGreaterThanOrEqual(400);
    expect(await stale.text()).toContain('unknown_state');
    expect(app.app.get('wos-session')).toBe(session);
    expect((await complete(flows[3]!.to)).headers.get('location')).toBe('/d');
  });

  // An action is also a plain async function a page can call; there cookies are read-only, so the
  // auth route seals the transaction instead.
  it('called while rendering a page, the step-up still completes', async () => {
    await signedInAnHourAgo();
    inRender(app.app.header(), { path: '/danger' });
    const to = await expectRedirect(() => stepUp({ maxAge: 60 }));
    const start = to.url.startsWith('/') ? await app.server.handleAuthRoute(app.request(to.url)) : actionResponse(to.url);
    const done = await app.server.handleCallback(await app.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/danger');
  });

  it('called while rendering with an expired access token: no rotation there (it could not be written); the auth route refreshes once and steps up', async () => {
    const before = await signedInAnHourAgo();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    inRender(app.app.header(), { path: '/danger' });
    const to = await expectRedirect(() => stepUp({ maxAge: 60 }));
    expect(app.idp.stats().refreshes).toBe(0);
    expect(to.url).toMatch(/^\/callback\?authkit=step-up&maxAge=60&/);
    const start = await app.server.handleAuthRoute(app.request(to.url));
    expect(app.idp.stats().refreshes).toBe(1);
    expect(new URL(start.headers.get('location')!).searchParams.get('login_hint')).toBe('alice@example.com');
    app.app.store(start);
    const done = await app.server.handleCallback(await app.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/danger');
    app.app.store(done);
    expect((await app.kit.getSession(app.app.header()))?.sessionId).toBe(before.sessionId);
  });
});

describe('signIn', () => {
  it('a form with returnTo: authorize without max_age, a transaction cookie, and back to returnTo', async () => {
    const to = await post(() => signIn(form({ returnTo: '/reports?range=7d' })));
    const authorize = new URL(to.url);
    expect(authorize.origin).toBe(app.idp.url);
    expect(authorize.searchParams.has('max_age')).toBe(false);
    expect(responseCookies().has(`wos-session-tx-${authorize.searchParams.get('state')}`)).toBe(true);
    expect((await complete(to, { email: 'bob@example.com' })).headers.get('location')).toBe('/reports?range=7d');
    inRender(app.app.header());
    expect((await withAuth()).user?.email).toBe('bob@example.com');
  });

  it('without returnTo: back to the page the form was posted from; a referer from another host is ignored', async () => {
    expect((await complete(await post(() => signIn(), '/pricing?plan=pro'))).headers.get('location')).toBe('/pricing?plan=pro');
    inAction(null, { referer: 'https://evil.example/pricing' });
    expect((await complete(await expectRedirect(() => signIn()))).headers.get('location')).toBe('/');
  });

  it('a forged returnTo comes back to /', async () => {
    expect((await complete(await post(() => signIn({ returnTo: '//evil.example' })))).headers.get('location')).toBe('/');
  });

  // DEFECT (reported): as for stepUp, called from a page signIn redirects to the IdP without the
  // transaction it could not write. Remove `.fails` once fixed.
  it('called while rendering a page, the sign-in still completes', async () => {
    inRender(null, { path: '/welcome' });
    const to = await expectRedirect(() => signIn());
    const start = to.url.startsWith('/') ? await app.server.handleAuthRoute(app.request(to.url)) : actionResponse(to.url);
    expect((await app.server.handleCallback(await app.throughIdp(start, {}))).headers.get('location')).toBe('/welcome');
  });
});

describe('signOut', () => {
  it('clears the session cookie and ends the IdP session, returning to returnTo on this origin', async () => {
    const before = await signedInAnHourAgo();
    const to = await post(() => signOut(form({ returnTo: '/goodbye' })));
    const logout = new URL(to.url);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${app.idp.url}/user_management/sessions/logout`);
    expect(logout.searchParams.get('session_id')).toBe(before.sessionId);
    expect(logout.searchParams.get('return_to')).toBe(`${APP}/goodbye`);
    expect(responseCookies().get('wos-session')?.deleted).toBe(true);

    app.app.store(actionResponse(to.url));
    const ended = await fetch(to.url, { redirect: 'manual', headers: { cookie: app.idpJar.header() } });
    expect(ended.headers.get('location')).toBe(`${APP}/goodbye`);
    expect(app.idp.session(before.sessionId)?.status).toBe('logged_out');
    inRender(app.app.header());
    expect(await withAuth()).toEqual({ user: null });
  });

  it('a forged returnTo returns to / on this origin', async () => {
    await signedInAnHourAgo();
    const to = await post(() => signOut({ returnTo: 'https://evil.example/' }));
    expect(new URL(to.url).searchParams.get('return_to')).toBe(`${APP}/`);
  });

  it('signed out already: straight to returnTo, nothing at the IdP', async () => {
    const to = await post(() => signOut(form({ returnTo: '/goodbye' })));
    expect(to.url).toBe('/goodbye');
    expect(app.idp.stats().logouts).toBe(0);
  });

  // DEFECT (reported): called from a page (e.g. app/logout/page.tsx), signOut cannot delete the
  // cookie, ignores that, and still sends the browser to the IdP's logout: the IdP session ends
  // but the app's session cookie survives, so the user is still signed in here. Remove `.fails`
  // once it falls back to the auth route's ?authkit=sign-out.
  it('called while rendering a page, the user is signed out of the app too', async () => {
    await signedInAnHourAgo();
    inRender(app.app.header());
    const to = await expectRedirect(() => signOut({ returnTo: '/goodbye' }));
    const response = to.url.startsWith('/callback') ? await app.server.handleAuthRoute(app.request(to.url)) : actionResponse(to.url);
    app.app.store(response);
    inRender(app.app.header());
    expect(await withAuth()).toEqual({ user: null });
  });
});
