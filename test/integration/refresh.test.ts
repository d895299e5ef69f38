import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { createAuthKit } from '../../src/index.js';
import { APP, COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { internal } from '../../src/core/internal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Invariant 7 against the dev IdP with one-second access tokens.
describe('refresh', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
  });
  afterEach(() => h.close());

  async function signInAndExpire() {
    await h.signIn({ email: 'alice@example.com' });
    const before = await h.kit.getSession(h.app.header());
    await sleep(2100);
    return before!;
  }

  it('an expired token is signed out for readers that cannot write cookies, and refreshable for those that can', async () => {
    const before = await signInAndExpire();
    const cookie = h.app.header();
    expect(await h.kit.getSession(cookie)).toBeNull();
    const never = await internal(h.kit).resolveSession(cookie, 'never');
    expect(never).toMatchObject({ auth: null, needsRefresh: true, cookies: [], reason: 'needs-refresh' });
    expect(h.idp.stats().refreshes).toBe(0);

    const refreshed = await internal(h.kit).resolveSession(cookie, 'expired');
    expect(refreshed.auth?.user.id).toBe(before.user.id);
    expect(refreshed.auth?.sessionId).toBe(before.sessionId);
    // auth_time and amr come from the last interactive authentication, never from the refresh.
    expect(refreshed.auth?.authTime).toBe(before.authTime);
    expect(refreshed.auth?.amr).toEqual(before.amr);
    expect(refreshed.auth!.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(refreshed.cookies.map((c) => c.name)).toEqual(['wos-session']);
    expect(refreshed.reason).toBe('refreshed');
    expect(h.idp.stats().refreshes).toBe(1);
  });

  it('100 concurrent requests with an expired token: one refresh reaches the provider, all succeed', async () => {
    await signInAndExpire();
    const cookie = h.app.header();
    const results = await Promise.all(Array.from({ length: 100 }, () => internal(h.kit).resolveSession(cookie, 'expired')));
    expect(results.filter((r) => r.auth !== null)).toHaveLength(100);
    expect(h.idp.stats().refreshes + h.idp.stats().refreshFailures).toBe(1);
    // Everyone got the same rotated session.
    expect(new Set(results.map((r) => r.cookies[0]?.value)).size).toBe(1);
  });

  it('a request arriving just after the rotation with the old cookie still gets the new session', async () => {
    await signInAndExpire();
    const cookie = h.app.header();
    const first = await internal(h.kit).resolveSession(cookie, 'expired');
    const late = await internal(h.kit).resolveSession(cookie, 'expired');
    expect(late.auth?.user.id).toBe(first.auth?.user.id);
    expect(h.idp.stats().refreshes + h.idp.stats().refreshFailures).toBe(1);
  });

  it("the refresh route refreshes and sends the browser back", async () => {
    await signInAndExpire();
    const res = await h.kit.handleAuthRoute(h.request('/callback?authkit=refresh&returnTo=%2Freports%3Fq%3D1'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/reports?q=1');
    h.app.store(res);
    expect((await h.kit.getSession(h.app.header()))?.user.email).toBe('alice@example.com');
  });

  it('a definitive invalid_grant after expiry signs out (clears the cookie)', async () => {
    await signInAndExpire();
    const cookie = h.app.header();
    await internal(h.kit).resolveSession(cookie, 'expired'); // rotates: the old refresh token is now used
    const elsewhere = h.newKit(); // another process: no shared single-flight
    const res = await internal(elsewhere).resolveSession(cookie, 'expired');
    expect(res.auth).toBeNull();
    expect(res.cookies.find((c) => c.name === 'wos-session')?.options.maxAge).toBe(0);
  });

  it('an early refresh that fails keeps the still-valid session', async () => {
    const long = await startHarness({ kit: { refreshBuffer: 3600 } }); // 300 s tokens, always "expiring"
    try {
      await long.signIn();
      const cookie = long.app.header();
      // Another process rotates first, so this refresh token is already used.
      const session = await unsealSession(long.app.get('wos-session')!, COOKIE_PASSWORD);
      await internal(long.newKit()).store.refresh(session!);
      const res = await internal(long.kit).resolveSession(cookie, 'expiring');
      expect(res.auth?.user.email).toBe('alice@example.com');
      expect(res.cookies).toEqual([]);
      expect(long.idp.stats().refreshFailures).toBe(1);
    } finally {
      await long.close();
    }
  });
});

describe('provider outages keep the session (invariant 7)', () => {
  it('network failure, 5xx and 429 on refresh: signed out for this request, cookie kept, recovers later', async () => {
    const h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
    try {
      await h.signIn();
      await sleep(2100);
      const cookie = h.app.header();
      // A proxy in front of the IdP that we can break: JWKS passes through, authenticate fails.
      let mode: 'down' | 500 | 429 | 'up' = 'down';
      const proxy = createServer(async (req, res) => {
        if (req.url?.startsWith('/user_management/authenticate') && mode !== 'up') {
          if (mode === 'down') return req.socket.destroy();
          res.writeHead(mode, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
          return;
        }
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const upstream = await fetch(`${h.idp.url}${req.url}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const kit = createAuthKit({
        clientId: h.idp.clientId,
        apiKey: h.idp.apiKey,
        redirectUri: `${APP}/callback`,
        cookiePassword: COOKIE_PASSWORD,
        apiUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        issuer: h.idp.url,
        clockTolerance: 0,
        env: {},
      });
      try {
        for (const m of ['down', 500, 429] as const) {
          mode = m;
          const res = await internal(kit).resolveSession(cookie, 'expired');
          expect(res.auth).toBeNull();
          expect(res.cookies).toEqual([]); // nothing cleared
        }
        mode = 'up';
        const recovered = await internal(kit).resolveSession(cookie, 'expired');
        expect(recovered.auth?.user.email).toBe('alice@example.com');
      } finally {
        proxy.closeAllConnections();
        proxy.close();
      }
    } finally {
      await h.close();
    }
  });
});
