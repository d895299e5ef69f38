// Section 5: HTTP throughput and latency of a protected page vs the same page with no auth.
//
//   node bench/http-load.mjs [--seconds 2] [--rounds 8] [--connections 8] [--example] [--json]
//
// `next start` of bench/app (built here when its sources or dist/ changed) against a dev IdP, on
// free ports. Three dynamic pages render the same markup (bench/app/app/profile.jsx):
//   /public   no auth, no proxy: a constant user
//   /ours     authkit-stepup `withAuth({ ensureSignedIn: true })`, no proxy (cookie read + cache)
//   /theirs   @workos-inc/authkit-nextjs 4.3.2: its proxy (matcher: /theirs only) + its withAuth()
// Every request carries the same signed-in `wos-session` cookie (sealed by our callback with the
// app's password; both SDKs read it). Pages alternate within each round (rotated order); each run
// is `seconds` long at `connections` keep-alive connections, after a warm-up. Reported: requests/s,
// p50/p99 latency, and the server's CPU time per request (/proc/<pid>/stat of the next process
// tree). With --example it also loads the example app (example-app/, if built) signed in and
// signed out.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COOKIE_PASSWORD, ROOT, dist, kitOptions, signIn } from './lib/harness.mjs';
import { load } from './lib/load.mjs';
import { median, rotate, summarize } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '5' },
    example: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const WARMUP = Number(args.warmup);
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const BENCH_APP = join(ROOT, 'bench', 'app');
const EXAMPLE_APP = join(ROOT, 'example-app');
const log = (...m) => console.error('[http]', ...m);

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let n = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (['node_modules', '.next', '.git'].includes(e.name)) continue;
    n = Math.max(n, newest(join(path, e.name)));
  }
  return n;
}

