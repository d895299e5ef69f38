import { sealData } from 'iron-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { APP, COOKIE_PASSWORD, FOREIGN_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { txCookieOf } from '../helpers/transactions.js';
import { internal } from '../../src/core/internal.js';

// Sign-in, session reading, sign-out: createAuthKit driven with plain Requests against the dev IdP over HTTP.
describe('sign-in and session', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('signs in and exposes amr and authTime from the verified token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const done = await h.signIn({ email: 'alice@example.com' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/dashboard');
    expect(done.headers.get('cache-control')).toBe('private, no-store');
    const setCookie = done.headers.getSetCookie().find((c) => c.startsWith('wos-session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain-http localhost redirect URI
    // The transaction cookie is consumed.
    expect(h.app.names().filter((n) => n.includes('-tx-'))).toEqual([]);

    const auth = await h.kit.getSession(h.app.header());
    expect(auth?.user.email).toBe('alice@example.com');
    expect(auth?.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(auth?.authTime).toBeGreaterThanOrEqual(before);
    expect(auth?.sessionId).toMatch(/^session_/);
    expect(auth?.organizationId).toMatch(/^org_/);
    expect(auth?.accessToken).toBeTypeOf('string');
  });

  it('the authorize URL carries PKCE S256, state and the WorkOS parameters', async () => {
    const start = await h.kit.signIn(h.request('/'), { returnTo: '/x', screenHint: 'sign-up', loginHint: 'bob@example.com', organizationId: 'org_123' });
    const url = new URL(start.headers.get('location')!);
    expect(url.pathname).toBe('/user_management/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: h.idp.clientId,
      redirect_uri: `${APP}/callback`,
      response_type: 'code',
      provider: 'authkit',
      code_challenge_method: 'S256',
      screen_hint: 'sign-up',
      login_hint: 'bob@example.com',
      organization_id: 'org_123',
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.has('max_age')).toBe(false);
    const tx = txCookieOf(start).setCookie;
    expect(tx).toMatch(/HttpOnly/);
    expect(tx).toMatch(/Max-Age=600/);
  });

  it('a forged returnTo lands on the site root (invariant 6)', async () => {
    for (const evil of ['//evil.example', '/\\evil.example', 'https:evil.example', '/%2F%2Fevil.example']) {
      const done = await h.signIn({}, evil);
      expect(done.headers.get('location')).toBe('/');
    }
  });

  it('tampered, truncated and foreign cookies read as signed out', async () => {
    await h.signIn();
    const seal = h.app.get('wos-session')!;
    const flipped = seal.slice(0, 50) + (seal[50] === 'a' ? 'b' : 'a') + seal.slice(51);
    expect(await h.kit.getSession(`wos-session=${flipped}`)).toBeNull();
    expect(await h.kit.getSession(`wos-session=${seal.slice(0, 100)}`)).toBeNull();
    expect(await h.kit.getSession('wos-session=')).toBeNull();
    expect(await h.kit.getSession(`wos-session=${await sealData({ accessToken: 'x', refreshToken: 'y', user: { id: 'u' } }, { password: FOREIGN_PASSWORD })}`)).toBeNull();
    expect(await h.kit.getSession(null)).toBeNull();
  });

  it('a session whose token belongs to another user is rejected (sub must equal the sealed user)', async () => {
    await h.signIn({ email: 'alice@example.com' });
    const alice = await h.kit.getSession(h.app.header());
    const forged = await sealData(
      { accessToken: alice!.accessToken, refreshToken: 'r', user: { ...alice!.user, id: 'user_someone_else' } },
      { password: COOKIE_PASSWORD },
    );
    expect(await h.kit.getSession(`wos-session=${forged}`)).toBeNull();
  });

  it('a session too large for cookies is refused at the callback with a clear code, nothing written', async () => {
    const big = await startHarness({
      idp: {
        users: [
          { id: 'user_01BIG', email: 'big@example.com', password: 'password', firstName: 'Big', lastName: 'User', organizationId: 'org_01BIG', role: 'admin', permissions: Array.from({ length: 400 }, (_, i) => `permission:resource-${i}:write`) },
        ],
      },
    });
    try {
      const start = await big.kit.signIn(big.request('/'));
      const res = await big.kit.handleCallback(await big.throughIdp(start, { email: 'big@example.com' }));
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('session_too_large');
      expect(res.headers.getSetCookie().some((c) => /^wos-session(\.\d+)?=/.test(c))).toBe(false);
    } finally {
      await big.close();
    }
  });

  it('repeat reads hit the session cache; a different cookie does not', async () => {
    await h.signIn();
    const first = await h.kit.getSession(h.app.header());
    const second = await h.kit.getSession(h.app.header());
    expect(second).toBe(first);
    expect(internal(h.kit).store.cache.size).toBe(1);
  });

  it('signs out: clears the cookie, ends the provider session, refresh stops working', async () => {
    await h.signIn();
    const auth = await h.kit.getSession(h.app.header());
    const out = await h.kit.signOut(h.request('/', { method: 'POST' }), { returnTo: '/goodbye' });
    expect(out.status).toBe(303);
    const logout = new URL(out.headers.get('location')!);
    expect(logout.pathname).toBe('/user_management/sessions/logout');
    expect(logout.searchParams.get('session_id')).toBe(auth!.sessionId);
    expect(logout.searchParams.get('return_to')).toBe(`${APP}/goodbye`);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('wos-session='));
    expect(cleared).toMatch(/Max-Age=0/);
    const followed = await fetch(logout, { redirect: 'manual', headers: { cookie: h.idpJar.header() } });
    expect(followed.headers.get('location')).toBe(`${APP}/goodbye`);
    const oldSeal = h.app.get('wos-session')!;
    h.app.store(out);
    expect(await h.kit.getSession(h.app.header())).toBeNull();
    // The provider session is gone: its refresh token no longer works.
    const oldSession = await unsealSession(oldSeal, COOKIE_PASSWORD);
    expect(oldSession?.refreshToken).toBeTypeOf('string');
    const forcedRefresh = await internal(h.newKit()).store.refresh(oldSession!).catch((e: unknown) => e);
    expect(forcedRefresh).toMatchObject({ transient: false, providerCode: 'invalid_grant' });
  });
});
