import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_TIMEOUT_MS } from '../../src/core/shared-refresh.js';
import { upstashStore } from '../../src/index.js';
import { expiredSession } from '../helpers/expired-session.js';
import { startHarness, type Harness } from '../helpers/flow.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { startUpstashBridge, type UpstashBridge } from '../helpers/upstash-bridge.js';
import { internal } from '../../src/core/internal.js';

// The Upstash adapter with the real @upstash/redis client (what serverless functions and Edge
// middleware use), against a real Redis through a bridge that speaks Upstash's REST protocol.
describe.skipIf(!hasRedis)('upstashStore with the real @upstash/redis client', () => {
  let redis: RedisServer;
  let bridge: UpstashBridge;
  let h: Harness;
  const client = (token = bridge.token) => new Redis({ url: bridge.url, token, enableTelemetry: false });

  beforeAll(async () => {
    redis = await startRedis();
    bridge = await startUpstashBridge(redis.socket);
    h = await startHarness({ idp: { accessTokenTtl: 3, refreshTokenReuse: 'revoke' }, kit: { clockTolerance: 0 } });
  });
  afterAll(async () => {
    await h?.close();
    await bridge?.close();
    await redis?.stop();
  });

  it('is SET NX PX, SET PX and GET on the wire', async () => {
    const store = upstashStore(client());
    expect(await store.setIfAbsent('k', 'c:one', 5_000)).toBe(true);
    expect(await store.setIfAbsent('k', 'c:two', 5_000)).toBe(false);
    expect(await store.get('k')).toBe('c:one');
    await store.set('k', 's:Fe26.2**sealed', 60_000);
    expect(await store.get('k')).toBe('s:Fe26.2**sealed');
    expect(await store.get('absent')).toBeNull();
    const sent = bridge.commands.filter((c) => c[1] === 'k').map((c) => c.join(' ').toLowerCase());
    expect(sent).toContain('set k c:one nx px 5000');
    expect(sent).toContain('set k s:fe26.2**sealed px 60000');
    expect(bridge.paths).toContain('/pipeline'); // the client's auto-pipelining went through the bridge
  });

  it('a storm over 4 instances, each with its own client: 1 provider refresh, 100 signed in, 0 deleted, one new session', async () => {
    const { cookie, before } = await expiredSession(h);
    const stats = h.idp.stats();
    const kits = Array.from({ length: 4 }, () => h.newKit({ refreshStore: upstashStore(client()) }));
    const results = await Promise.all(kits.flatMap((kit) => Array.from({ length: 25 }, () => internal(kit).resolveSession(cookie, 'expired'))));
    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(1);
    expect(results.filter((r) => r.auth?.sessionId === before.sessionId)).toHaveLength(100);
    expect(results.filter((r) => r.cookies.some((c) => c.options.maxAge === 0))).toHaveLength(0);
    expect(new Set(results.map((r) => r.cookies.find((c) => c.name === 'wos-session')?.value)).size).toBe(1);
    expect(h.idp.session(before.sessionId)?.status).toBe('active');
  });

  it('a refused token (401) or an unreachable endpoint: refreshed in-process, within the store timeout', async () => {
    for (const redisClient of [client('wrong-token'), new Redis({ url: 'http://127.0.0.1:9', token: 't', enableTelemetry: false })]) {
      const { cookie, before } = await expiredSession(h);
      const started = Date.now();
      const res = await internal(h.newKit({ refreshStore: upstashStore(redisClient) })).resolveSession(cookie, 'expired');
      expect(res.auth?.sessionId).toBe(before.sessionId);
      expect(Date.now() - started).toBeLessThan(STORE_TIMEOUT_MS + 1_500);
    }
  });
});
