/**
 * The dev identity provider's sessions over real HTTP on 127.0.0.1: silent sign-in with its
 * cookie, max_age forcing a login in the same session, and a new session for the same user.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import {
  Browser,
  REDIRECT,
  authenticate,
  authorizeUrl,
  claims,
  exchange,
  interactiveLogin,
  login,
  nowSec,
  pkce,
  refresh,
  silentLogin,
  workosFor,
} from './support.js';
import type { Tokens } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
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

describe('a new provider session for the same user (browser restart)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ redirectUri: REDIRECT });
  });
  afterAll(() => idp.close());

  it('nextLogin({ newSession: true }) gives a new sid even with the IdP cookie; the old session stays alive until revoked', async () => {
    const browser = new Browser();
    const first = await login(idp, browser);
    // A step-up from the same browser re-authenticates the same session.
    const stepUp = await login(idp, browser);
    expect(stepUp.sid).toBe(first.sid);

    const restarted = await login(idp, browser, { email: 'alice@example.com', newSession: true });
    expect(restarted.sid).not.toBe(first.sid);
    expect(decodeJwt(restarted.access_token).sub).toBe(decodeJwt(first.access_token).sub);
    // The old session is orphaned, not ended: that is the relying party's job.
    expect(idp.session(first.sid)?.status).toBe('active');
    expect((await refresh(idp, stepUp.refresh_token)).status).toBe(200);
    // The browser now holds the new session's cookie.
    const again = await login(idp, browser, {});
    expect(again.sid).toBe(restarted.sid);

    await workosFor(idp).userManagement.revokeSession({ sessionId: first.sid });
    expect(idp.session(first.sid)?.status).toBe('revoked');
    expect(idp.session(restarted.sid)?.status).toBe('active');
    expect(idp.sessions().filter((s) => s.userId === idp.users[0]!.id && s.status === 'active').map((s) => s.id)).toEqual([restarted.sid]);
  });

  it('a browser without the IdP cookie already gets a new sid', async () => {
    const a = await login(idp, new Browser());
    const b = await login(idp, new Browser());
    expect(b.sid).not.toBe(a.sid);
  });

  it('is available over the control API, with sessions and stats', async () => {
    const control = (path: string, init: RequestInit = {}) =>
      fetch(`${idp.url}/dev-idp/control/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${idp.apiKey}`, 'content-type': 'application/json' },
      });
    const browser = new Browser();
    const first = await login(idp, browser);
    expect((await control('next-login', { method: 'POST', body: JSON.stringify({ newSession: 'yes' }) })).status).toBe(400);
    expect(() => idp.nextLogin({ newSession: 1 as unknown as boolean })).toThrow(/newSession/);
    expect((await control('next-login', { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', newSession: true }) })).status).toBe(200);
    const verifier = randomBytes(32).toString('base64url');
    const res = await browser.get(authorizeUrl(idp, createHash('sha256').update(verifier).digest('base64url')));
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const second = (await (await authenticate(idp, { grant_type: 'authorization_code', code, code_verifier: verifier })).json()) as Tokens;
    expect(decodeJwt(second.access_token).sid).not.toBe(first.sid);

    await workosFor(idp).userManagement.revokeSession({ sessionId: first.sid });
    const one = await control(`sessions/${first.sid}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: first.sid, status: 'revoked', userId: idp.users[0]!.id });
    expect((await control('sessions/session_01NOPE')).status).toBe(404);
    const all = (await (await control('sessions')).json()) as { data: Array<{ id: string; status: string }> };
    expect(all.data.find((s) => s.id === first.sid)?.status).toBe('revoked');
    expect(all.data.length).toBe(idp.sessions().length);
    const stats = (await (await control('stats')).json()) as Record<string, number>;
    expect(stats.sessionsRevoked).toBe(idp.stats().sessionsRevoked);
    expect(stats.sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect(stats.revokeRequests).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${idp.url}/dev-idp/control/sessions`)).status).toBe(401);
  });
});
