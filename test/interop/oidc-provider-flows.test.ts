import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { hasMfa, PAPE_MULTI_FACTOR, type StepUpEvent } from '../../src/index.js';
import { serializeCookie } from '../../src/core/cookies.js';
import { APP } from '../helpers/flow.js';
import { startOidcHarness, type OidcHarness } from './oidc-flow.js';
import { RESOURCE } from './op-server.js';
import { internal } from '../../src/core/internal.js';

// The generic OpenID Connect provider against a real, certified OP (oidc-provider) over loopback
// HTTP, driven with plain Requests like the dev-IdP integration tests: sign-in, step-up (max_age,
// MFA) and what a step-up answer must meet, refresh, sign-out. Configuration, token checks and OP
// failures: oidc-provider-config-and-errors.test.ts.

const now = () => Math.floor(Date.now() / 1000);

/** A rejected callback: 4xx with the code, no redirect, and only the transaction cookie touched. */
async function expectRejected(h: OidcHarness, response: Response, code: string): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('location')).toBeNull();
  expect(await response.text()).toContain(code);
  const touched = response.headers.getSetCookie().map((c) => c.split('=')[0]!);
  expect(touched.every((name) => name.includes('-tx-'))).toBe(true);
}

let h: OidcHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['access-token', 'id-token'] as const)('oidc-provider, amr/auth_time in the %s', (claimsIn) => {
  const events: StepUpEvent[] = [];
  async function start() {
    events.length = 0;
    h = await startOidcHarness({ op: { claimsIn }, kit: { onStepUp: (e) => void events.push(e) } });
    return h;
  }

  it('signs in with code + PKCE (S256) + nonce, and exposes the user, amr and authTime', async () => {
    const h = await start();
    const start_ = await h.kit.signIn(h.request('/'), { returnTo: '/dashboard' });
    const authorize = new URL(start_.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${h.op.issuer}/auth`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('scope')).toBe('openid profile email offline_access');
    expect(authorize.searchParams.get('resource')).toBe(RESOURCE);
    expect(authorize.searchParams.has('max_age')).toBe(false);

    const done = await h.kit.handleCallback(await h.throughOp(start_, { amr: ['pwd'], ts: now() - 30 }));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/dashboard');
    h.app.store(done);

    const auth = (await h.kit.getSession(h.app.header()))!;
    expect(auth.user).toMatchObject({ id: 'acct-alice', email: 'alice@example.com', emailVerified: true, firstName: 'Alice', lastName: 'Admin' });
    expect(auth.amr).toEqual(['pwd']);
    expect(auth.authTime).toBeGreaterThanOrEqual(now() - 35);
    expect(auth.authTime).toBeLessThanOrEqual(now() - 25);
    // Where the values came from: the verified access token, or the ID token kept in the cookie.
    const claims = decodeJwt(auth.accessToken);
    expect(claims.aud).toBe(RESOURCE);
    if (claimsIn === 'access-token') {
      expect(claims.amr).toEqual(['pwd']);
      expect(auth.sessionId).not.toBe('');
    } else {
      expect(claims.amr).toBeUndefined();
      expect((await h.session()).idClaims).toMatchObject({ amr: ['pwd'], auth_time: auth.authTime });
    }
  });

  it('step-up sends max_age=0 and login_hint, forces a login at the OP, and moves authTime forward', async () => {
    const h = await start();
    await h.signIn({ ts: now() - 600 });
    const before = (await h.kit.getSession(h.app.header()))!;
    const stepUp = await h.kit.stepUp(h.request('/settings', { method: 'POST' }), { returnTo: '/settings/danger' });
    const url = new URL(stepUp.headers.get('location')!);
    expect(url.searchParams.get('max_age')).toBe('0');
    expect(url.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(url.searchParams.has('acr_values')).toBe(false);

    const done = await h.kit.handleCallback(await h.throughOp(stepUp));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/settings/danger');
    h.app.store(done);
    // The OP really asked for a login again (oidc-provider's max_age=0 policy), not silent SSO.
    expect(h.op.interactions.map((i) => i.prompt)).toEqual(['login', 'login']);
    const after = (await h.kit.getSession(h.app.header()))!;
    expect(after.user.id).toBe(before.user.id);
    expect(after.authTime!).toBeGreaterThanOrEqual(now() - 5);
    expect(after.authTime!).toBeGreaterThan(before.authTime!);
    if (claimsIn === 'access-token') expect(after.sessionId).toBe(before.sessionId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ previousAuthTime: before.authTime, authTime: after.authTime, requirement: { maxAge: 0 } });
  });

  it('step-up with mfa sends acr_values and yields an amr with MFA', async () => {
    const h = await start();
    await h.signIn();
    expect(hasMfa((await h.kit.getSession(h.app.header()))!.amr)).toBe(false);

    const stepUp = await h.kit.stepUp(h.request('/'), { mfa: true, returnTo: '/admin' });
    expect(new URL(stepUp.headers.get('location')!).searchParams.get('acr_values')).toBe(PAPE_MULTI_FACTOR);
    const done = await h.kit.handleCallback(await h.throughOp(stepUp));
    expect(done.headers.get('location')).toBe('/admin');
    h.app.store(done);
    // The OP saw the request for MFA, and answered with the methods it used.
    expect(h.op.interactions.at(-1)!.params.acr_values).toBe(PAPE_MULTI_FACTOR);
    const after = (await h.kit.getSession(h.app.header()))!;
    expect(after.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(hasMfa(after.amr)).toBe(true);
    expect(events[0]!.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('rejects an MFA step-up the OP answered without MFA (step_up_mfa_missing), keeping the session', async () => {
    const h = await start();
    await h.signIn();
    const cookie = h.app.get('wos-session');
    const stepUp = await h.kit.stepUp(h.request('/'), { mfa: true });
    const res = await h.kit.handleCallback(await h.throughOp(stepUp, { amr: ['pwd'] }));
    await expectRejected(h, res, 'step_up_mfa_missing');
    h.app.store(res);
    expect(h.app.get('wos-session')).toBe(cookie);
  });

  it('rejects a login older than the requested max_age (step_up_stale), keeping the session', async () => {
    const h = await start();
    await h.signIn({ ts: now() - 600 });
    const cookie = h.app.get('wos-session');
    const before = (await h.kit.getSession(h.app.header()))!;
    const stepUp = await h.kit.stepUp(h.request('/'), { maxAge: 60 });
    // The OP completes the login but reports an authentication from an hour ago (it ignored max_age).
    const res = await h.kit.handleCallback(await h.throughOp(stepUp, { ts: now() - 3600 }));
    await expectRejected(h, res, 'step_up_stale');
    h.app.store(res);
    expect(h.app.get('wos-session')).toBe(cookie);
    expect((await h.kit.getSession(h.app.header()))!.authTime).toBe(before.authTime);
    expect(events).toEqual([]);
  });

  it('rejects a step-up completed as another account (step_up_user_mismatch)', async () => {
    const h = await start();
    await h.signIn();
    const stepUp = await h.kit.stepUp(h.request('/'));
    const res = await h.kit.handleCallback(await h.throughOp(stepUp, { email: 'bob@example.com' }));
    await expectRejected(h, res, 'step_up_user_mismatch');
  });

  it('refreshes with rotation and keeps amr/authTime; the old refresh token, replayed by another instance, fails', async () => {
    h = await startOidcHarness({ op: { claimsIn, accessTokenTtl: 3 }, kit: { clockTolerance: 0 } });
    await h.signIn({ amr: ['pwd', 'otp'], ts: now() - 120 });
    const original = await h.session();
    const oldCookies = h.app.header();
    const first = (await h.kit.getSession(oldCookies))!;
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await h.kit.getSession(oldCookies)).toBeNull(); // expired: needs a refresh

    const refreshed = await internal(h.kit).resolveSession(oldCookies, 'expired');
    expect(refreshed.auth).not.toBeNull();
    expect(refreshed.auth!.amr).toEqual(['pwd', 'otp']);
    expect(refreshed.auth!.authTime).toBe(first.authTime);
    expect(refreshed.auth!.accessToken).not.toBe(first.accessToken);
    h.app.store(new Response(null, { headers: refreshed.cookies.map((c): [string, string] => ['set-cookie', serializeCookie(c)]) }));
    const rotated = await h.session();
    expect(rotated.refreshToken).not.toBe(original.refreshToken);
    expect((await h.kit.getSession(h.app.header()))!.authTime).toBe(first.authTime);

    // The same instance, a moment later, with the old cookie (a second tab): served the rotated session.
    const again = await internal(h.kit).resolveSession(oldCookies, 'expired');
    expect(again.auth!.accessToken).toBe(refreshed.auth!.accessToken);
    expect(h.op.tokenRequests()['refresh_token:ok']).toBe(1);

    // Another server instance has no such memory: the OP sees a reused refresh token and refuses it.
    const other = h.newKit({ clockTolerance: 0 });
    await expect(internal(other).store.refresh(original)).rejects.toMatchObject({ code: 'refresh_failed', transient: false, providerCode: 'invalid_grant' });
    const replay = await internal(other).resolveSession(oldCookies, 'expired');
    expect(replay.auth).toBeNull();
    expect(replay.cookies.some((c) => c.name === 'wos-session' && c.options.maxAge === 0)).toBe(true);
    expect(h.op.tokenRequests()['refresh_token:error']).toBeGreaterThanOrEqual(1);
  });

  it('signs out through the end_session_endpoint (client_id + post_logout_redirect_uri) and ends the OP session', async () => {
    const h = await start();
    await h.signIn();
    const out = await h.kit.signOut(h.request('/'), { returnTo: '/' });
    const logout = new URL(out.headers.get('location')!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${h.op.issuer}/session/end`);
    expect(logout.searchParams.get('client_id')).toBe(h.op.clientId);
    // id_token_hint: the ID token of this session (Okta refuses RP-initiated logout without it).
    expect(decodeJwt(logout.searchParams.get('id_token_hint')!)).toMatchObject({ iss: h.op.issuer, aud: h.op.clientId });
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`);
    h.app.store(out);
    expect(h.app.get('wos-session')).toBeUndefined();

    // The OP accepts it: its confirmation form posts back and it redirects to our post-logout URI.
    const { page, confirmed } = await h.confirmLogout(logout);
    expect(page.status).toBe(200);
    // RP-Initiated Logout 1.0 §3: the OP echoes the `state` we sent back to post_logout_redirect_uri.
    expect(confirmed.headers.get('location')).toBe(`${APP}/?state=${logout.searchParams.get('state')}`);

    // The OP session is gone: signing in again needs a login, not silent SSO.
    await h.signIn();
    expect(h.op.interactions.map((i) => i.prompt)).toEqual(['login', 'login']);
  });
});

describe('oidc provider: a step-up that comes back in a new OP session', () => {
  it('revokes the old refresh token at the revocation_endpoint (RFC 7009); the step-up succeeds', async () => {
    const events: StepUpEvent[] = [];
    h = await startOidcHarness({ op: { claimsIn: 'access-token' }, kit: { onStepUp: (e) => void events.push(e) } });
    await h.signIn({ ts: now() - 600 });
    const before = (await h.kit.getSession(h.app.header()))!;
    const original = await h.session();
    // The browser lost the OP's own cookie (a restart): the OP opens a new session for alice.
    const stepUp = await h.kit.stepUp(h.request('/'), { returnTo: '/keys' });
    for (const name of h.opJar.names()) h.opJar.store(new Response(null, { headers: { 'set-cookie': `${name}=; Max-Age=0` } }));
    const done = await h.kit.handleCallback(await h.throughOp(stepUp));
    expect(done.status).toBe(302);
    h.app.store(done);
    const after = (await h.kit.getSession(h.app.header()))!;
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(events[0]).toMatchObject({ previousSessionId: before.sessionId, sessionId: after.sessionId, previousSessionEnded: true });
    // A copy of the old cookie can no longer refresh; the new session can.
    await expect(internal(h.newKit()).store.refresh(original)).rejects.toMatchObject({ code: 'refresh_failed', providerCode: 'invalid_grant' });
    await expect(internal(h.newKit()).store.refresh(await h.session())).resolves.toBeTruthy();
  });
});
