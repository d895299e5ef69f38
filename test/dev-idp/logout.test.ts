/**
 * The dev identity provider's logout endpoint over real HTTP on 127.0.0.1: it ends the session
 * (cookie, refresh tokens, SSO), and follows `return_to` only to a registered redirect URI's
 * origin (security review: open redirect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { APP } from '../helpers/flow.js';
import { Browser, REDIRECT, authenticate, authorizeUrl, claims, exchange, login, pkce, refresh, silentLogin } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
});

describe('logout', () => {
  it('ends the session: clears the cookie, kills its refresh tokens, redirects to return_to', async () => {
    const browser = new Browser();
    idp.nextLogin({ email: 'bob@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, browser));
    const sid = claims(tokens).sid as string;
    const returnTo = `${APP}/signed-out`;
    const res = await browser.request(
      `${idp.url}/user_management/sessions/logout?session_id=${sid}&return_to=${encodeURIComponent(returnTo)}`,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(returnTo);
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(browser.cookieCount).toBe(0);

    const dead = await refresh(idp, tokens.refresh_token);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toMatchObject({ error: 'invalid_grant' });
    // No more SSO.
    expect((await browser.request(authorizeUrl(idp, pkce().challenge, 's'))).status).toBe(200);
  });

  it('ends the named session without its browser cookie (server-side sign-out)', async () => {
    const browser = new Browser();
    idp.nextLogin({ email: 'alice@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, browser));
    const res = await fetch(`${idp.url}/user_management/sessions/logout?session_id=${claims(tokens).sid as string}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await (await refresh(idp, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    // The browser's IdP cookie now points at an ended session: no SSO.
    expect((await browser.request(authorizeUrl(idp, pkce().challenge, 's'))).status).toBe(200);
  });

  it('shows a 400 page instead of redirecting to a non-http return_to (more in the logout return_to tests below)', async () => {
    const res = await fetch(`${idp.url}/user_management/sessions/logout?return_to=javascript:alert(1)`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Signed out, but not redirected');
  });

  it('shows a signed-out page without return_to', async () => {
    const res = await fetch(`${idp.url}/user_management/sessions/logout`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Signed out');
  });

  it('ends the session even when the code is exchanged afterwards', async () => {
    const browser = new Browser();
    idp.nextLogin({ email: 'bob@example.com' });
    const login = await silentLogin(idp, browser);
    await browser.request(`${idp.url}/user_management/sessions/logout`);
    const res = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier });
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('logout return_to (security review: open redirect)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ redirectUri: [REDIRECT, 'https://app.example.com/auth/callback'] });
  });
  afterAll(() => idp.close());

  const logout = (browser: Browser, query: string) => browser.get(`${idp.url}/user_management/sessions/logout?${query}`);

  // The URLs below are spelled out, not built from APP: each is a spelling of REDIRECT's origin
  // (or a near miss of it) that the IdP must normalise or refuse.
  it('redirects to an origin of a registered redirect URI', async () => {
    for (const [returnTo, location] of [
      ['http://localhost:3000/signed-out', 'http://localhost:3000/signed-out'],
      ['http://localhost:3000', 'http://localhost:3000/'],
      ['HTTP://LOCALHOST:3000/bye?x=1', 'http://localhost:3000/bye?x=1'],
      ['https://app.example.com/', 'https://app.example.com/'],
      // The parsed URL is what the browser is sent to: the backslash is a path here.
      ['http://localhost:3000\\@evil.example/', 'http://localhost:3000/@evil.example/'],
    ] as const) {
      const res = await logout(new Browser(), `return_to=${encodeURIComponent(returnTo)}`);
      expect(res.status, returnTo).toBe(302);
      expect(res.headers.get('location')).toBe(location);
    }
  });

  it('answers anything else with a 400 page that explains it, and still ends the session', async () => {
    for (const returnTo of [
      'https://evil.example/',
      'http://localhost:3001/',
      'https://localhost:3000/',
      'http://app.example.com/',
      'https://app.example.com.evil.example/',
      'http://localhost:3000@evil.example/',
      '//evil.example/',
      '/relative',
      'javascript:alert(1)',
      'data:text/html,hi',
    ]) {
      const browser = new Browser();
      const tokens = await login(idp, browser);
      const res = await logout(browser, `session_id=${tokens.sid}&return_to=${encodeURIComponent(returnTo)}`);
      expect(res.status, returnTo).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
      const html = await res.text();
      expect(html).toContain('Signed out, but not redirected');
      expect(html).toMatch(/not on the origin of a registered redirect URI|not an absolute http\(s\) URL/);
      expect(html).toContain(APP);
      expect(html).toContain('https://app.example.com');
      expect(html).not.toContain('<script');
      // Signing out is never refused: the session is over all the same.
      expect(idp.session(tokens.sid)?.status).toBe('logged_out');
      expect(await (await refresh(idp, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('refuses a repeated return_to', async () => {
    const res = await logout(new Browser(), `return_to=${encodeURIComponent(`${APP}/`)}&return_to=${encodeURIComponent('https://evil.example/')}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('more than once');
  });

  it('without registered redirect URIs, follows only loopback origins', async () => {
    const open = await startDevIdp();
    try {
      for (const returnTo of ['http://127.0.0.1:4567/bye', 'http://localhost:9/', 'http://[::1]:3000/']) {
        const res = await fetch(`${open.url}/user_management/sessions/logout?return_to=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
        expect(res.status, returnTo).toBe(302);
        expect(res.headers.get('location')).toBe(new URL(returnTo).href);
      }
      const evil = await fetch(`${open.url}/user_management/sessions/logout?return_to=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
      expect(evil.status).toBe(400);
      expect(evil.headers.get('location')).toBeNull();
      expect(await evil.text()).toContain('not a loopback origin');
    } finally {
      await open.close();
    }
  });
});
