import { sealData } from 'iron-session';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { refreshKey, STORE_TIMEOUT_MS } from '../../src/core/shared-refresh.js';
import { redisStore } from '../../src/index.js';
import type { Resolution } from '../../src/core/session-store.js';
import { freshSession, untilExpired } from '../helpers/expired-session.js';
import { COOKIE_PASSWORD, FOREIGN_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { failingStore, hangingStore } from '../helpers/stores.js';
import { internal } from '../../src/core/internal.js';

// SECURITY.md §7: what an instance reads from the store is used only if it unseals with our cookie
// password and belongs to the same user and provider session as the cookie in hand. Anyone who can
// write to Redis (but does not hold the cookie password) can make a request read as signed out;
// they cannot sign anybody in as someone else, nor delete anybody's cookie. And a store that hangs
// or throws costs a bounded wait, never a sign-out.

/** Signed out for this request only: nothing written, nothing deleted. */
function keptAsIs(res: Resolution) {
  expect(res.auth).toBeNull();
  expect(res.cookies).toEqual([]);
}

describe.skipIf(!hasRedis)('values in the store that are not this session', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let h: Harness;

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ socket: { path: redis.socket, tls: false } });
    await client.connect();
    h = await startHarness({ idp: { accessTokenTtl: 3 }, kit: { clockTolerance: 0 } });
  });
  beforeEach(() => client.flushAll());
  afterAll(async () => {
    client?.destroy();
    await h?.close();
    await redis?.stop();
  });

  /**
   * alice's cookie, the store key of her refresh token, and a kit that uses the store; `others`
   * sign in alongside (one wait for every expiry) and come back expired too.
   */
  async function victim(...others: string[]) {
    const extra = [];
    for (const email of others) extra.push(await freshSession(h, email));
    const { cookie, seal, before } = await freshSession(h, 'alice@example.com');
    await untilExpired(h, { cookie, before });
    const session = (await unsealSession(seal, COOKIE_PASSWORD))!;
    return { cookie, before, session, others: extra, key: await refreshKey(session.refreshToken), kit: h.newKit({ refreshStore: redisStore(client) }) };
  }

  it("another user's valid session swapped in is refused: nobody is signed in as bob, nothing deleted, no refresh", async () => {
    const alice = await victim('bob@example.com');
    // A real, freshly refreshed session of bob's: valid seal, valid token.
    const bobNow = await internal(h.newKit()).resolveSession(alice.others[0]!.cookie, 'expired');
    await client.set(alice.key, `s:${bobNow.cookies[0]!.value}`, { PX: 60_000 });
    const stats = h.idp.stats();
    const results = await Promise.all(Array.from({ length: 10 }, () => internal(alice.kit).resolveSession(alice.cookie, 'expired')));
    for (const res of results) keptAsIs(res);
    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(0);
    // Once the bad value is gone, the cookie refreshes normally: it was never lost.
    await client.del(alice.key);
    expect((await internal(h.newKit({ refreshStore: redisStore(client) })).resolveSession(alice.cookie, 'expired')).auth?.user.email).toBe('alice@example.com');
  });

  it("the same user's other provider session (another sid) is refused", async () => {
    const alice = await victim('alice@example.com'); // a second sign-in of hers: another sid
    const otherNow = await internal(h.newKit()).resolveSession(alice.others[0]!.cookie, 'expired');
    expect(otherNow.auth?.sessionId).not.toBe(alice.before.sessionId);
    await client.set(alice.key, `s:${otherNow.cookies[0]!.value}`, { PX: 60_000 });
    keptAsIs(await internal(alice.kit).resolveSession(alice.cookie, 'expired'));
  });

  it('a session sealed with another password, garbage, or a non-SDK value is refused', async () => {
    const alice = await victim();
    const foreign = await sealData({ ...alice.session, user: { ...alice.session.user } }, { password: FOREIGN_PASSWORD, ttl: 0 });
    for (const value of [`s:${foreign}`, 's:Fe26.2**garbage', 'x:something', '{"json":true}']) {
      await client.set(alice.key, value, { PX: 60_000 });
      keptAsIs(await internal(alice.kit).resolveSession(alice.cookie, 'expired'));
    }
  });

  it('a forged or misplaced refusal deletes no cookie', async () => {
    const alice = await victim();
    const sid = alice.before.sessionId;
    const forged = await sealData({ k: alice.key, sub: alice.session.user.id, sid }, { password: FOREIGN_PASSWORD, ttl: 0 });
    // A genuine-looking refusal (our password) but for another key: a refusal copied from elsewhere.
    const misplaced = await sealData({ k: await refreshKey('some-other-token'), sub: alice.session.user.id, sid }, { password: COOKIE_PASSWORD, ttl: 0 });
    const otherSid = await sealData({ k: alice.key, sub: alice.session.user.id, sid: 'session_other' }, { password: COOKIE_PASSWORD, ttl: 0 });
    for (const value of [`r:${forged}`, `r:${misplaced}`, `r:${otherSid}`, 'r:']) {
      await client.set(alice.key, value, { PX: 60_000 });
      keptAsIs(await internal(alice.kit).resolveSession(alice.cookie, 'expired'));
    }
  });

  it('a store that hangs costs at most the store timeout, then refreshes in-process', async () => {
    const alice = await victim();
    const started = Date.now();
    const res = await internal(h.newKit({ refreshStore: hangingStore() })).resolveSession(alice.cookie, 'expired');
    const elapsed = Date.now() - started;
    expect(res.auth?.sessionId).toBe(alice.before.sessionId);
    expect(elapsed).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(STORE_TIMEOUT_MS + 2_000);
  });

  it('a store that throws: refreshed in-process at once; a refusal then keeps the cookie (it may be a lost race)', async () => {
    const alice = await victim();
    const first = await internal(h.newKit({ refreshStore: failingStore() })).resolveSession(alice.cookie, 'expired');
    expect(first.auth?.sessionId).toBe(alice.before.sessionId);
    // A second instance, the store still down: the provider refuses the used token. Without a
    // store that is a sign-out; with a store that failed, it may be a race the store would have
    // prevented, so the cookie stays (the browser holds the first instance's new cookie anyway).
    keptAsIs(await internal(h.newKit({ refreshStore: failingStore() })).resolveSession(alice.cookie, 'expired'));
    expect((await internal(h.newKit()).resolveSession(alice.cookie, 'expired')).cookies[0]?.options.maxAge).toBe(0);
  });
});
