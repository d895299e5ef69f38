import { readFileSync } from 'node:fs';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { PUBLISH_GRACE_MS, refreshKey, TRANSIENT_MS } from '../../src/core/shared-refresh.js';
import { redisStore, type AuthKit } from '../../src/index.js';
import { expiredSession } from '../helpers/expired-session.js';
import { COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { startIdpGate } from '../helpers/idp-gate.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { counting } from '../helpers/stores.js';
import { internal } from '../../src/core/internal.js';

// SECURITY.md §7 with a shared Redis store, instances in one process (each createAuthKit has its
// own cache and single-flight, as separate processes do): what the store holds, what a late
// instance takes from it, and that a valid token never reaches it.
describe.skipIf(!hasRedis)('refresh through a shared Redis store', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let h: Harness;
  let store: ReturnType<typeof counting>;
  const instance = (): AuthKit => h.newKit({ refreshStore: store });

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ socket: { path: redis.socket, tls: false } });
    await client.connect();
    h = await startHarness({ idp: { accessTokenTtl: 2 }, kit: { clockTolerance: 0 } });
  });
  beforeEach(async () => {
    await client.flushAll();
    store = counting(redisStore(client));
  });
  afterAll(async () => {
    client?.destroy();
    await h?.close();
    await redis?.stop();
  });

  it('a valid token never touches the store: cache hits, cold instances, every refresh mode', async () => {
    const long = await startHarness(); // 300 s tokens: valid, and not yet in the refreshBuffer (30 s)
    try {
      await long.signIn({ email: 'alice@example.com' });
      const cookie = long.app.header();
      const kit = long.newKit({ refreshStore: store });
      for (let i = 0; i < 50; i++) expect((await internal(kit).resolveSession(cookie, 'expired')).auth?.user.email).toBe('alice@example.com');
      expect(internal(kit).store.cache.size).toBe(1); // 49 of those were cache hits
      for (const mode of ['never', 'expired', 'expiring'] as const) {
        expect((await internal(long.newKit({ refreshStore: store })).resolveSession(cookie, mode)).auth?.user.email).toBe('alice@example.com');
      }
      expect(await long.newKit({ refreshStore: store }).getSession(cookie)).not.toBeNull();
      expect(store.total()).toBe(0);
    } finally {
      await long.close();
    }
  });

  it('a second instance after the first: takes the published session, no second provider call', async () => {
    const { cookie, before } = await expiredSession(h);
    const stats = h.idp.stats();
    const first = await internal(instance()).resolveSession(cookie, 'expired');
    const late = await internal(instance()).resolveSession(cookie, 'expired');
    expect(first.auth?.sessionId).toBe(before.sessionId);
    expect(late.auth?.sessionId).toBe(before.sessionId);
    // The very cookie the first instance wrote: one new session, whoever answers.
    expect(late.cookies).toEqual(first.cookies);
    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(1);
    // One claim each; the first published, the late one read.
    expect(store.calls).toEqual({ setIfAbsent: 2, set: 1, get: 1 });
  });

  it('the store holds no readable token: the key is a SHA-256 hash, the value the sealed cookie', async () => {
    const { cookie, seal } = await expiredSession(h);
    const old = (await unsealSession(seal, COOKIE_PASSWORD))!;
    const res = await internal(instance()).resolveSession(cookie, 'expired');
    const next = (await unsealSession(res.cookies[0]!.value, COOKIE_PASSWORD))!;
    const keys = await client.keys('*');
    expect(keys).toEqual([await refreshKey(old.refreshToken)]);
    expect(keys[0]).toMatch(/^authkit-stepup:refresh:v1:[A-Za-z0-9_-]{43}$/);
    const value = (await client.get(keys[0]!))!;
    expect(value).toBe(`s:${res.cookies[0]!.value}`);
    for (const secret of [old.refreshToken, old.accessToken, next.refreshToken, next.accessToken]) {
      expect(value).not.toContain(secret);
      expect(keys[0]).not.toContain(secret);
    }
    // Kept for the grace period, then gone.
    const ttl = await client.pTTL(keys[0]!);
    expect(ttl).toBeGreaterThan(PUBLISH_GRACE_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(PUBLISH_GRACE_MS);
  });

  it('a definitive refusal is published: the next instance signs out without asking the provider', async () => {
    const { cookie, before } = await expiredSession(h);
    await internal(h.kit).provider.endSession({ sessionId: before.sessionId }); // the provider session is over
    const stats = h.idp.stats();
    const first = await internal(instance()).resolveSession(cookie, 'expired');
    const second = await internal(instance()).resolveSession(cookie, 'expired');
    for (const res of [first, second]) {
      expect(res.auth).toBeNull();
      expect(res.cookies.find((c) => c.name === 'wos-session')?.options.maxAge).toBe(0);
    }
    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(1);
    const value = (await client.get((await client.keys('*'))[0]!))!;
    expect(value.startsWith('r:Fe26.2*')).toBe(true); // sealed, bound to this key, user and session
  });

  it('a provider outage is shared with the instances waiting (no second call), and the next request retries', async () => {
    const gate = await startIdpGate(h.idp.url);
    try {
      const { cookie, before } = await expiredSession(h);
      const viaGate = () => h.newKit({ refreshStore: store, apiUrl: gate.url, issuer: h.idp.url });
      const stats = h.idp.stats();
      gate.hold = true;
      const held = gate.nextHeld();
      const claimant = internal(viaGate()).resolveSession(cookie, 'expired');
      const call = await held;
      const waiter = internal(viaGate()).resolveSession(cookie, 'expired');
      while (store.calls.get === 0) await new Promise((r) => setTimeout(r, 5)); // the waiter polls
      call.drop(); // the provider is unreachable
      for (const res of await Promise.all([claimant, waiter])) {
        expect(res.auth).toBeNull();
        expect(res.cookies).toEqual([]);
      }
      expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(0);
      gate.hold = false;
      await new Promise((r) => setTimeout(r, TRANSIENT_MS + 50));
      expect((await internal(viaGate()).resolveSession(cookie, 'expired')).auth?.sessionId).toBe(before.sessionId);
    } finally {
      await gate.close();
    }
  });

  it('an early refresh that loses keeps the still-valid session, with or without the store', async () => {
    const long = await startHarness({ kit: { refreshBuffer: 3600 } }); // 300 s tokens, always "expiring"
    try {
      await long.signIn();
      const cookie = long.app.header();
      const session = await unsealSession(long.app.get('wos-session')!, COOKIE_PASSWORD);
      await internal(long.newKit()).store.refresh(session!); // another instance without the store rotated first
      for (const kit of [long.newKit({ refreshStore: store }), long.newKit()]) {
        const res = await internal(kit).resolveSession(cookie, 'expiring');
        expect(res.auth?.user.email).toBe('alice@example.com');
        expect(res.cookies).toEqual([]);
      }
      expect(long.idp.stats().refreshFailures).toBe(2);
    } finally {
      await long.close();
    }
  });
});

describe('the store code is edge-safe and brings no client library', () => {
  it('imports only iron-session, jose and the core; the adapters import nothing at runtime', () => {
    const src = new URL('../../src/core/', import.meta.url);
    const imports = (file: string) =>
      [...readFileSync(new URL(file, src), 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*['"]([^'"]+)['"]/gm)].map((m) => ({ type: Boolean(m[1]), spec: m[2]! }));
    for (const file of ['refresh-store.ts', 'shared-refresh.ts']) {
      for (const { spec } of imports(file)) expect(spec).toMatch(/^(iron-session|jose(\/[\w/]+)?|\.\/[\w-]+\.js)$/);
    }
    for (const file of ['stores/redis.ts', 'stores/upstash.ts']) {
      // Type-only imports are erased: nothing of Redis, Upstash or Node is loaded with the SDK.
      expect(imports(file).every((i) => i.type)).toBe(true);
    }
  });
});
