/**
 * The dev identity provider's authorize endpoint over real HTTP on 127.0.0.1: the login form
 * (password, one-time code) and what it refuses to start from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { APP } from '../helpers/flow.js';
import { Browser, REDIRECT, authorizeUrl, claims, codeFrom, exchange, interactiveLogin, pendingId, pkce, silentLogin } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
});

describe('login form', () => {
  it('walks alice through password and one-time code, then redirects with code and state', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const page = await browser.request(authorizeUrl(idp, challenge, 'st-1', { loginHint: 'alice@example.com' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/dev-idp/login"');
    expect(html).toContain('Dev identity provider — not for production');
    expect(html).toContain('value="alice@example.com"');
    expect(html).toContain('bob@example.com');
    expect(html).toContain('123456');
    const pending = pendingId(html);

    const wrong = await browser.post(`${idp.url}/dev-idp/login`, { pending, email: 'alice@example.com', password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Incorrect email or password');

    const mfa = await browser.post(`${idp.url}/dev-idp/login`, { pending, email: 'alice@example.com', password: 'password' });
    expect(mfa.status).toBe(200);
    const mfaHtml = await mfa.text();
    expect(mfaHtml).toContain('action="/dev-idp/mfa"');
    expect(mfaHtml).toContain('one-time code');

    const badCode = await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '000000' });
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain('not correct');
    expect(browser.cookieCount).toBe(0);

    const done = await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '123 456' });
    codeFrom(done, 'st-1');
    const setCookie = done.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/SameSite=Lax/);

    // The pending request is spent.
    const again = await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '123456' });
    expect(again.status).toBe(400);
  });

  it('signs bob in with the password only, with amr pwd', async () => {
    const browser = new Browser();
    const tokens = await exchange(idp, await interactiveLogin(idp, browser, 'bob@example.com'));
    expect(claims(tokens).amr).toEqual(['pwd']);
    expect(claims(tokens).role).toBe('member');
  });

  it('drops the request after too many wrong codes', async () => {
    const browser = new Browser();
    const page = await browser.request(authorizeUrl(idp, pkce().challenge, 's'));
    const pending = pendingId(await page.text());
    await browser.post(`${idp.url}/dev-idp/login`, { pending, email: 'alice@example.com', password: 'password' });
    for (let i = 0; i < 4; i++) expect((await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '1' })).status).toBe(400);
    const last = await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '1' });
    expect(await last.text()).toContain('Too many');
    const late = await browser.post(`${idp.url}/dev-idp/mfa`, { pending, code: '123456' });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');
  });
});

describe('authorize validation', () => {
  async function expect400(url: string, text: RegExp): Promise<void> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(text);
  }

  it('never redirects to an unvalidated redirect_uri', async () => {
    const { challenge } = pkce();
    await expect400(authorizeUrl(idp, challenge, 's', { redirectUri: 'https://evil.example/callback' }), /not an allowed redirect URI/);
    await expect400(authorizeUrl(idp, challenge, 's', { redirectUri: 'javascript:alert(1)' }), /redirect_uri/);
    // Even when nextLogin is queued, a bad request does not consume it.
    idp.nextLogin({ email: 'bob@example.com' });
    await expect400(authorizeUrl(idp, challenge, 's', { redirectUri: `${APP}/other` }), /not an allowed/);
    await silentLogin(idp, new Browser());
  });

  it('validates client_id, response_type, PKCE and duplicates', async () => {
    const good = new URL(authorizeUrl(idp, pkce().challenge, 's'));
    const variant = (edit: (p: URLSearchParams) => void) => {
      const u = new URL(good);
      edit(u.searchParams);
      return u.href;
    };
    await expect400(variant((p) => p.set('client_id', 'client_nope')), /Unknown client_id/);
    await expect400(variant((p) => p.delete('client_id')), /client_id/);
    await expect400(variant((p) => p.set('response_type', 'token')), /response_type/);
    await expect400(variant((p) => p.delete('code_challenge')), /PKCE/);
    await expect400(variant((p) => p.set('code_challenge_method', 'plain')), /S256/);
    await expect400(variant((p) => p.set('code_challenge', 'short')), /code_challenge/);
    await expect400(variant((p) => p.append('redirect_uri', REDIRECT)), /more than once/);
    await expect400(variant((p) => p.set('provider', 'GoogleOAuth')), /provider/);
    await expect400(variant((p) => p.set('organization_id', '"><script>')), /organization_id/);
  });

  it('accepts any http(s) redirect URI when none is configured and keeps its query', async () => {
    const open = await startDevIdp();
    try {
      open.nextLogin();
      const { challenge } = pkce();
      const u = new URL(`${open.url}/user_management/authorize`);
      for (const [k, v] of Object.entries({
        client_id: open.clientId,
        redirect_uri: 'http://127.0.0.1:4000/cb?x=1',
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })) {
        u.searchParams.set(k, v);
      }
      const res = await fetch(u, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('x')).toBe('1');
      expect(location.searchParams.get('code')).toBeTruthy();
      expect(location.searchParams.has('state')).toBe(false);
      expect(open.redirectUri).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});
