import { WorkOS } from '@workos-inc/node';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKit, type AuthKit } from '../../src/index.js';
import { startDevIdp, type DevIdp } from '../../src/testing/index.js';
import { APP, COOKIE_PASSWORD, Jar } from '../helpers/flow.js';

// Contract test: the official WorkOS Node SDK (v10), pointed at the dev IdP, must work unchanged.
// If it does, the dev IdP speaks the wire format the SDK (and WorkOS) speak, and what our SDK
// learns from the dev IdP holds against WorkOS too.

const REDIRECT_URI = `${APP}/callback`;
const now = () => Math.floor(Date.now() / 1000);

let dev: DevIdp;
let workos: WorkOS;
let ours: AuthKit;

beforeAll(async () => {
  dev = await startDevIdp({ redirectUri: REDIRECT_URI });
  const api = new URL(dev.url);
  workos = new WorkOS(dev.apiKey, { apiHostname: api.hostname, port: Number(api.port), https: false, clientId: dev.clientId });
  ours = createAuthKit({ clientId: dev.clientId, apiKey: dev.apiKey, redirectUri: REDIRECT_URI, cookiePassword: COOKIE_PASSWORD, apiUrl: dev.url, env: {} });
});

afterAll(() => dev.close());

/** Follows an authorize URL through a scripted dev-IdP login; returns the callback URL. */
async function login(url: string, next: Parameters<DevIdp['nextLogin']>[0]): Promise<URL> {
  dev.nextLogin(next);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const callback = new URL(response.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  return callback;
}

async function codeExchange(next: Parameters<DevIdp['nextLogin']>[0] = {}) {
  const { url, state, codeVerifier } = await workos.userManagement.getAuthorizationUrlWithPKCE({
    provider: 'authkit',
    redirectUri: REDIRECT_URI,
    loginHint: next.email ?? 'alice@example.com',
  });
  const callback = await login(url, next);
  expect(callback.searchParams.get('state')).toBe(state);
  return workos.userManagement.authenticateWithCode({ code: callback.searchParams.get('code')!, codeVerifier });
}

describe('@workos-inc/node 10 against the dev IdP', () => {
  it('getAuthorizationUrl() builds a URL the dev IdP accepts, with PKCE, max_age and login_hint', async () => {
    const { codeChallenge, codeVerifier } = await workos.pkce.generate();
    const url = workos.userManagement.getAuthorizationUrl({
      provider: 'authkit',
      clientId: dev.clientId,
      redirectUri: REDIRECT_URI,
      state: 'opaque-state-123',
      codeChallenge,
      codeChallengeMethod: 'S256',
      loginHint: 'bob@example.com',
      maxAge: 0,
      screenHint: 'sign-in',
    });
    expect(new URL(url).pathname).toBe('/user_management/authorize');
    expect(new URL(url).searchParams.get('max_age')).toBe('0');
    // Unscripted, the dev IdP shows its login form (the request parsed); scripted, it redirects with a code.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('bob@example.com');
    const callback = await login(url, {});
    expect(callback.searchParams.get('state')).toBe('opaque-state-123');
    const auth = await workos.userManagement.authenticateWithCode({ clientId: dev.clientId, code: callback.searchParams.get('code')!, codeVerifier });
    expect(auth.user.email).toBe('bob@example.com');
  });

  it('authenticateWithCode (PKCE) returns the user and tokens with the claims step-up needs', async () => {
    const authTime = now() - 20;
    const auth = await codeExchange({ email: 'alice@example.com', amr: ['pwd', 'otp', 'mfa'], authTime });
    const alice = dev.users[0]!;
    expect(auth.user).toMatchObject({ object: 'user', id: alice.id, email: alice.email, emailVerified: true, firstName: 'Alice', lastName: 'Admin', profilePictureUrl: null, externalId: null, metadata: {} });
    // UserResponse fields the SDK (10.14) reads: the dev IdP sends them, so they are never `undefined`.
    expect(auth.user.name).toBe('Alice Admin');
    expect(auth.user.locale).toBeNull();
    expect(auth.organizationId).toBe(alice.organizationId);
    expect(auth.authenticationMethod).toBe('Password');
    expect(typeof auth.refreshToken).toBe('string');
    const claims = decodeJwt(auth.accessToken);
    expect(claims).toMatchObject({ iss: dev.url, sub: alice.id, client_id: dev.clientId, org_id: alice.organizationId, auth_time: authTime, amr: ['pwd', 'otp', 'mfa'] });
    expect(String(claims.sid)).toMatch(/^session_/);

    // The same user object, field for field, as our SDK keeps in the cookie for the same login.
    const jar = new Jar();
    const start = await ours.signIn(new Request(`${APP}/`));
    jar.store(start);
    const callback = await login(start.headers.get('location')!, { email: 'alice@example.com' });
    const done = await ours.handleCallback(new Request(callback, { headers: { cookie: jar.header() } }));
    jar.store(done);
    const mine = (await ours.getSession(jar.header()))!;
    // Every field of our User has the SDK's name and value (login times aside).
    const theirs = auth.user as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(mine.user)) {
      expect(key in theirs, key).toBe(true);
      if (key !== 'lastSignInAt' && key !== 'updatedAt') expect(value, key).toEqual(theirs[key]);
    }
  });

  it('authenticateWithRefreshToken rotates; the old refresh token is refused; sid and auth_time stay', async () => {
    const authTime = now() - 50;
    const first = await codeExchange({ authTime });
    const second = await workos.userManagement.authenticateWithRefreshToken({ clientId: dev.clientId, refreshToken: first.refreshToken });
    expect(second.user.id).toBe(first.user.id);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    const [a, b] = [decodeJwt(first.accessToken), decodeJwt(second.accessToken)];
    expect(b.sid).toBe(a.sid);
    expect(b.auth_time).toBe(authTime);
    expect(b.org_id).toBe(a.org_id);
    // The SDK surfaces the OAuth error body, as WorkOS sends it.
    await expect(workos.userManagement.authenticateWithRefreshToken({ clientId: dev.clientId, refreshToken: first.refreshToken })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('getJwksUrl(clientId) serves the key that verifies the access tokens', async () => {
    const auth = await codeExchange();
    const jwksUrl = workos.userManagement.getJwksUrl(dev.clientId);
    expect(jwksUrl).toBe(`${dev.url}/sso/jwks/${dev.clientId}`);
    const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Array<{ kty: string; kid: string; alg: string }> };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    const { protectedHeader } = await jwtVerify(auth.accessToken, createRemoteJWKSet(new URL(jwksUrl)), { issuer: dev.url });
    expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid);
  });

  it('getLogoutUrl() ends the session at the dev IdP and returns to the app', async () => {
    const auth = await codeExchange();
    const sid = String(decodeJwt(auth.accessToken).sid);
    const logout = workos.userManagement.getLogoutUrl({ sessionId: sid, returnTo: `${APP}/bye` });
    const response = await fetch(logout, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${APP}/bye`);
    await expect(workos.userManagement.authenticateWithRefreshToken({ clientId: dev.clientId, refreshToken: auth.refreshToken })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('sessions sealed by its sealSession are read by ours, and ours by its authenticateWithSessionCookie', async () => {
    const authTime = now() - 10;
    dev.nextLogin({ email: 'alice@example.com', amr: ['pwd', 'otp', 'mfa'], authTime });
    const { url, codeVerifier } = await workos.userManagement.getAuthorizationUrlWithPKCE({ provider: 'authkit', redirectUri: REDIRECT_URI });
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const sealed = await workos.userManagement.authenticateWithCode({ code, codeVerifier, session: { sealSession: true, cookiePassword: COOKIE_PASSWORD } });
    expect(sealed.sealedSession).toBeTruthy();
    const auth = (await ours.getSession(`wos-session=${sealed.sealedSession}`))!;
    expect(auth.user.id).toBe(sealed.user.id);
    expect(auth.authTime).toBe(authTime);
    expect(auth.amr).toEqual(['pwd', 'otp', 'mfa']);

    const jar = new Jar();
    const start = await ours.signIn(new Request(`${APP}/`));
    jar.store(start);
    const callback = await login(start.headers.get('location')!, { email: 'bob@example.com' });
    jar.store(await ours.handleCallback(new Request(callback, { headers: { cookie: jar.header() } })));
    const theirs = await workos.userManagement.authenticateWithSessionCookie({ sessionData: jar.get('wos-session')!, cookiePassword: COOKIE_PASSWORD });
    expect(theirs).toMatchObject({ authenticated: true, user: { email: 'bob@example.com' } });
    expect(theirs.authenticated && theirs.sessionId).toBe((await ours.getSession(jar.header()))!.sessionId);
  });
});