function run(cmd, argv, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${argv.join(' ')} failed:\n${out}`))));
  });
}

/** `next build` of bench/app when it or the package's dist/ changed since the last build. */
async function ensureBenchAppBuilt() {
  const built = join(BENCH_APP, '.next', 'BUILD_ID');
  const sources = Math.max(newest(BENCH_APP), newest(join(ROOT, 'dist')), newest(join(ROOT, 'package-lock.json')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return 0;
  log('next build bench/app …');
  const t = performance.now();
  await run(process.execPath, [NEXT_BIN, 'build'], { cwd: BENCH_APP, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  return Math.round(performance.now() - t);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) of `pid` and its descendants, from /proc. */
function treeCpuSeconds(pid) {
  const tick = 100; // USER_HZ on Linux
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick });
    } catch {
      // the process went away
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop();
    total += stats.get(p)?.cpu ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) queue.push(child);
  }
  return total;
}

async function startNext(dir, port, env) {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Loads each page in turn; returns per-page samples. */
async function measure(server, base, pages) {
  for (const page of pages) {
    const res = await fetch(base + page.path, { headers: page.headers, redirect: 'manual' });
    const body = await res.text();
    if (res.status !== 200 || !page.check(body)) {
      throw new Error(`${page.name} (${page.path}) answered ${res.status} without the expected content:\n${body.slice(0, 400)}\n--- server output ---\n${server.output().slice(-2000)}`);
    }
  }
  for (const page of pages) await load({ url: base + page.path, headers: page.headers, connections: CONNECTIONS, durationMs: WARMUP * 1000 });
  const runs = Object.fromEntries(pages.map((p) => [p.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const page of rotate(pages, r)) {
      const cpu0 = treeCpuSeconds(server.pid);
      const result = await load({ url: base + page.path, headers: page.headers, connections: CONNECTIONS, durationMs: SECONDS * 1000 });
      const cpu = treeCpuSeconds(server.pid) - cpu0;
      const ok = result.statuses[200] ?? 0;
      if (ok !== result.requests || result.errors) throw new Error(`${page.name}: non-200 answers ${JSON.stringify(result.statuses)}, errors ${result.errors}`);
      runs[page.name].push({ rps: result.rps, requests: result.requests, latencies: result.latencies, cpuMsPerRequest: (cpu * 1000) / result.requests, bytesPerResponse: result.bytes / result.requests });
      log(`round ${r + 1} ${page.name.padEnd(16)} ${result.rps.toFixed(0).padStart(5)} req/s  cpu ${((cpu * 1000) / result.requests).toFixed(2)} ms/req`);
    }
  }
  const summary = {};
  for (const page of pages) {
    const rs = runs[page.name];
    const lat = summarize(rs.flatMap((x) => x.latencies));
    summary[page.name] = {
      path: page.path,
      label: page.label,
      rps: summarize(rs.map((x) => x.rps)),
      rpsPerRound: rs.map((x) => +x.rps.toFixed(1)),
      latencyMs: { p50: lat.median, p95: lat.p95, p99: lat.p99 },
      cpuMsPerRequest: median(rs.map((x) => x.cpuMsPerRequest)),
      bytesPerResponse: Math.round(median(rs.map((x) => x.bytesPerResponse))),
      requests: rs.reduce((s, x) => s + x.requests, 0),
    };
  }
  // Ratios within each round (the runs were back to back), then the median.
  const ratio = (a, b) => (runs[a] && runs[b] ? median(runs[a].map((x, i) => x.rps / runs[b][i].rps)) : undefined);
  // Extra server CPU per request of page a over page b, per round, then the median.
  const extraCpu = (a, b) => (runs[a] && runs[b] ? median(runs[a].map((x, i) => x.cpuMsPerRequest - runs[b][i].cpuMsPerRequest)) : undefined);
  return { summary, ratio, extraCpu };
}

const { startDevIdp } = await dist('testing/index.js');
const { createAuthKit } = await dist('index.js');
const result = { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, warmupSeconds: WARMUP };
const idp = await startDevIdp({ accessTokenTtl: 3600 });
const servers = [];
try {
  result.buildMs = await ensureBenchAppBuilt();
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const api = new URL(idp.url);
  const env = {
    WORKOS_CLIENT_ID: idp.clientId,
    WORKOS_API_KEY: idp.apiKey,
    WORKOS_REDIRECT_URI: `${appUrl}/callback`,
    WORKOS_COOKIE_PASSWORD: COOKIE_PASSWORD,
    WORKOS_API_HOSTNAME: api.hostname,
    WORKOS_API_PORT: api.port,
    WORKOS_API_HTTPS: 'false',
  };
  const kit = createAuthKit(kitOptions(idp));
  const { app } = await signIn(kit, idp, { email: 'alice@example.com' });
  const cookie = app.header();
  const headers = { cookie, accept: 'text/html' };
  const hasAlice = (body) => body.includes('alice@example.com');

  log(`next start bench/app on :${port}`);
  const server = await startNext(BENCH_APP, port, env);
  servers.push(server);
  const base = `http://127.0.0.1:${port}`;
  const bench = await measure(server, base, [
    { name: 'public', label: 'same page, no auth, no proxy', path: '/public', headers, check: (b) => hasAlice(b) && b.includes('data-source="public"') },
    { name: 'ours', label: 'authkit-stepup withAuth() (no proxy)', path: '/ours', headers, check: (b) => hasAlice(b) && b.includes('data-source="ours"') && b.includes('pwd, otp, mfa') },
    { name: 'theirs', label: '@workos-inc/authkit-nextjs proxy + withAuth()', path: '/theirs', headers, check: (b) => hasAlice(b) && b.includes('data-source="theirs"') },
  ]);
  result.benchApp = {
    pages: bench.summary,
    oursOverPublic: bench.ratio('ours', 'public'),
    theirsOverPublic: bench.ratio('theirs', 'public'),
    oursOverTheirs: bench.ratio('ours', 'theirs'),
    extraCpuMs: { ours: bench.extraCpu('ours', 'public'), theirs: bench.extraCpu('theirs', 'public') },
  };
  await server.stop();

  if (args.example) {
    const built = join(EXAMPLE_APP, '.next', 'BUILD_ID');
    if (!existsSync(built)) {
      result.exampleApp = { skipped: 'example-app is not built (npm run example builds it)' };
    } else {
      const ePort = await freePort();
      log(`next start example-app on :${ePort}`);
      const example = await startNext(EXAMPLE_APP, ePort, { ...env, WORKOS_REDIRECT_URI: `http://localhost:${ePort}/callback` });
      servers.push(example);
      const e = await measure(example, `http://127.0.0.1:${ePort}`, [
        { name: 'signedIn', label: 'example app / signed in', path: '/', headers, check: hasAlice },
        { name: 'signedOut', label: 'example app / signed out', path: '/', headers: { accept: 'text/html' }, check: (b) => !hasAlice(b) },
      ]);
      result.exampleApp = { pages: e.summary, signedInOverSignedOut: e.ratio('signedIn', 'signedOut'), extraCpuMs: e.extraCpu('signedIn', 'signedOut'), builtAt: new Date(statSync(built).mtimeMs).toISOString() };
      await example.stop();
    }
  }
} finally {
  for (const s of servers) await s.stop().catch(() => {});
  await idp.close();
}
if (args.json) console.log(JSON.stringify(result));
else console.dir(result, { depth: 5 });
