/**
 * The dev identity provider's security review findings and session revocation, over
 * real HTTP (port 0):
 * - off loopback it never uses the public fixed credentials and warns on stderr;
 * - logout follows `return_to` only to a registered redirect URI's origin;
 * - `POST /user_management/sessions/revoke` in WorkOS's wire format, checked with
 *   the official `@workos-inc/node` client, and `nextLogin({ newSession: true })`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BadRequestException, NotFoundException, UnauthorizedException, WorkOS } from '@workos-inc/node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevIdpCli, startDevIdp } from '../src/testing/index.js';
import type { DevIdp, NextLoginOptions } from '../src/testing/index.js';
import { derivedCredentials } from '../src/testing/ids.js';
import { isLoopbackAddress, isLoopbackHost } from '../src/testing/loopback.js';
import { APP } from './helpers/flow.js';

const REDIRECT = `${APP}/callback`;

/** A cookie jar over fetch that never follows redirects. */
class Browser {
  private readonly jar = new Map<string, string>();

  async get(url: string): Promise<Response> {
    const headers = new Headers();
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (/max-age=0/i.test(line)) this.jar.delete(pair!.slice(0, eq));
      else this.jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  }
}

function authorizeUrl(idp: DevIdp, challenge: string, extra: Record<string, string> = {}): string {
  const u = new URL(`${idp.url}/user_management/authorize`);
  const params = {
    client_id: idp.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    provider: 'authkit',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  sid: string;
}

/** A scripted login (`nextLogin`) through `browser`, then the code exchange. */
async function login(idp: DevIdp, browser: Browser, next: NextLoginOptions = { email: 'alice@example.com' }): Promise<Tokens> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  idp.nextLogin(next);
  const res = await browser.get(authorizeUrl(idp, challenge));
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = (await (await authenticate(idp, { grant_type: 'authorization_code', code, code_verifier: verifier })).json()) as Tokens;
  return { ...tokens, sid: decodeJwt(tokens.access_token).sid as string };
}

function authenticate(idp: DevIdp, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${idp.url}/user_management/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: idp.clientId, client_secret: idp.apiKey, ...body }),
  });
}

const refresh = (idp: DevIdp, token: string) => authenticate(idp, { grant_type: 'refresh_token', refresh_token: token });

/** The official WorkOS Node SDK pointed at the dev IdP, as test/interop/workos-node.test.ts builds it. */
function workosFor(idp: DevIdp, apiKey = idp.apiKey): WorkOS {
  const api = new URL(idp.url);
  return new WorkOS(apiKey, { apiHostname: api.hostname, port: Number(api.port), https: false, clientId: idp.clientId });
}

