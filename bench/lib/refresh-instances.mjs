// The refresh storm across N separate OS processes (issue #12): 100 concurrent requests carrying
// one expired cookie, spread evenly over N app instances, each its own process with its own SDK
// instance — ours without a store, ours with a shared Redis store (a real redis-server), and
// @workos-inc/authkit-nextjs. Against a dev IdP in revoke-on-reuse mode (Auth0's reuse detection):
// a second use of a refresh token ends the whole provider session.
//
// Our instances are test/helpers/refresh-worker.ts (started through test/helpers/instances.ts with
// `--import ./test/helpers/ts-register.mjs`), loading the BUILT package (`entry`: dist/index.js);
// authkit-nextjs's are bench/lib/authkit-nextjs-worker.mjs, speaking the same IPC messages. The
// calling process needs `--import ./test/helpers/ts-register.mjs` too (it imports those helpers).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startInstances, storm } from '../../test/helpers/instances.js';
import { startRedis } from '../../test/helpers/redis.js';
import { APP, COOKIE_PASSWORD, DIST, ROOT, devIdpEnv, kitOptions, resolveSession, signIn } from './harness.mjs';
import { summarize } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CONFIGS = ['noStore', 'redis', 'authkitNextjs'];

/** authkit-nextjs instances, one process each, with the Instance shape `storm()` wants. */
async function startAuthkitNextjs(count, idp) {
  const env = { ...process.env, ...devIdpEnv(idp), BENCH_APP_URL: APP };
  const start = () =>
    new Promise((resolve, reject) => {
      const child = fork(join(ROOT, 'bench', 'lib', 'authkit-nextjs-worker.mjs'), [], { cwd: ROOT, env, execArgv: ['--import', './bench/lib/register-stubs.mjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const pending = new Map();
      let nextId = 0;
      const exited = new Promise((done) => child.once('exit', done));
      child.once('exit', (code, signal) => reject(new Error(`authkit-nextjs worker exited before it was ready (${code ?? signal})`)));
      child.on('message', (m) => {
        if (m.type === 'ready') resolve(instance);
        else if (m.type === 'result') {
          pending.get(m.id)?.(m.results);
          pending.delete(m.id);
        }
      });
      const instance = {
        pid: child.pid,
        storeCalls: [],
        storm: (cookie, n) => new Promise((done) => (pending.set(nextId, done), child.send({ type: 'storm', id: nextId++, cookie, count: n }))),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      };
    });
  return Promise.all(Array.from({ length: count }, start));
}

function stormSummary(results, before) {
  const ms = summarize(results.map((r) => r.ms));
  return {
    requests: results.length,
    signedIn: results.filter((r) => r.signedIn && r.userId === before.user.id && r.sessionId === before.sessionId).length,
    deleted: results.filter((r) => r.deleted).length,
    distinctNewCookies: new Set(results.flatMap((r) => (r.seal ? [r.seal] : []))).size,
    p50Ms: +ms.median.toFixed(1),
    maxMs: +ms.max.toFixed(1),
  };
}

/**
 * @param {object} o
 * @param {number} o.instances processes per configuration
 * @param {number} o.trials
 * @param {number} o.concurrency requests per storm (spread evenly over the processes)
 */
export async function runInstanceStorms({ startDevIdp, createAuthKit, instances: N, trials, concurrency }) {
  const idp = await startDevIdp({ accessTokenTtl: 2, refreshTokenReuse: 'revoke' });
  const redis = await startRedis();
  const pools = {};
  try {
    // The signing kit (and the expiry probe) uses clockTolerance 0, as the workers do.
    const kit = createAuthKit(kitOptions(idp, { clockTolerance: 0 }));
    const worker = { clientId: idp.clientId, apiKey: idp.apiKey, apiUrl: idp.url, issuer: idp.url, cookiePassword: COOKIE_PASSWORD, redirectUri: `${APP}/callback`, entry: pathToFileURL(join(DIST, 'index.js')).href };
    const started = performance.now();
    // One pool at a time: each process start loads TypeScript hooks, the SDK and a Redis client.
    pools.noStore = await startInstances(N, worker);
    pools.redis = await startInstances(N, { ...worker, store: { socket: redis.socket, connect: true } });
    pools.authkitNextjs = await startAuthkitNextjs(N, idp);
    const startupMs = Math.round(performance.now() - started);

    const session = async () => {
      const { app } = await signIn(kit, idp, { email: 'alice@example.com' });
      const header = app.header();
      const before = await kit.getSession(header);
      if (!before) throw new Error('sign-in produced no session');
      return { header, before };
    };
    // Warm-up, not measured: every process fetches the JWKS and compiles its hot paths on a valid cookie.
    const warm = await session();
    for (const name of CONFIGS) await storm(pools[name], warm.header, N * 4);

    const out = [];
    const cacheWaves = [];
    for (let t = 0; t < trials; t++) {
      // One fresh session per configuration, signed in together, so that they expire together.
      const sessions = {};
      for (const name of CONFIGS) sessions[name] = await session();
      const latest = Math.max(...Object.values(sessions).map((s) => s.before.expiresAt));
      await sleep(Math.max(0, (latest + 1) * 1000 - Date.now() + 50));
      for (const s of Object.values(sessions)) {
        const probe = await resolveSession(kit, s.header, 'never');
        if (probe.auth || !probe.needsRefresh) throw new Error('the access token did not expire');
      }
      const order = CONFIGS.map((_, i) => CONFIGS[(i + t) % CONFIGS.length]);
      const trial = { trial: t + 1, order, configs: {} };
      for (const name of order) {
        const { header, before } = sessions[name];
        const s0 = idp.stats();
        const t0 = performance.now();
        const results = await storm(pools[name], header, concurrency);
        const wallMs = +(performance.now() - t0).toFixed(1);
        const s1 = idp.stats();
        trial.configs[name] = {
          ...stormSummary(results, before),
          providerCalls: s1.refreshes + s1.refreshFailures - (s0.refreshes + s0.refreshFailures),
          providerSuccesses: s1.refreshes - s0.refreshes,
          reuses: s1.refreshReuses - s0.refreshReuses,
          providerSession: idp.session(before.sessionId)?.status ?? 'unknown',
          wallMs,
        };
        if (name === 'redis') {
          // The next wave carries the new cookie: a valid token, which every process that took
          // part already holds in its session cache. It must not touch the store (nor the provider).
          const seal = results.find((r) => r.seal)?.seal;
          if (seal) {
            const calls = () => pools.redis.reduce((n, i) => n + i.storeCalls.length, 0);
            const c0 = calls();
            const p0 = idp.stats();
            const wave = await storm(pools.redis, `wos-session=${seal}`, concurrency);
            const p1 = idp.stats();
            cacheWaves.push({ trial: t + 1, requests: wave.length, signedIn: wave.filter((r) => r.signedIn).length, storeCalls: calls() - c0, providerCalls: p1.authenticateRequests - p0.authenticateRequests });
          }
        }
      }
      out.push(trial);
    }
    return { instances: N, concurrency, trials: out, cacheWaves, startupMs, reuseMode: 'revoke' };
  } finally {
    await Promise.all(Object.values(pools).flat().map((i) => i.stop()));
    await redis.stop();
    await idp.close();
  }
}
