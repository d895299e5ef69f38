import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { unsealSession } from '../../src/core/session-cookie.js';
import { APP, COOKIE_PASSWORD, Jar, startHarness, type Harness } from '../helpers/flow.js';
import { internal } from '../../src/core/internal.js';

// Invariant 7 under load, on loopback only: 200 browsers keep clicking through an access-token
// expiry (dev IdP tokens live 2 s, no clock tolerance). Every request must see its user, every
// browser must keep its session, and each session must be refreshed exactly once — concurrent
// requests of one browser share the refresh (single-flight) instead of racing the rotation.
const CLIENTS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('200 concurrent browsers across a token expiry (invariant 7)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
  });
  afterAll(() => h.close());

  it('zero errors, zero lost sessions, one refresh per session', { timeout: 45_000 }, async () => {
    const kit = h.kit;
    const errors: string[] = [];
    let requests = 0;

    // Sign-ins go through a small gate: 200 RSA signatures at once on a busy 2-core box could
    // outlast the 2-second tokens before their own callback verifies them.
    let signingIn = 0;
    const waiters: Array<() => void> = [];
    async function gate<T>(work: () => Promise<T>): Promise<T> {
      while (signingIn >= 40) await new Promise<void>((r) => waiters.push(r));
      signingIn++;
      try {
        return await work();
      } finally {
        signingIn--;
        waiters.shift()?.();
      }
    }
    let signedIn = 0;
    let release!: () => void;
    const allSignedIn = new Promise<void>((r) => (release = r));
    const store = (jar: Jar, cookies: Array<{ name: string; value: string; options: { maxAge?: number } }>) =>
      jar.store(new Response(null, { headers: cookies.map((c) => ['set-cookie', `${c.name}=${c.value}; Max-Age=${c.options.maxAge ?? 1}`] as [string, string]) }));

    async function browser(i: number) {
      const jar = new Jar();
      // Sign in: authorize URL, the IdP (scripted login), the callback.
      const signIn = gate(async () => {
        const start = await kit.signIn(new Request(`${APP}/`), { returnTo: `/c/${i}` });
        jar.store(start);
        h.idp.nextLogin({});
        const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
        const done = await kit.handleCallback(new Request(authorize.headers.get('location')!, { headers: { cookie: jar.header() } }));
        if (done.status !== 302) throw new Error(`browser ${i}: sign-in answered ${done.status}`);
        jar.store(done);
      });
      const ok = await signIn.then(
        () => true,
        (error: unknown) => void errors.push(String(error)),
      );
      // Everyone starts clicking together once all 200 are signed in.
      if (++signedIn === CLIENTS) release();
      await allSignedIn;
      if (!ok) return 0;
      const seals = new Set([jar.get('wos-session')]);
      const { exp: firstExpiry } = decodeJwt((await unsealSession(jar.get('wos-session')!, COOKIE_PASSWORD))!.accessToken) as { exp: number };
      // Click until the first token has expired and been refreshed, but not its successor: a token
      // refreshed at t (after its predecessor's exp and after everyone started) lives until floor(t) + 2.
      const until = Math.max(firstExpiry, Math.floor(Date.now() / 1000)) + 1.5;
      let sessionId: string | undefined;

      while (Date.now() / 1000 < until) {
        // Sometimes two requests at once (a page and its data fetch), with the same cookie.
        const header = jar.header();
        const burst = Math.random() < 0.5 ? 2 : 1;
        const results = await Promise.all(Array.from({ length: burst }, () => internal(kit).resolveSession(header, 'expired')));
        for (const res of results) {
          requests++;
          if (!res.auth) errors.push(`browser ${i}: signed out at ${(Date.now() / 1000 - firstExpiry).toFixed(2)} s after expiry`);
          else if ((sessionId ??= res.auth.sessionId) !== res.auth.sessionId) errors.push(`browser ${i}: session changed`);
          for (const c of res.cookies) if (c.name === 'wos-session' && c.options.maxAge === 0) errors.push(`browser ${i}: session cookie cleared`);
          store(jar, res.cookies);
        }
        seals.add(jar.get('wos-session'));
        await sleep(20 + Math.random() * 60);
      }
      // Still signed in (or, on a very slow box, due for its next refresh): never signed out.
      const last = await internal(kit).resolveSession(jar.header(), 'never');
      if (last.auth ? last.auth.sessionId !== sessionId : !last.needsRefresh) errors.push(`browser ${i}: session lost at the end`);
      return seals.size - 1; // rotations this browser went through
    }

    const before = h.idp.stats();
    const rotations = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => browser(i)));
    const after = h.idp.stats();

    expect(errors).toEqual([]);
    expect(requests).toBeGreaterThan(CLIENTS * 5);
    expect(after.codeExchanges - before.codeExchanges).toBe(CLIENTS);
    expect(after.refreshes - before.refreshes).toBe(CLIENTS);
    expect(after.refreshFailures - before.refreshFailures).toBe(0);
    expect(rotations.every((n) => n === 1)).toBe(true);
  });
});
