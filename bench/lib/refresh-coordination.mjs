// What coordinating a refresh through the shared store costs one request, in one process: the same
// refresh (one expired cookie, one `resolveSession(cookie, 'expired')`) with no store, with
// `redisStore` over node-redis (TCP to a local redis-server) and with `upstashStore` over the real
// @upstash/redis client (HTTP to test/helpers/upstash-bridge.ts, which speaks Upstash's REST
// protocol in front of the same Redis — the hosted service is not reachable from here, so its
// network round trip is not in these numbers). Samples interleave the three, each on its own
// freshly expired session. Then: an instance that waits for another's refresh (two instances, one
// store, the same cookie at once), and the cache-hit path's store calls (zero, counted).
// Needs `--import ./test/helpers/ts-register.mjs` (it imports test helpers).
import { Redis } from '@upstash/redis';
import { createClient } from 'redis';
import { startRedis } from '../../test/helpers/redis.js';
import { counting } from '../../test/helpers/stores.js';
import { startUpstashBridge } from '../../test/helpers/upstash-bridge.js';
import { kitOptions, resolveSession, signIn } from './harness.mjs';
import { summarize } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, d = 2) => +n.toFixed(d);
const CACHE_HIT_CALLS = 10_000;

export async function measureCoordination({ idp, createAuthKit, redisStore, upstashStore, samples }) {
  const server = await startRedis({ tcp: true });
  const client = createClient({ url: server.url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  const bridge = await startUpstashBridge(server.socket);
  try {
    const stores = { redis: counting(redisStore(client)), upstash: counting(upstashStore(new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false }))) };
    const kits = {
      none: createAuthKit(kitOptions(idp, { clockTolerance: 0 })),
      redis: createAuthKit(kitOptions(idp, { clockTolerance: 0, refreshStore: stores.redis })),
      upstash: createAuthKit(kitOptions(idp, { clockTolerance: 0, refreshStore: stores.upstash })),
    };
    // Two more instances sharing the Redis store, for the waiter: the claimant and the one that waits.
    const pair = [createAuthKit(kitOptions(idp, { clockTolerance: 0, refreshStore: stores.redis })), createAuthKit(kitOptions(idp, { clockTolerance: 0, refreshStore: stores.redis }))];
    const names = Object.keys(kits);

    const fresh = async () => {
      const { app } = await signIn(kits.none, idp, { email: 'alice@example.com' });
      const header = app.header();
      const auth = await kits.none.getSession(header);
      if (!auth) throw new Error('sign-in produced no session');
      return { header, auth };
    };
    // Warm-up: every kit fetches the JWKS on a valid cookie; each client opens its connection.
    const warm = await fresh();
    for (const kit of [...Object.values(kits), ...pair]) await kit.getSession(warm.header);
    await stores.redis.get('warm-up');
    await stores.upstash.get('warm-up');

    // Sessions for every sample, signed in back to back, then one wait for all of them to expire.
    const sessions = [];
    for (let i = 0; i < samples * (names.length + 1) + 2; i++) sessions.push(await fresh());
    const latest = Math.max(...sessions.map((s) => s.auth.expiresAt));
    await sleep(Math.max(0, (latest + 1) * 1000 - Date.now() + 50));

    const ms = Object.fromEntries(names.map((n) => [n, []]));
    const calls = Object.fromEntries(names.map((n) => [n, []]));
    const failures = Object.fromEntries(names.map((n) => [n, 0]));
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const { header } = sessions.pop();
        const c0 = stores[name]?.total() ?? 0;
        const t0 = performance.now();
        const res = await resolveSession(kits[name], header, 'expired');
        ms[name].push(performance.now() - t0);
        calls[name].push((stores[name]?.total() ?? 0) - c0);
        if (!res.auth) failures[name]++;
      }
    }

    // The cache-hit path: right after a refresh through the store, the new cookie (a valid token this
    // instance holds in its session cache) is read CACHE_HIT_CALLS times; the store calls are counted.
    const cacheHit = {};
    for (const name of ['redis', 'upstash']) {
      const refreshed = await resolveSession(kits[name], sessions.pop().header, 'expired');
      const seal = refreshed.cookies.find((c) => c.name === 'wos-session')?.value;
      if (!refreshed.auth || !seal) throw new Error(`the ${name} refresh for the cache-hit count failed`);
      const cookie = `wos-session=${seal}`;
      const c0 = stores[name].total();
      let signedIn = 0;
      const t0 = performance.now();
      for (let i = 0; i < CACHE_HIT_CALLS; i++) if (await kits[name].getSession(cookie)) signedIn++;
      cacheHit[name] = { calls: CACHE_HIT_CALLS, signedIn, storeCalls: stores[name].total() - c0, usPerCall: round(((performance.now() - t0) * 1000) / CACHE_HIT_CALLS) };
    }

    // Two instances, one store, the same expired cookie at the same moment: one claims and
    // refreshes, the other polls the store (first poll after 10 ms) and adopts the published session.
    const waiter = { claimantMs: [], waiterMs: [], providerCalls: 0 };
    for (let i = 0; i < samples; i++) {
      const { header } = sessions.pop();
      const s0 = idp.stats().authenticateRequests;
      const t0 = performance.now();
      const times = await Promise.all(pair.map(async (kit) => (await resolveSession(kit, header, 'expired'), performance.now() - t0)));
      waiter.providerCalls += idp.stats().authenticateRequests - s0;
      waiter.claimantMs.push(Math.min(...times));
      waiter.waiterMs.push(Math.max(...times));
    }

    const stat = (values) => {
      const s = summarize(values);
      return { median: round(s.median), p25: round(s.p25), p75: round(s.p75), max: round(s.max) };
    };
    const configs = Object.fromEntries(
      names.map((n) => [n, { ms: stat(ms[n]), storeCallsPerRefresh: [...new Set(calls[n])], failures: failures[n] }]),
    );
    for (const n of ['redis', 'upstash']) configs[n].extraMs = round(configs[n].ms.median - configs.none.ms.median);
    return {
      samples,
      configs,
      waiter: { claimantMs: stat(waiter.claimantMs), waiterMs: stat(waiter.waiterMs), providerCallsPerPair: waiter.providerCalls / samples },
      cacheHit,
    };
  } finally {
    await bridge.close();
    client.destroy();
    await server.stop();
  }
}
