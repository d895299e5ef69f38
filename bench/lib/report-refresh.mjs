// Section 2's multi-process parts for BENCHMARKS.md (bench/lib/refresh-instances.mjs and
// bench/lib/refresh-coordination.mjs measure them): the storm over N processes, and what one
// coordinated refresh costs.
import { ms } from './format.mjs';

export const INSTANCE_CONFIGS = { noStore: 'authkit-stepup, no store', redis: 'authkit-stepup, Redis store', authkitNextjs: 'authkit-nextjs 4.3.2' };

export function renderInstances(out, rf, run) {
  out.push(`### Across ${run.instances} processes`, '');
  out.push(`\`node --import ./bench/lib/register-stubs.mjs --import ./test/helpers/ts-register.mjs bench/refresh-storm.mjs --trials ${rf.trials} --instances ${run.instances}${rf.coordination ? ` --samples ${rf.coordination.samples}` : ''}\` (the run that also produced the tables above and below). The same ${run.concurrency} concurrent requests with one expired cookie, spread evenly over ${run.instances} separate OS processes (${run.concurrency / run.instances} each), every process with its own SDK instance — what a deployment of several containers or serverless functions sees when a tab comes back. Ours: \`test/helpers/refresh-worker.ts\` (started by \`test/helpers/instances.ts\`) loading the built \`dist/index.js\`, each request a \`resolveSession(cookie, 'expired')\`; with the store, every process has its own node-redis client to one local \`redis-server\` (unix socket) and \`refreshStore: redisStore(client)\`. authkit-nextjs: \`bench/lib/authkit-nextjs-worker.mjs\`, each request its \`authkit(request)\`. The dev IdP runs in **revoke-on-reuse** mode (\`refreshTokenReuse: '${run.reuseMode}'\`, Auth0's reuse detection): a refresh token presented twice ends the whole provider session, the first exchange's new tokens included; WorkOS (\`'reject'\`) refuses the reuse but keeps the session, which changes only the last column. Latency (p50, max) is per request inside its process, from the call to its answer, all ${run.concurrency} started at once; wall time is the whole storm as the parent process saw it; the configurations of a trial run one after another on sessions that expired together, in a rotated order. Starting the ${3 * run.instances} processes took ${(run.startupMs / 1000).toFixed(1)} s (not measured below; a warm-up storm on a valid cookie ran first in each).`, '');
  out.push('| Trial | Configuration | Provider refresh calls | …accepted | Refresh tokens reused | Requests signed in | Cookies deleted | Distinct new cookies | Provider session afterwards | p50 | max | Wall time |', '|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const name of Object.keys(INSTANCE_CONFIGS)) {
    for (const t of run.trials) {
      const c = t.configs[name];
      out.push(`| ${t.trial} | ${INSTANCE_CONFIGS[name]} | ${c.providerCalls} | ${c.providerSuccesses} | ${c.reuses} | ${c.signedIn} / ${c.requests} | ${c.deleted} | ${c.distinctNewCookies} | ${c.providerSession === 'active' ? 'active' : `**${c.providerSession}**`} | ${ms(c.p50Ms, 0)} | ${ms(c.maxMs, 0)} | ${ms(c.wallMs, 0)} |`);
    }
  }
  out.push('');
  if (run.cacheWaves.length) {
    out.push(`Right after each Redis-store storm, the next ${run.cacheWaves[0].requests} requests carrying the new cookie went to the same ${run.instances} processes: store calls ${run.cacheWaves.map((w) => w.storeCalls).join(', ')}; provider calls ${run.cacheWaves.map((w) => w.providerCalls).join(', ')}; signed in ${run.cacheWaves.map((w) => w.signedIn).join(', ')} (per trial). A valid token is answered from the session cache and never reaches the store.`, '');
  }
  out.push(`Without a store, each process refreshes once (its single-flight holds), so the provider sees ${run.instances} uses of one refresh token: one wins, the other processes get \`invalid_grant\` and delete the cookie, and a revoke-on-reuse provider ends the session — the winner's requests are signed in now and signed out at their next refresh. With the store, the first process to \`SET NX\` the key (a SHA-256 of the refresh token) refreshes and publishes the new session sealed with the cookie password; the others poll the key and adopt it, so all ${run.concurrency} responses carry the same new cookie. authkit-nextjs refreshes once per request, in every process.`, '');
}

export function renderCoordination(out, co) {
  const c = co.configs;
  out.push('### What one coordinated refresh costs', '');
  out.push(`From the same run, in one process (\`bench/lib/refresh-coordination.mjs\`): one \`resolveSession(cookie, 'expired')\` on a freshly expired session, ${co.samples} samples per store, interleaved, each on its own session. "Redis" is \`redisStore\` over node-redis to a local \`redis-server\` on TCP loopback; "Upstash" is \`upstashStore\` over the real \`@upstash/redis\` client, through \`test/helpers/upstash-bridge.ts\` (Upstash's REST protocol over loopback HTTP in front of the same Redis; the hosted service adds its own network round trip to each of the two calls, which these numbers do not include). The refresh itself (dev IdP on loopback, one RS256 verify, one iron seal) is the "no store" row.`, '');
  out.push('| Store | median | p25 – p75 | max | store round trips per refresh | extra per refresh (median) |', '|---|---:|---:|---:|---:|---:|');
  const row = (label, v, extra) => out.push(`| ${label} | ${ms(v.ms.median)} | ${ms(v.ms.p25)} – ${ms(v.ms.p75)} | ${ms(v.ms.max)} | ${v.storeCallsPerRefresh.join(' or ')} | ${extra} |`);
  row('none (in-process single-flight only)', c.none, '—');
  row('Redis (`redisStore`, node-redis, TCP loopback)', c.redis, `+${ms(c.redis.extraMs)}`);
  row('Upstash (`upstashStore`, @upstash/redis over HTTP, via the bridge)', c.upstash, `+${ms(c.upstash.extraMs)}`);
  out.push('');
  out.push(`The instance that claims the key pays two store round trips (\`SET NX PX\` to claim, \`SET PX\` to publish). An instance that finds the key claimed waits instead of refreshing: two instances sharing the Redis store, the same expired cookie at the same moment — claimant ${ms(co.waiter.claimantMs.median)} (median), the waiting instance ${ms(co.waiter.waiterMs.median)} (median; max ${ms(co.waiter.waiterMs.max)}): it polls the key (first after 10 ms, then ×1.5 up to 250 ms) and verifies the published session; ${co.waiter.providerCallsPerPair} provider call per pair.`, '');
  const hits = Object.entries(co.cacheHit);
  if (hits.length) {
    out.push(`The cache-hit path: right after a refresh through each store, the new cookie was read ${hits[0][1].calls.toLocaleString('en-US')} times with \`getSession\` on the same instance — ${hits.map(([k, h]) => `${k}: **${h.storeCalls} store calls**, ${h.signedIn.toLocaleString('en-US')} signed in, ${h.usPerCall} µs per read`).join('; ')}. Store calls are counted by a wrapper around the store (\`test/helpers/stores.ts\` \`counting\`).`, '');
  }
}
