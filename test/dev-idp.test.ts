/**
 * The dev identity provider over real HTTP on 127.0.0.1 (random ports).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevIdpCli, startDevIdp } from '../src/testing/index.js';
import type { DevIdp } from '../src/testing/index.js';
import { APP } from './helpers/flow.js';

const REDIRECT = `${APP}/callback`;

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A cookie jar over fetch, never following redirects. */
class Browser {
  private readonly jar = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, pair!.slice(eq + 1));
    }
    return res;
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  get cookieCount(): number {
    return this.jar.size;
  }
}

interface AuthorizeExtras {
  maxAge?: number;
  loginHint?: string;
  organizationId?: string;
  redirectUri?: string;
}

function authorizeUrl(idp: DevIdp, challenge: string, state: string, extra: AuthorizeExtras = {}): string {
  const u = new URL(`${idp.url}/user_management/authorize`);
  u.searchParams.set('client_id', idp.clientId);
  u.searchParams.set('redirect_uri', extra.redirectUri ?? REDIRECT);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('provider', 'authkit');
  u.searchParams.set('state', state);
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  if (extra.maxAge !== undefined) u.searchParams.set('max_age', String(extra.maxAge));
  if (extra.loginHint) u.searchParams.set('login_hint', extra.loginHint);
  if (extra.organizationId) u.searchParams.set('organization_id', extra.organizationId);
  return u.href;
}

function pendingId(html: string): string {
  const m = /name="pending" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no pending id in page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

function codeFrom(res: Response, state: string): string {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(state);
  const code = location.searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

/** Drives the form: login page -> password -> (code page) -> redirect. */
async function interactiveLogin(
  idp: DevIdp,
  browser: Browser,
  email: string,
  extra: AuthorizeExtras = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const page = await browser.request(authorizeUrl(idp, challenge, state, extra));
  expect(page.status).toBe(200);
  const pending = pendingId(await page.text());
  let res = await browser.post(`${idp.url}/dev-idp/login`, { pending, email, password: 'password' });
  const user = idp.users.find((u) => u.email === email)!;
  if (user.mfa) {
    expect(res.status).toBe(200);
    res = await browser.post(`${idp.url}/dev-idp/mfa`, { pending: pendingId(await res.text()), code: user.mfa.code });
  }
  return { code: codeFrom(res, state), verifier };
}

/** Completes an authorize request that must not show a form (nextLogin or SSO). */
async function silentLogin(idp: DevIdp, browser: Browser, extra: AuthorizeExtras = {}) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const res = await browser.request(authorizeUrl(idp, challenge, state, extra));
  return { code: codeFrom(res, state), verifier };
}

function authenticate(idp: DevIdp, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${idp.url}/user_management/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: idp.clientId, client_secret: idp.apiKey, ...body }),
  });
}

interface TokenResponse {
  user: Record<string, unknown>;
  organization_id?: string;
  access_token: string;
  refresh_token: string;
  authentication_method: string;
}

async function exchange(idp: DevIdp, login: { code: string; verifier: string }): Promise<TokenResponse> {
  const res = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as TokenResponse;
}

async function refresh(idp: DevIdp, refreshToken: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return authenticate(idp, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

const claims = (t: TokenResponse): JWTPayload & Record<string, unknown> => decodeJwt(t.access_token);
const nowSec = () => Math.floor(Date.now() / 1000);

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
});

