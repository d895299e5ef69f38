// Section 2: 100 concurrent requests carrying the same expired access token.
//
//   node --import ./bench/lib/register-stubs.mjs bench/refresh-storm.mjs [--trials 3] [--concurrency 100] [--json]
//   node --import ./bench/lib/register-stubs.mjs --import ./test/helpers/ts-register.mjs \
//     bench/refresh-storm.mjs --instances 4 [--samples 8]     # + the storm over 4 processes, and the store's cost
//
// Ours: 100 concurrent `resolveSession(cookie, 'expired')` on one createAuthKit instance (one
// process: what a Next server sees when a tab with many parallel fetches/RSC requests comes back
// after the token expired). Counted at the provider: the dev IdP's refresh grants, successful or
// rejected. Side by side, the same storm through @workos-inc/authkit-nextjs's `authkit()`
// (updateSession, the function its proxy runs) on the same kind of cookie.
//
// `--instances N` (or a list, `2,4`) adds the storm spread over N separate OS processes, ours with
// and without a shared Redis store beside authkit-nextjs (bench/lib/refresh-instances.mjs), and
// what one coordinated refresh costs: no store vs Redis vs Upstash, the instance that waits, and
// the cache-hit path's store calls (bench/lib/refresh-coordination.mjs).
import { parseArgs } from 'node:util';
import { APP, COOKIE_PASSWORD, dist, kitOptions, resolveSession, signIn, useDevIdpEnv } from './lib/harness.mjs';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '100' },
    instances: { type: 'string', default: '' },
    samples: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const TRIALS = Number(args.trials);
const N = Number(args.concurrency);
const INSTANCES = args.instances ? args.instances.split(',').map((n) => Number(n.trim())) : [];
for (const n of INSTANCES) if (!Number.isInteger(n) || n < 2) throw new Error(`--instances wants whole numbers of at least 2, got "${args.instances}"`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { startDevIdp } = await dist('testing/index.js');
const { createAuthKit } = await dist('index.js');
// 2 s, not 1: exp is whole seconds, so a 1 s token can expire between the refresh and its verification.
const idp = await startDevIdp({ accessTokenTtl: 2 });
try {
  useDevIdpEnv(idp);
  const { NextRequest } = await import('next/server');
  const theirs = await import('@workos-inc/authkit-nextjs');

  // clockTolerance 0: the token counts as expired one second after it was issued, not six.
  const kit = createAuthKit(kitOptions(idp, { clockTolerance: 0 }));

  /** Signs in, then waits until the access token is past `exp`. */
  async function expiredCookie() {
    const { app } = await signIn(kit, idp, { email: 'alice@example.com' });
    const header = app.header();
    const auth = await kit.getSession(header);
    if (!auth) throw new Error('sign-in produced no session');
    const wait = (auth.expiresAt + 1) * 1000 - Date.now() + 50;
    if (wait > 0) await sleep(wait);
    const probe = await resolveSession(kit, header, 'never');
    if (probe.auth || !probe.needsRefresh) throw new Error('the access token did not expire');
    return { header, before: auth };
  }

  const counted = () => {
    const s = idp.stats();
    return s.refreshes + s.refreshFailures;
  };

  const ours = [];
  const authkitNext = [];
  for (let t = 0; t < TRIALS; t++) {
    {
      const { header, before } = await expiredCookie();
      const calls0 = counted();
      const ok0 = idp.stats().refreshes;
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: N }, () => resolveSession(kit, header, 'expired')));
      const ms = performance.now() - started;
      const succeeded = results.filter((r) => r.auth && r.auth.user.id === before.user.id && r.auth.sessionId === before.sessionId).length;
      const seals = new Set(results.map((r) => r.cookies.find((c) => c.name === 'wos-session')?.value));
      ours.push({
        requests: N,
        providerCalls: counted() - calls0,
        providerSuccesses: idp.stats().refreshes - ok0,
        succeeded,
        signedOut: results.filter((r) => r.cookies.some((c) => c.options.maxAge === 0)).length,
        distinctNewCookies: seals.size,
        wallMs: +ms.toFixed(1),
      });
    }
    {
      const { header } = await expiredCookie();
      const calls0 = counted();
      const ok0 = idp.stats().refreshes;
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: N }, () => theirs.authkit(new NextRequest(new URL('/dashboard', APP), { headers: { cookie: header } }))),
      );
      const ms = performance.now() - started;
      authkitNext.push({
        requests: N,
        providerCalls: counted() - calls0,
        providerSuccesses: idp.stats().refreshes - ok0,
        succeeded: results.filter((r) => r.session?.user).length,
        signedOut: results.filter((r) => (r.headers.getSetCookie?.() ?? []).some((c) => c.startsWith('wos-session=;'))).length,
        wallMs: +ms.toFixed(1),
      });
    }
  }

  const result = { trials: TRIALS, concurrency: N, ours, authkitNextjs: authkitNext };
  if (INSTANCES.length > 0) {
    const { redisStore, upstashStore } = await dist('index.js');
    const { measureCoordination } = await import('./lib/refresh-coordination.mjs');
    const { runInstanceStorms } = await import('./lib/refresh-instances.mjs');
    result.coordination = await measureCoordination({ idp, createAuthKit, redisStore, upstashStore, samples: Number(args.samples) });
    result.instances = [];
    for (const n of INSTANCES) result.instances.push(await runInstanceStorms({ startDevIdp, createAuthKit, instances: n, trials: TRIALS, concurrency: N }));
  }
  if (args.json) console.log(JSON.stringify(result));
  else console.dir(result, { depth: 4 });
} finally {
  await idp.close();
}
