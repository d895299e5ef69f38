import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Count every iron-session seal and unseal the SDK performs (the two costs the fast path avoids).
const iron = vi.hoisted(() => ({ seals: 0, unseals: 0 }));
vi.mock('iron-session', async (importOriginal) => {
  const actual = await importOriginal<typeof import('iron-session')>();
  return {
    ...actual,
    sealData: (...args: Parameters<typeof actual.sealData>) => {
      iron.seals++;
      return actual.sealData(...args);
    },
    unsealData: (...args: Parameters<typeof actual.unsealData>) => {
      iron.unseals++;
      return actual.unsealData(...args);
    },
  };
});

import { workos, type AuthKitOptions, type ProviderFactory } from '../../src/index.js';
import { SessionCache } from '../../src/core/session-cache.js';
import type { AuthInfo } from '../../src/core/types.js';
import { APP, startHarness, type Harness } from '../helpers/flow.js';
import { internal } from '../../src/core/internal.js';

/** The WorkOS provider with its token verifications counted. */
function countingProvider(counter: { verifies: number }): ProviderFactory {
  return (config) => {
    const provider = workos(config);
    return {
      ...provider,
      verifyAccessToken: (token: string) => {
        counter.verifies++;
        return provider.verifyAccessToken(token);
      },
    };
  };
}

// Behaviour behind the numbers in BENCHMARKS.md: what the per-request path does and does not do.
// No timing here — bench/ measures speed; these pin down the work.
describe('session read fast path', () => {
  let h: Harness;
  let cookie: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.signIn({ email: 'alice@example.com' });
    cookie = h.app.header();
    iron.seals = 0;
    iron.unseals = 0;
  });
  afterEach(() => h.close());

  function kit(extra: AuthKitOptions = {}) {
    const counter = { verifies: 0 };
    return { counter, kit: h.newKit({ provider: countingProvider(counter), ...extra }) };
  }

  it('a cookie already seen is served from the cache: no unseal, no verify, the same frozen AuthInfo', async () => {
    const { kit: k, counter } = kit();
    const first = await k.getSession(cookie);
    expect(first?.user.email).toBe('alice@example.com');
    expect(iron.unseals).toBe(1);
    expect(counter.verifies).toBe(1);

    for (let i = 0; i < 50; i++) expect(await k.getSession(cookie)).toBe(first);
    expect(iron.unseals).toBe(1);
    expect(counter.verifies).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('the cache is keyed by the sealed value only: other cookies beside it still hit', async () => {
    const { kit: k } = kit();
    const first = await k.getSession(cookie);
    const noisy = `_ga=GA1.1.123; theme=dark; ${cookie}; csrf=abc`;
    expect(await k.getSession(noisy)).toBe(first);
    expect(await k.getSession(new Request(`${APP}/x`, { headers: { cookie: noisy } }))).toBe(first);
    expect(iron.unseals).toBe(1);
  });

  it('first sight costs exactly one unseal and one verify, and no network once the JWKS is cached', async () => {
    const { kit: k, counter } = kit({ sessionCacheSize: 0 });
    await k.getSession(cookie); // fetches the JWKS
    const jwks = h.idp.stats().jwksRequests;
    iron.unseals = 0;
    counter.verifies = 0;
    for (let i = 0; i < 5; i++) expect((await k.getSession(cookie))?.user.email).toBe('alice@example.com');
    expect(iron.unseals).toBe(5);
    expect(counter.verifies).toBe(5);
    expect(h.idp.stats().jwksRequests).toBe(jwks);
    expect(internal(k).store.cache.size).toBe(0);
  });

  it('reading a session never seals: signed in, signed out, or a garbage cookie', async () => {
    const { kit: k } = kit();
    for (const mode of ['never', 'expired', 'expiring'] as const) {
      expect((await internal(k).resolveSession(cookie, mode)).cookies).toEqual([]);
      expect((await internal(k).resolveSession(null, mode)).cookies).toEqual([]);
      expect((await internal(k).resolveSession('wos-session=garbage', mode)).cookies).toEqual([]);
    }
    expect(await k.getSession('theme=dark')).toBeNull();
    expect(iron.seals).toBe(0);
  });

  it('a cookie that does not verify is never cached, so it is re-checked (and rejected) every time', async () => {
    const { kit: k, counter } = kit();
    const seal = h.app.get('wos-session')!;
    const tampered = `wos-session=${seal.slice(0, 60)}${seal[60] === 'a' ? 'b' : 'a'}${seal.slice(61)}`;
    expect(await k.getSession(tampered)).toBeNull();
    expect(await k.getSession(tampered)).toBeNull();
    expect(internal(k).store.cache.size).toBe(0);
    expect(iron.unseals).toBe(2);
    expect(counter.verifies).toBe(0); // the unseal already failed
  });

  it('instances do not share a cache', async () => {
    const a = kit();
    const b = kit();
    await a.kit.getSession(cookie);
    await b.kit.getSession(cookie);
    expect(a.counter.verifies).toBe(1);
    expect(b.counter.verifies).toBe(1);
  });
});

describe('SessionCache', () => {
  const info = (expiresAt: number, id = 'user_1') => ({ expiresAt, user: { id } }) as unknown as AuthInfo;

  it('serves an entry until its token expires, then drops it', () => {
    const cache = new SessionCache(10);
    cache.set('seal', info(1000));
    expect(cache.get('seal', 999.9)).toBeDefined();
    expect(cache.get('seal', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded: the oldest entry goes first', () => {
    const cache = new SessionCache(3);
    for (const s of ['a', 'b', 'c', 'd']) cache.set(s, info(2000, s));
    expect(cache.size).toBe(3);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('d', 0)?.user.id).toBe('d');
    for (let i = 0; i < 1000; i++) cache.set(`x${i}`, info(2000));
    expect(cache.size).toBe(3);
  });

  it('size 0 stores nothing', () => {
    const cache = new SessionCache(0);
    cache.set('seal', info(2000));
    expect(cache.size).toBe(0);
    expect(cache.get('seal', 0)).toBeUndefined();
  });
});
