import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { parseCookieHeader } from '../../src/core/cookies.js';
import { SessionCache } from '../../src/core/session-cache.js';
import { SingleFlight } from '../../src/core/single-flight.js';
import { createTransaction, readTransaction, transactionCookieName } from '../../src/core/transaction.js';
import type { AuthInfo } from '../../src/core/types.js';

const config = resolveConfig({
  env: {
    WORKOS_CLIENT_ID: 'client_1',
    WORKOS_API_KEY: 'sk_1',
    WORKOS_REDIRECT_URI: 'http://localhost:3000/callback',
    WORKOS_COOKIE_PASSWORD: 'c'.repeat(32),
  },
});

describe('transactions (invariant 4)', () => {
  it('seals PKCE verifier, state, returnTo and step-up fields into an HttpOnly cookie keyed by state', async () => {
    const { transaction, codeChallenge, cookie } = await createTransaction(config, { kind: 'step-up', returnTo: '/billing', maxAge: 0, mfa: true, sub: 'user_1', sid: 'session_1' }, new Map());
    expect(cookie.name).toBe(transactionCookieName(config, transaction.state));
    // Path=/: whoever starts the next flow must see the pending ones to keep them bounded (SECURITY.md §10).
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 600 });
    expect(cookie.value).not.toContain(transaction.codeVerifier);
    expect(codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeChallenge).not.toBe(transaction.codeVerifier);
    const back = await readTransaction(config, new Map([[cookie.name, cookie.value]]), transaction.state);
    expect(back).toEqual({ ok: true, transaction });
    expect(transaction).toMatchObject({ kind: 'step-up', returnTo: '/billing', maxAge: 0, mfa: true, sub: 'user_1', sid: 'session_1' });
  });

  it('parallel tabs get separate transactions', async () => {
    const a = await createTransaction(config, { kind: 'sign-in', returnTo: '/a' }, new Map());
    const b = await createTransaction(config, { kind: 'sign-in', returnTo: '/b' }, new Map());
    expect(a.cookie.name).not.toBe(b.cookie.name);
    const jar = new Map([
      [a.cookie.name, a.cookie.value],
      [b.cookie.name, b.cookie.value],
    ]);
    expect(await readTransaction(config, jar, a.transaction.state)).toMatchObject({ ok: true, transaction: { returnTo: '/a' } });
    expect(await readTransaction(config, jar, b.transaction.state)).toMatchObject({ ok: true, transaction: { returnTo: '/b' } });
  });

  it('missing, unknown, moved and expired transactions are told apart', async () => {
    const a = await createTransaction(config, { kind: 'sign-in', returnTo: '/a' }, new Map());
    const b = await createTransaction(config, { kind: 'sign-in', returnTo: '/b' }, new Map());
    expect(await readTransaction(config, new Map(), null)).toEqual({ ok: false, code: 'missing_state' });
    expect(await readTransaction(config, new Map(), a.transaction.state)).toEqual({ ok: false, code: 'unknown_state' });
    expect(await readTransaction(config, new Map(), '../../etc')).toEqual({ ok: false, code: 'unknown_state' });
    // b's sealed value placed under a's name: the state inside does not match.
    expect(await readTransaction(config, new Map([[a.cookie.name, b.cookie.value]]), a.transaction.state)).toEqual({ ok: false, code: 'unknown_state' });
    const later = a.transaction.startedAt + 601;
    expect(await readTransaction(config, new Map([[a.cookie.name, a.cookie.value]]), a.transaction.state, later)).toEqual({ ok: false, code: 'transaction_expired' });
    expect(await readTransaction(config, parseCookieHeader(`${a.cookie.name}=garbage`), a.transaction.state)).toMatchObject({ ok: false });
  });
});

describe('SessionCache', () => {
  const auth = (expiresAt: number) => ({ expiresAt }) as AuthInfo;
  it('hits only for the exact cookie value and only until exp', () => {
    const cache = new SessionCache(10);
    cache.set('seal-a', auth(100));
    expect(cache.get('seal-a', 50)).toBeDefined();
    expect(cache.get('seal-a ', 50)).toBeUndefined();
    expect(cache.get('seal-b', 50)).toBeUndefined();
    expect(cache.get('seal-a', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
  it('never hits for a different seal with the same tail', () => {
    const cache = new SessionCache(10);
    const tail = 'h'.repeat(64);
    cache.set(`aaaa${tail}`, auth(100));
    expect(cache.get(`bbbb${tail}`, 0)).toBeUndefined();
    expect(cache.get(`aaaa${tail}`, 0)).toBeDefined();
  });
  it('is bounded, evicting the oldest', () => {
    const cache = new SessionCache(3);
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, auth(100));
    expect(cache.size).toBe(3);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('d', 0)).toBeDefined();
  });
});

describe('SingleFlight', () => {
  it('runs one call per key and shares the result, also shortly after', async () => {
    const flight = new SingleFlight<number>(1000);
    let calls = 0;
    const fn = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => flight.run('k', fn)));
    expect(results.every((r) => r === 42)).toBe(true);
    expect(await flight.run('k', fn)).toBe(42);
    expect(calls).toBe(1);
    await flight.run('other', fn);
    expect(calls).toBe(2);
  });
  it('does not keep failures', async () => {
    const flight = new SingleFlight<number>(1000);
    let calls = 0;
    await expect(flight.run('k', async () => (calls++, Promise.reject(new Error('down'))))).rejects.toThrow('down');
    expect(await flight.run('k', async () => (calls++, 7))).toBe(7);
    expect(calls).toBe(2);
  });
});
