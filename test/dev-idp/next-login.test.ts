/**
 * Scripted logins on the dev identity provider over real HTTP on 127.0.0.1: `nextLogin` in
 * process, and its control endpoints for another process (nextLogin, stats).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { Browser, REDIRECT, authorizeUrl, claims, exchange, nowSec, pkce, silentLogin } from './support.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ redirectUri: REDIRECT, accessTokenTtl: 120 });
});
afterAll(async () => {
  await idp.close();
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
