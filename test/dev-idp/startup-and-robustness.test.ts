/**
 * The dev identity provider as a server, over real HTTP on 127.0.0.1: its options and default
 * users, garbage on the wire, its counters, and closing.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp } from '../../src/testing/index.js';
import type { DevIdp } from '../../src/testing/index.js';
import { Browser, REDIRECT, exchange, refresh, silentLogin } from './support.js';

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