function revokeRaw(idp: DevIdp, body: string, headers: Record<string, string> = { authorization: `Bearer ${idp.apiKey}` }) {
  return fetch(`${idp.url}/user_management/sessions/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('off loopback (security review: the CLI handed out tokens to the network)', () => {
  it('tells loopback from everything else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'localhost.', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', 'localhost.example.com', 'my-laptop', '128.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });

  it('the CLI on 0.0.0.0 uses random credentials, not the public fixed ones, and warns on stderr', async () => {
    const fixed = derivedCredentials('default');
    const runs = [];
    try {
      for (let i = 0; i < 2; i++) {
        const lines: string[] = [];
        const warnings: string[] = [];
        const cli = await runDevIdpCli(['--host', '0.0.0.0', '--port', '0'], { log: (l) => lines.push(l), warn: (w) => warnings.push(w) });
        runs.push({ cli: cli!, lines, warnings });
      }
      for (const { cli, lines, warnings } of runs) {
        expect(cli.env.WORKOS_API_KEY).not.toBe(fixed.apiKey);
        expect(cli.env.WORKOS_CLIENT_ID).not.toBe(fixed.clientId);
        expect(cli.env.WORKOS_API_KEY).toMatch(/^sk_test_[A-Za-z0-9_-]{32}$/);
        expect(cli.env.WORKOS_CLIENT_ID).toMatch(/^client_01DEV[0-9A-Z]{21}$/);
        // The random values are printed, so the developer can still use them.
        expect(lines.join('\n')).toContain(`WORKOS_API_KEY=${cli.env.WORKOS_API_KEY}`);
        const warning = warnings.join('\n');
        expect(warning).toMatch(/WARNING/);
        expect(warning).toContain('reachable from the network');
        expect(warning).toContain('not for production');
        expect(warning).toContain('random');
        // ...and nothing of the warning went to stdout.
        expect(lines.join('\n')).not.toContain('reachable from the network');

        // The public fixed key opens nothing: not the control API, not the token endpoint.
        const control = await fetch(`${cli.idp.url}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${fixed.apiKey}` } });
        expect(control.status).toBe(401);
        const token = await fetch(`${cli.idp.url}/user_management/authenticate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x', client_id: fixed.clientId, client_secret: fixed.apiKey }),
        });
        expect(token.status).toBe(401);
        expect((await fetch(`${cli.idp.url}/dev-idp/control/stats`, { headers: { authorization: `Bearer ${cli.env.WORKOS_API_KEY}` } })).status).toBe(200);
      }
      // Random per run, not another fixed value.
      expect(runs[0]!.cli.env.WORKOS_API_KEY).not.toBe(runs[1]!.cli.env.WORKOS_API_KEY);
      expect(runs[0]!.cli.env.WORKOS_CLIENT_ID).not.toBe(runs[1]!.cli.env.WORKOS_CLIENT_ID);
    } finally {
      await Promise.all(runs.map((r) => r.cli.stop()));
    }
  });

  it('the CLI off loopback keeps credentials given explicitly, still warning', async () => {
    const warnings: string[] = [];
    const cli = await runDevIdpCli(
      ['--host', '0.0.0.0', '--port', '0', '--client-id', 'client_01MYOWNCLIENT', '--api-key', 'sk_test_my_own_secret_key'],
      { log: () => {}, warn: (w) => warnings.push(w) },
    );
    try {
      expect(cli!.env.WORKOS_CLIENT_ID).toBe('client_01MYOWNCLIENT');
      expect(cli!.env.WORKOS_API_KEY).toBe('sk_test_my_own_secret_key');
      expect(warnings.join('\n')).toContain('reachable from the network');
      expect(warnings.join('\n')).not.toContain('random');
    } finally {
      await cli!.stop();
    }

    // Only one of them given: the other is random.
    const half = await runDevIdpCli(['--host', '0.0.0.0', '--port', '0', '--client-id', 'client_01MYOWNCLIENT'], { log: () => {}, warn: () => {} });
    try {
      expect(half!.env.WORKOS_CLIENT_ID).toBe('client_01MYOWNCLIENT');
      expect(half!.env.WORKOS_API_KEY).not.toBe(derivedCredentials('default').apiKey);
    } finally {
      await half!.stop();
    }
  });

  it('the CLI on loopback keeps its fixed credentials and says nothing on stderr', async () => {
    const fixed = derivedCredentials('default');
    for (const host of [undefined, '127.0.0.1', 'localhost']) {
      const warnings: string[] = [];
      const cli = await runDevIdpCli([...(host ? ['--host', host] : []), '--port', '0'], { log: () => {}, warn: (w) => warnings.push(w) });
      try {
        expect(cli!.env.WORKOS_API_KEY).toBe(fixed.apiKey);
        expect(cli!.env.WORKOS_CLIENT_ID).toBe(fixed.clientId);
        expect(warnings).toEqual([]);
      } finally {
        await cli!.stop();
      }
    }
    await expect(runDevIdpCli(['--host', '', '--port', '0'], { log: () => {}, warn: () => {} })).rejects.toThrow(/--host/);
  });

  it('startDevIdp({ host }) warns when the bound address is not loopback; its default credentials are random', async () => {
    const warnings: string[] = [];
    const open = await startDevIdp({ host: '0.0.0.0', warn: (w) => warnings.push(w) });
    const local = await startDevIdp({ warn: (w) => warnings.push(`local: ${w}`) });
    try {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('0.0.0.0');
      expect(warnings[0]).toContain('reachable from the network');
      expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(open.apiKey).not.toBe(local.apiKey);
      expect(open.apiKey).not.toBe(derivedCredentials('default').apiKey);
    } finally {
      await Promise.all([open.close(), local.close()]);
    }
    await expect(startDevIdp({ host: '' })).rejects.toThrow(/host/);
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

describe('POST /user_management/sessions/revoke (WorkOS revokeSession)', () => {
  let idp: DevIdp;
  let workos: WorkOS;
  beforeAll(async () => {
    idp = await startDevIdp({ redirectUri: REDIRECT });
    workos = workosFor(idp);
  });
  afterAll(() => idp.close());

  it('@workos-inc/node revokeSession ends the session: refresh, SSO and stats reflect it', async () => {
    const browser = new Browser();
    const tokens = await login(idp, browser);
    const before = idp.stats();
    expect(idp.session(tokens.sid)).toMatchObject({ id: tokens.sid, userId: idp.users[0]!.id, status: 'active' });

    await expect(workos.userManagement.revokeSession({ sessionId: tokens.sid })).resolves.toBeUndefined();

    const after = idp.stats();
    expect(after.revokeRequests - before.revokeRequests).toBe(1);
    expect(after.sessionsRevoked - before.sessionsRevoked).toBe(1);
    expect(idp.session(tokens.sid)).toMatchObject({ status: 'revoked', endedAt: expect.any(Number) });

    // Its refresh token is dead, for our raw client and for WorkOS's.
    const dead = await refresh(idp, tokens.refresh_token);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_grant', error_description: 'The session has ended.' });
    await expect(
      workos.userManagement.authenticateWithRefreshToken({ clientId: idp.clientId, refreshToken: tokens.refresh_token }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
    // The browser's IdP cookie pointed at it: no silent sign-in any more.
    const page = await browser.get(authorizeUrl(idp, 'x'.repeat(43)));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dev-idp/login');

    // Revoking again is idempotent and does not count twice; a later logout does not relabel it.
    await expect(workos.userManagement.revokeSession({ sessionId: tokens.sid })).resolves.toBeUndefined();
    const res = await fetch(`${idp.url}/user_management/sessions/logout?session_id=${tokens.sid}&return_to=${encodeURIComponent(`${APP}/`)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const last = idp.stats();
    expect(last.revokeRequests - before.revokeRequests).toBe(2);
    expect(last.sessionsRevoked - before.sessionsRevoked).toBe(1);
    expect(last.logouts - before.logouts).toBe(1);
    expect(idp.session(tokens.sid)?.status).toBe('revoked');
  });

  it('answers 200 with an empty body, and only to POST', async () => {
    const tokens = await login(idp, new Browser(), { email: 'bob@example.com' });
    const res = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toBe('');
    const get = await fetch(`${idp.url}/user_management/sessions/revoke?session_id=${tokens.sid}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses a missing or wrong API key with 401 and leaves the session alone', async () => {
    const tokens = await login(idp, new Browser());
    const before = idp.stats();
    const wrong = workosFor(idp, 'sk_test_not_the_key');
    await expect(wrong.userManagement.revokeSession({ sessionId: tokens.sid })).rejects.toBeInstanceOf(UnauthorizedException);

    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer sk_test_nope' }, { authorization: `Basic ${idp.apiKey}` }, { authorization: idp.apiKey }];
    for (const headers of attempts) {
      const res = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid }), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ code: 'unauthorized', message: expect.any(String) });
    }
    // The client secret in the body is not how this endpoint authenticates.
    const inBody = await revokeRaw(idp, JSON.stringify({ session_id: tokens.sid, client_id: idp.clientId, client_secret: idp.apiKey }), {});
    expect(inBody.status).toBe(401);

    expect(idp.session(tokens.sid)?.status).toBe('active');
    expect(idp.stats().sessionsRevoked).toBe(before.sessionsRevoked);
    expect((await refresh(idp, tokens.refresh_token)).status).toBe(200);
  });

  it('answers an unknown session with 404 entity_not_found, a missing session_id with 400', async () => {
    const unknown = 'session_01NOSUCHSESSION00000000000';
    const err = await workos.userManagement.revokeSession({ sessionId: unknown }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err).toMatchObject({ status: 404, code: 'entity_not_found', message: `Session not found: '${unknown}'.` });
    const raw = await revokeRaw(idp, JSON.stringify({ session_id: unknown }));
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ code: 'entity_not_found', entity_id: unknown, message: `Session not found: '${unknown}'.` });

    const empty = await workos.userManagement.revokeSession({ sessionId: '' }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestException);
    expect(empty).toMatchObject({ status: 400, code: 'invalid_request_parameters' });
    for (const body of ['{}', '{"session_id":42}', 'not json', '[]']) {
      const res = await revokeRaw(idp, body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'invalid_request_parameters',
        message: expect.any(String),
        errors: [{ field: 'session_id', code: 'session_id_required' }],
      });
    }
    expect((await revokeRaw(idp, JSON.stringify({ session_id: 'x'.repeat(100_000) }))).status).toBe(413);
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