describe('startDevIdp', () => {
  it('exposes its configuration and default users', () => {
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.clientId).toMatch(/^client_01DEV[0-9A-Z]{21}$/);
    expect(idp.apiKey).toMatch(/^sk_test_/);
    expect(idp.redirectUri).toBe(REDIRECT);
    const [alice, bob] = idp.users;
    expect(alice).toMatchObject({ email: 'alice@example.com', password: 'password', mfa: { code: '123456' } });
    expect(alice!.id).toMatch(/^user_01DEVALICE[0-9A-Z]{16}$/);
    expect(bob).toMatchObject({ email: 'bob@example.com', password: 'password' });
    expect(bob!.mfa).toBeUndefined();
    expect(alice!.organizationId).toMatch(/^org_01DEV/);
    expect(bob!.organizationId).toBe(alice!.organizationId);
  });

  it('rejects bad options up front', async () => {
    await expect(startDevIdp({ users: [] })).rejects.toThrow(/non-empty/);
    await expect(startDevIdp({ accessTokenTtl: -1 })).rejects.toThrow(/accessTokenTtl/);
    await expect(startDevIdp({ redirectUri: 'javascript:alert(1)' })).rejects.toThrow(/redirect URI/);
    expect(() => idp.nextLogin({ email: 'nobody@example.com' })).toThrow(/no dev user/);
  });
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

describe('code exchange', () => {
  it('burns a code presented with the wrong PKCE verifier', async () => {
    const login = await interactiveLogin(idp, new Browser(), 'bob@example.com');
    const bad = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: pkce().verifier });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
    const late = await authenticate(idp, { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('rejects a bad client secret with 401 without spending the code, then refuses a replay', async () => {
    const login = await interactiveLogin(idp, new Browser(), 'alice@example.com');
    const body = { grant_type: 'authorization_code', code: login.code, code_verifier: login.verifier };
    const wrongSecret = await authenticate(idp, { ...body, client_secret: 'sk_test_wrong' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const noSecret = await fetch(`${idp.url}/user_management/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, client_id: idp.clientId }),
    });
    expect(noSecret.status).toBe(401);
    const otherClient = await authenticate(idp, { ...body, client_id: 'client_other' });
    expect(otherClient.status).toBe(401);

    const ok = await authenticate(idp, body);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const tokens = (await ok.json()) as TokenResponse;
    expect(tokens.user).toEqual({
      object: 'user',
      id: idp.users[0]!.id,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Admin',
      first_name: 'Alice',
      last_name: 'Admin',
      locale: null,
      profile_picture_url: null,
      last_sign_in_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
      external_id: null,
      metadata: {},
    });
    expect(tokens.organization_id).toBe(idp.users[0]!.organizationId);
    expect(tokens.authentication_method).toBe('Password');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect('impersonator' in tokens).toBe(false);

    const replay = await authenticate(idp, body);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers malformed grants with OAuth errors', async () => {
    const missing = await authenticate(idp, { grant_type: 'authorization_code' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const unsupported = await authenticate(idp, { grant_type: 'password', email: 'a', password: 'b' });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const unknown = await authenticate(idp, { grant_type: 'authorization_code', code: 'nope', code_verifier: pkce().verifier });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('access token', () => {
  it('verifies against the JWKS and carries the WorkOS claims plus auth_time and amr', async () => {
    const before = nowSec();
    const tokens = await exchange(idp, await interactiveLogin(idp, new Browser(), 'alice@example.com'));
    const jwks = createRemoteJWKSet(new URL(`${idp.url}/sso/jwks/${idp.clientId}`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.url,
      algorithms: ['RS256'],
    });
    const alice = idp.users[0]!;
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      iss: idp.url,
      sub: alice.id,
      client_id: idp.clientId,
      org_id: alice.organizationId,
      role: 'admin',
      roles: ['admin'],
      permissions: alice.permissions,
      entitlements: alice.entitlements,
      feature_flags: alice.featureFlags,
      amr: ['pwd', 'otp', 'mfa'],
    });
    expect(payload.sid).toMatch(/^session_01[0-9A-Z]{24}$/);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBeLessThanOrEqual(nowSec());
    expect(payload.aud).toBeUndefined();
  });

  it('serves its JWKS only for its own client id, with a kid unique per start', async () => {
    const res = await fetch(`${idp.url}/sso/jwks/${idp.clientId}`);
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]!.d).toBeUndefined();
    expect((await fetch(`${idp.url}/sso/jwks/client_someone_else`)).status).toBe(404);

    const other = await startDevIdp();
    try {
      const otherKeys = (await (await fetch(`${other.url}/sso/jwks/${other.clientId}`)).json()) as { keys: Array<{ kid: string }> };
      expect(otherKeys.keys[0]!.kid).not.toBe(keys[0]!.kid);
      expect(other.clientId).not.toBe(idp.clientId);
    } finally {
      await other.close();
    }
  });
});

describe('refresh', () => {
  it('rotates the refresh token and keeps sid, auth_time and amr', async () => {
    idp.nextLogin({ email: 'alice@example.com', authTime: nowSec() - 100 });
    const first = await exchange(idp, await silentLogin(idp, new Browser()));
    const res = await refresh(idp, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as TokenResponse;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const a = claims(first);
    const b = claims(second);
    expect(b.sid).toBe(a.sid);
    expect(b.auth_time).toBe(a.auth_time);
    expect(b.amr).toEqual(a.amr);
    expect(b.jti).not.toBe(a.jti);
    expect(b.org_id).toBe(a.org_id);

    // The old token is refused as reused; its successor keeps working.
    const reused = await refresh(idp, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Refresh token already exchanged.' });
    const third = await refresh(idp, second.refresh_token);
    expect(third.status).toBe(200);
    const thirdBody = (await third.json()) as TokenResponse;

    // Switching organization changes org_id only.
    const switched = await refresh(idp, thirdBody.refresh_token, { organization_id: 'org_01OTHER' });
    const sw = (await switched.json()) as TokenResponse;
    expect(sw.organization_id).toBe('org_01OTHER');
    expect(claims(sw)).toMatchObject({ org_id: 'org_01OTHER', sid: a.sid, auth_time: a.auth_time });
    // ... and later refreshes remember it.
    const after = (await (await refresh(idp, sw.refresh_token)).json()) as TokenResponse;
    expect(claims(after).org_id).toBe('org_01OTHER');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    idp.nextLogin({ email: 'bob@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, new Browser()));
    const before = idp.stats();
    const results = await Promise.all([refresh(idp, tokens.refresh_token), refresh(idp, tokens.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const after = idp.stats();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(after.refreshFailures - before.refreshFailures).toBe(1);
  });

  it('rejects unknown tokens and a bad organization id', async () => {
    expect(await (await refresh(idp, 'garbage')).json()).toMatchObject({ error: 'invalid_grant' });
    idp.nextLogin({ email: 'bob@example.com' });
    const tokens = await exchange(idp, await silentLogin(idp, new Browser()));
    const bad = await refresh(idp, tokens.refresh_token, { organization_id: '<script>' });
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    // Not spent by the malformed request.
    expect((await refresh(idp, tokens.refresh_token)).status).toBe(200);
  });
});

describe('max_age and SSO', () => {
  it('signs in silently with the IdP cookie, forces a login when max_age is exceeded or 0, keeps sid', async () => {
    const browser = new Browser();
    const stale = nowSec() - 600;
    idp.nextLogin({ email: 'alice@example.com', authTime: stale });
    const first = claims(await exchange(idp, await silentLogin(idp, browser)));
    expect(first.auth_time).toBe(stale);
    expect(browser.cookieCount).toBe(1);

    // No max_age: SSO with the session's auth_time and amr.
    const sso = claims(await exchange(idp, await silentLogin(idp, browser)));
    expect(sso).toMatchObject({ sid: first.sid, auth_time: stale, amr: ['pwd', 'otp', 'mfa'], sub: first.sub });

    // max_age larger than the session's age: still silent.
    const stillFresh = claims(await exchange(idp, await silentLogin(idp, browser, { maxAge: 3600 })));
    expect(stillFresh.auth_time).toBe(stale);

    // max_age smaller than the age: the login page, asking to confirm.
    const forced = await browser.request(authorizeUrl(idp, pkce().challenge, 's', { maxAge: 60 }));
    expect(forced.status).toBe(200);
    const forcedHtml = await forced.text();
    expect(forcedHtml).toContain('/dev-idp/login');
    expect(forcedHtml).toContain('Confirm it’s you');

    // Re-authenticating through the form keeps the sid and moves auth_time to now.
    const before = nowSec();
    const reauth = claims(await exchange(idp, await interactiveLogin(idp, browser, 'alice@example.com', { maxAge: 60 })));
    expect(reauth.sid).toBe(first.sid);
    expect(reauth.auth_time).toBeGreaterThanOrEqual(before);

    // max_age=0 always forces a login, even right after one.
    const zero = await browser.request(authorizeUrl(idp, pkce().challenge, 's', { maxAge: 0 }));
    expect(zero.status).toBe(200);
    expect(await zero.text()).toContain('/dev-idp/login');
    const again = claims(await exchange(idp, await interactiveLogin(idp, browser, 'alice@example.com', { maxAge: 0 })));
    expect(again.sid).toBe(first.sid);

    // A different user in the same browser gets a new session.
    const bob = claims(await exchange(idp, await interactiveLogin(idp, browser, 'bob@example.com', { maxAge: 0 })));
    expect(bob.sid).not.toBe(first.sid);
    expect(bob.sub).toBe(idp.users[1]!.id);
  });

  it('does not answer a login_hint for another user silently', async () => {
    const browser = new Browser();
    idp.nextLogin({ email: 'alice@example.com' });
    await silentLogin(idp, browser);
    const res = await browser.request(authorizeUrl(idp, pkce().challenge, 's', { loginHint: 'bob@example.com' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('value="bob@example.com"');
  });

  it('rejects garbage max_age', async () => {
    const res = await fetch(authorizeUrl(idp, pkce().challenge, 's').concat('&max_age=-5'), { redirect: 'manual' });
    expect(res.status).toBe(400);
  });
});

describe('nextLogin', () => {
  it('completes the next authorize request without a form, with a stale authTime and another email', async () => {
    const browser = new Browser();
    idp.nextLogin({ email: 'alice@example.com' });
    const alice = claims(await exchange(idp, await silentLogin(idp, browser, { maxAge: 0 })));
    expect(alice.sub).toBe(idp.users[0]!.id);
    expect(alice.amr).toEqual(['pwd', 'otp', 'mfa']);

    // An IdP that ignored max_age: same session, stale auth_time.
    const stale = nowSec() - 3600;
    idp.nextLogin({ authTime: stale, amr: ['pwd'] });
    const ignored = claims(await exchange(idp, await silentLogin(idp, browser, { maxAge: 0, loginHint: 'alice@example.com' })));
    expect(ignored).toMatchObject({ sid: alice.sid, auth_time: stale, amr: ['pwd'], sub: alice.sub });

    // An account switch: another user, another session.
    idp.nextLogin({ email: 'bob@example.com' });
    const bob = claims(await exchange(idp, await silentLogin(idp, browser, { maxAge: 0, loginHint: 'alice@example.com' })));
    expect(bob.sub).toBe(idp.users[1]!.id);
    expect(bob.sid).not.toBe(alice.sid);
    expect(bob.amr).toEqual(['pwd']);
  });

  it('queues first in, first out and defaults to the login_hint user', async () => {
    idp.nextLogin();
    idp.nextLogin({ email: 'alice@example.com' });
    const hinted = claims(await exchange(idp, await silentLogin(idp, new Browser(), { loginHint: 'bob@example.com' })));
    expect(hinted.sub).toBe(idp.users[1]!.id);
    const second = claims(await exchange(idp, await silentLogin(idp, new Browser(), { loginHint: 'bob@example.com' })));
    expect(second.sub).toBe(idp.users[0]!.id);
    // Queue empty again: the form.
    expect((await fetch(authorizeUrl(idp, pkce().challenge, 's'), { redirect: 'manual' })).status).toBe(200);
  });
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

  it('shows a 400 page instead of redirecting to a non-http return_to (more in dev-idp-security.test.ts)', async () => {
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

describe('robustness', () => {
  it('answers garbage with 4xx and keeps serving', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${idp.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body, redirect: 'manual' });

    expect((await post('/user_management/authenticate', '{not json')).status).toBe(400);
    expect((await post('/user_management/authenticate', '[1,2]')).status).toBe(400);
    expect((await post('/user_management/authenticate', 'null')).status).toBe(400);
    expect((await post('/user_management/authenticate', JSON.stringify({ grant_type: 42, client_id: {} }))).status).toBe(401);
    expect((await post('/user_management/authenticate', 'x'.repeat(200_000))).status).toBe(413);
    expect((await post('/dev-idp/login', 'pending=%zz&email=%')).status).toBe(400);
    expect((await post('/dev-idp/mfa', '')).status).toBe(400);
    expect((await fetch(`${idp.url}/user_management/authenticate`)).status).toBe(405);
    expect((await post('/user_management/authorize', '')).status).toBe(405);

    const notFound = await fetch(`${idp.url}/nope?%zz`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toMatch(/application\/json/);
    expect(await notFound.json()).toMatchObject({ code: 'not_found' });
    expect((await fetch(`${idp.url}/sso/jwks/%zz`)).status).toBe(404);
    expect((await fetch(`${idp.url}/user_management/authorize?%zz=%&client_id=%`, { redirect: 'manual' })).status).toBe(400);

    // Raw bytes that are not HTTP, and an absolute-form target.
    const raw = (payload: string) =>
      new Promise<string>((resolve) => {
        const sock = connect(Number(new URL(idp.url).port), '127.0.0.1', () => sock.end(payload));
        let data = '';
        sock.on('data', (d) => (data += d.toString()));
        sock.on('close', () => resolve(data));
        sock.on('error', () => resolve(data));
      });
    expect(await raw('\u0000\u0001garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GET //evil.example/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 404/);

    const alive = await fetch(`${idp.url}/sso/jwks/${idp.clientId}`);
    expect(alive.status).toBe(200);
  });

  it('counts what reached it', async () => {
    const fresh = await startDevIdp();
    try {
      fresh.nextLogin();
      const tokens = await exchange(fresh, await silentLogin(fresh, new Browser(), { redirectUri: REDIRECT }));
      await refresh(fresh, tokens.refresh_token);
      await refresh(fresh, tokens.refresh_token);
      expect(fresh.stats()).toMatchObject({
        authorizeRequests: 1,
        logins: 1,
        scriptedLogins: 1,
        interactiveLogins: 0,
        ssoLogins: 0,
        authenticateRequests: 3,
        codeExchanges: 1,
        refreshes: 1,
        refreshFailures: 1,
        logouts: 0,
        revokeRequests: 0,
        sessionsRevoked: 0,
      });
    } finally {
      await fresh.close();
    }
  });

  it('closes promptly with keep-alive connections open, and close() is idempotent', async () => {
    const temp = await startDevIdp();
    await fetch(`${temp.url}/sso/jwks/${temp.clientId}`); // leaves a keep-alive socket
    const started = Date.now();
    await Promise.all([temp.close(), temp.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${temp.url}/sso/jwks/${temp.clientId}`)).rejects.toThrow();
  });
});

describe('CLI', () => {
  it('prints the environment and demo users, with credentials stable across restarts', async () => {
    const lines: string[] = [];
    const first = await runDevIdpCli(['--port', '0', '--redirect-uri', 'http://localhost:3100/callback'], {
      log: (l) => lines.push(l),
    });
    expect(first).toBeDefined();
    const output = lines.join('\n');
    try {
      const env = first!.env;
      expect(env.WORKOS_API_HOSTNAME).toBe('127.0.0.1');
      expect(env.WORKOS_API_PORT).toBe(new URL(first!.idp.url).port);
      expect(env.WORKOS_API_HTTPS).toBe('false');
      expect(env.WORKOS_REDIRECT_URI).toBe('http://localhost:3100/callback');
      expect(env.WORKOS_COOKIE_PASSWORD!.length).toBeGreaterThanOrEqual(32);
      for (const [k, v] of Object.entries(env)) expect(output).toContain(`${k}=${v}`);
      expect(output).toContain('alice@example.com');
      expect(output).toContain('123456');
      expect(output).toContain('not for production');

      const second = await runDevIdpCli(['--port', '0'], { log: () => {} });
      try {
        expect(second!.env.WORKOS_CLIENT_ID).toBe(env.WORKOS_CLIENT_ID);
        expect(second!.env.WORKOS_API_KEY).toBe(env.WORKOS_API_KEY);
        expect(second!.env.WORKOS_COOKIE_PASSWORD).not.toBe(env.WORKOS_COOKIE_PASSWORD);
        expect(second!.env.WORKOS_REDIRECT_URI).toBe('http://localhost:3000/callback');
      } finally {
        await second!.stop();
      }
    } finally {
      await first!.stop();
    }
  });

  it('prints usage for --help and refuses unknown flags', async () => {
    const lines: string[] = [];
    expect(await runDevIdpCli(['--help'], { log: (l) => lines.push(l) })).toBeUndefined();
    expect(lines.join('\n')).toContain('--redirect-uri');
    await expect(runDevIdpCli(['--bogus'], { log: () => {} })).rejects.toThrow(TypeError);
    await expect(runDevIdpCli(['--port', 'abc'], { log: () => {} })).rejects.toThrow(/--port/);
  });
});

describe('control endpoints (nextLogin and stats from another process)', () => {
  const control = (path: string, init: RequestInit = {}, key = idp.apiKey) =>
    fetch(`${idp.url}/dev-idp/control/${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });

  it('queues a scripted login over HTTP, guarded by the API key', async () => {
    const stale = nowSec() - 900;
    expect((await control('next-login', { method: 'POST', body: JSON.stringify({ email: 'bob@example.com', authTime: stale }) }, 'sk_wrong')).status).toBe(401);
    expect((await fetch(`${idp.url}/dev-idp/control/stats`)).status).toBe(401);
    expect((await control('next-login', { method: 'POST', body: JSON.stringify({ email: 'nobody@example.com' }) })).status).toBe(400);
    expect((await control('next-login', { method: 'POST', body: JSON.stringify({ amr: 'mfa' }) })).status).toBe(400);

    const queued = await control('next-login', { method: 'POST', body: JSON.stringify({ email: 'bob@example.com', authTime: stale, amr: ['pwd', 'hwk'] }) });
    expect(queued.status).toBe(200);
    const tokens = await exchange(idp, await silentLogin(idp, new Browser()));
    expect(decodeJwt(tokens.access_token)).toMatchObject({ auth_time: stale, amr: ['pwd', 'hwk'] });
    expect(tokens.user.email).toBe('bob@example.com');

    const stats = (await (await control('stats')).json()) as Record<string, number>;
    expect(stats.scriptedLogins).toBe(idp.stats().scriptedLogins);
    expect(stats.scriptedLogins).toBeGreaterThan(0);
  });
});
