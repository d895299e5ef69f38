// Renders the benchmark results: a plain-text table for the terminal and BENCHMARKS.md.
import { INSTANCE_CONFIGS, renderCoordination, renderInstances } from './report-refresh.mjs';
import { kb, ms, pct, x } from './format.mjs';
import { fmtUs } from './stats.mjs';

import { verdicts } from './verdicts.mjs';

export { verdicts };

const LABELS = {
  hit: '(a) ours: `getSession(cookie)`, cookie already seen (cache hit)',
  withAuth: "(a') ours: real `withAuth()` from `authkit-stepup/server`, cache hit",
  parseOnly: '(a1) piece of a hit: `parseCookieHeader(header)`',
  fullKeyLookup: '(a2) piece of a hit: `Map.get(seal)` keyed by the whole sealed value (a fresh string, as per request)',
  miss: '(b) ours: `getSession(cookie)`, first sight (`sessionCacheSize: 0`, JWKS cached)',
  floor: '(c) floor: `unsealData` + `jwtVerify` (createLocalJWKSet), direct',
  floorKey: "(c') floor with a pre-imported key instead of a local JWKS",
  theirs: '(d) authkit-nextjs 4.3.2: its proxy + its `withAuth()`',
  theirsProxy: '(d1) … its proxy alone (`authkitProxy()(request)`)',
  theirsWithAuth: '(d2) … its `withAuth()` alone',
};

export function renderTable(env, results) {
  const lines = [];
  const m = env.machine;
  lines.push('', `authkit-stepup benchmarks — ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadavg.join(' ')} → ${env.loadavgEnd.join(' ')}, ${env.totalSeconds}s`, '');
  const s = results.session;
  if (s && !s.error) {
    lines.push('1. Session read (µs per call; median of rounds, per-call p95)');
    for (const [k, v] of Object.keys(LABELS).filter((k) => s.variants[k]).map((k) => [k, s.variants[k]])) lines.push(`   ${(LABELS[k] ?? k).replace(/`/g, '').padEnd(78)} ${fmtUs(v.meanUs.median).padStart(10)}  p95 ${fmtUs(v.callUs.p95).padStart(10)}`);
    lines.push('');
  }
  const rf = results.refresh;
  if (rf && !rf.error) {
    lines.push(`2. ${rf.concurrency} concurrent requests, expired token (per trial)`);
    lines.push(`   ours:           provider calls ${rf.ours.map((t) => t.providerCalls).join(', ')}; succeeded ${rf.ours.map((t) => t.succeeded).join(', ')}`);
    lines.push(`   authkit-nextjs: provider calls ${rf.authkitNextjs.map((t) => t.providerCalls).join(', ')}; succeeded ${rf.authkitNextjs.map((t) => t.succeeded).join(', ')}; signed out ${rf.authkitNextjs.map((t) => t.signedOut).join(', ')}`);
    for (const run of rf.instances ?? []) {
      lines.push(`   over ${run.instances} processes (provider calls / signed in / deleted / p50 / max, per trial):`);
      for (const name of Object.keys(INSTANCE_CONFIGS)) {
        lines.push(`     ${INSTANCE_CONFIGS[name].padEnd(28)} ${run.trials.map((t) => { const c = t.configs[name]; return `${c.providerCalls}/${c.signedIn}/${c.deleted}/${c.p50Ms}ms/${c.maxMs}ms`; }).join('  ')}`);
      }
    }
    const co = rf.coordination;
    if (co) {
      lines.push(`   one refresh (median ms): no store ${co.configs.none.ms.median}, Redis ${co.configs.redis.ms.median} (+${co.configs.redis.extraMs}), Upstash via bridge ${co.configs.upstash.ms.median} (+${co.configs.upstash.extraMs}); waiting instance ${co.waiter.waiterMs.median}`);
      lines.push(`   cache-hit path store calls: ${Object.entries(co.cacheHit).map(([k, h]) => `${k} ${h.storeCalls}/${h.calls}`).join(', ')}`);
    }
    lines.push('');
  }
  const ck = results.cookie;
  if (ck && !ck.error) {
    lines.push('3. Session cookie');
    for (const r of ck.rows) lines.push(r.error ? `   ${r.session.padEnd(8)} ${r.error} (token ≈ ${r.accessTokenBytesEstimate} B)` : `   ${r.session.padEnd(8)} token ${r.accessTokenBytes} B, seal ${r.sealBytes} B → ${r.setCookieHeaders} Set-Cookie (${r.setCookieBytes.join(' + ')} B), read back: ${r.readBack}, default Node server: ${r.nodeDefaultServerStatus}`);
    lines.push('');
  }
  const c = results.client;
  if (c && !c.error) {
    lines.push(`4. Client entry (${c.minified ? 'min+gzip' : 'UNMINIFIED fallback, gzip'}): ours ${kb(c.ours.gzipBytes)}, authkit-nextjs/components ${kb(c.theirs.gzipBytes)}`, '');
  }
  const h = results.http;
  if (h && !h.error) {
    lines.push(`5. HTTP (${h.connections} connections, ${h.rounds} × ${h.seconds}s per page)`);
    for (const [, p] of Object.entries(h.benchApp.pages)) lines.push(`   ${p.label.padEnd(48)} ${p.rps.median.toFixed(0).padStart(5)} req/s  p50 ${ms(p.latencyMs.p50, 1)}  p99 ${ms(p.latencyMs.p99, 1)}  cpu ${ms(p.cpuMsPerRequest)}/req`);
    if (h.exampleApp?.pages) for (const [, p] of Object.entries(h.exampleApp.pages)) lines.push(`   ${p.label.padEnd(48)} ${p.rps.median.toFixed(0).padStart(5)} req/s  p50 ${ms(p.latencyMs.p50, 1)}  p99 ${ms(p.latencyMs.p99, 1)}  cpu ${ms(p.cpuMsPerRequest)}/req`);
    else if (h.exampleApp?.skipped) lines.push(`   example app: skipped (${h.exampleApp.skipped})`);
    lines.push('');
  }
  for (const [name, r] of Object.entries(results)) if (r.error) lines.push(`!! ${name} failed: ${r.error}`);
  lines.push('Targets');
  for (const v of verdicts(results)) lines.push(`   ${v.pass ? 'PASS' : 'MISS'}  ${v.target}\n         ${v.measured}${v.miss ? ` — ${v.miss}` : ''}`);
  return lines.join('\n');
}

// Why a target can be missed and what would fix it: filled in from the profiles (see the
// "Analysis" section); printed under a target only when it is missed.
export const MISS_NOTES = {
  'cache-hit':
    'A cache hit costs a cookie-header parse, one Map lookup keyed by the sealed value and three awaited promises; if this is missed the session cache is not being hit (check `store.cache.size`) — profile with `node --cpu-prof --import ./bench/lib/register-stubs.mjs bench/session-read.mjs --only hit --seconds 10`.',
  'first-sight':
    'Our first read does the floor\'s work plus cookie parsing, the remote-JWKS wrapper, claim checks and `toAuthInfo`; those are microseconds. A miss larger than noise means extra crypto per read — profile with `node --cpu-prof --import ./bench/lib/register-stubs.mjs bench/session-read.mjs --only miss --seconds 10` and compare with `--only floor`.',
  http: 'Compare CPU ms per request of /ours and /public: the difference is what `withAuth()` costs per request inside Next. With the session cache hit it should be well under 0.1 ms; more points to unseals/verifies on every request (a cache miss per request, e.g. a new instance per request) or to work outside the cache path.',
  client: 'See which modules the bundle pulls in: `npx -y esbuild@0.25 dist/client/index.js --bundle --minify --format=esm --external:react --external:react-dom --analyze`.',
};

export function renderMarkdown(env, results) {
  const m = env.machine;
  const out = [];
  const v = verdicts(results);
  out.push('# Benchmarks', '');
  out.push('Generated by `npm run bench` (`bench/run.mjs`); do not edit by hand — rerun it. Every ratio below is measured side by side in the same run (same process or same server, alternating), so it holds up better than the absolute numbers, which depend on the machine and its load.', '');
  out.push('| | |', '|---|---|');
  out.push(`| Machine | ${m.cpu}, ${m.cores} cores${m.speedMHz ? ` @ ${m.speedMHz} MHz` : ''}, ${m.memGB} GB RAM, ${m.os} |`);
  out.push(`| Node | ${m.node} |`);
  out.push(`| Command | \`${env.command}\` |`);
  out.push(`| Date | ${env.startedAt} |`);
  out.push(`| Load average (1/5/15 min) | at start ${m.loadavg.join(' / ')}, at end ${env.loadavgEnd.join(' / ')} |`);
  out.push(`| Duration | ${env.totalSeconds} s (${Object.entries(env.sectionSeconds).map(([k, s]) => `${k} ${s} s`).join(', ')}${Object.keys(env.builds).length ? `; builds: ${Object.entries(env.builds).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(0)} s`).join(', ')}` : ''}) |`);
  out.push('');
  if (m.loadavg[0] > m.cores * 0.5) {
    out.push(`> **Note:** the machine was busy when this run started (1-min load ${m.loadavg[0]} on ${m.cores} cores — other builds and tests were running). Absolute numbers are noisier and slower than on an idle machine; the side-by-side ratios are less affected. Rerun \`npm run bench\` on an idle machine for publication numbers.`, '');
  }

  out.push('## Targets', '');
  out.push('| Target (DESIGN.md "Performance targets") | Measured | Result |', '|---|---|---|');
  for (const t of v) out.push(`| ${t.target} | ${t.measured} | ${t.pass ? '**pass**' : `**MISSED** — ${t.miss}`} |`);
  out.push('');
  const missed = v.filter((t) => !t.pass);
  if (missed.length) {
    out.push('### Missed targets', '');
    for (const t of missed) out.push(`- **${t.target}** — ${t.miss}. ${MISS_NOTES[t.id] ?? ''}`);
    out.push('');
  }

  const s = results.session;
  out.push('## 1. Per-request session read, same cookie', '');
  if (!s || s.error) out.push(`Not measured${s?.error ? `: ${s.error}` : ''}.`, '');
  else {
    out.push(`\`node --import ./bench/lib/register-stubs.mjs bench/session-read.mjs --rounds ${s.rounds} --batch-ms ${s.batchMs}\`. One dev IdP sign-in (Alice: MFA, organization, 3 permissions) through our real flows gives a ${s.cookieBytes}-byte sealed \`wos-session\` cookie (access token ${s.accessTokenBytes} B); every variant reads that same cookie. ${s.rounds} rounds; in each, every variant runs once, in a rotated order, for a batch calibrated to ~${s.batchMs} ms. The "median" column is the median over rounds of a batch's mean time per call, with the IQR over rounds; p50/p95/p99 are single calls from a separately timed batch per round (up to 2000 calls).`, '');
    out.push('| Variant | median per call | IQR over rounds | calls/s | p50 | p95 | p99 |', '|---|---:|---:|---:|---:|---:|---:|');
    const order = Object.keys(LABELS).filter((k) => s.variants[k]);
    for (const [k, val] of order.map((k) => [k, s.variants[k]])) {
      out.push(`| ${LABELS[k] ?? k} | ${fmtUs(val.meanUs.median)} | ${fmtUs(val.meanUs.p25)} – ${fmtUs(val.meanUs.p75)} | ${Math.round(1e6 / val.meanUs.median).toLocaleString('en-US')} | ${fmtUs(val.callUs.median)} | ${fmtUs(val.callUs.p95)} | ${fmtUs(val.callUs.p99)} |`);
    }
    out.push('');
    out.push('Ratios (per round, then the median over rounds):', '');
    out.push(`- authkit-nextjs (d) / ours cache hit (a): **${x(s.ratios.theirsOverHit, 0)}** (per round: ${(s.ratioSamples.theirsOverHit ?? []).map((r) => r.toFixed(0)).join(', ')}); / ours real \`withAuth()\` (a'): **${x(s.ratios.theirsOverWithAuth, 0)}**`);
    if (s.pairs) {
      out.push(`- ours first sight (b) / floor (c), interleaved call by call (${s.pairs.pairs} calls of each, alternating which goes first): **${x(s.pairs.ratioOfMedians, 3)}** (median call ${fmtUs(s.pairs.missUs.median)} vs ${fmtUs(s.pairs.floorUs.median)}; median of per-pair ratios ${x(s.pairs.medianOfRatios, 3)}). This is the number the target is judged on: both variants run in the same instants, so load from other processes cancels out.`);
    }
    out.push(`- ours first sight (b) / floor (c), per-round batch means: ${x(s.ratios.missOverFloor, 2)} (per round: ${(s.ratioSamples.missOverFloor ?? []).map((r) => r.toFixed(2)).join(', ')}); / floor with a pre-imported key (c'): ${x(s.ratios.missOverFloorKey, 2)}`);
    out.push(`- authkit-nextjs (d) / ours first sight (b): ${x(s.ratios.theirsOverMiss, 2)} — even without the cache ours does one unseal where theirs does two.`);
    out.push('');
    const hit = s.variants.hit?.meanUs.median;
    const key = s.variants.fullKeyLookup?.meanUs.median;
    const parse = s.variants.parseOnly?.meanUs.median;
    if (hit && key && parse) {
      out.push(`Where a cache hit's time goes: parsing the Cookie header ${fmtUs(parse)}; the whole hit ${fmtUs(hit)}. For comparison, (a2) is one \`Map\` lookup keyed by the whole ${s.cookieBytes}-byte sealed value: ${fmtUs(key)}, because the value arrives as a new string on every request and V8 hashes all of it. The session cache therefore keys entries by the seal's last 64 characters (iron's HMAC) and then compares the full value (\`entry.seal === seal\`, a memcmp), which keeps the exact-cookie semantics without the hash.`, '');
    }
    out.push('What each variant runs:', '');
    out.push("- (a) `createAuthKit(opts).getSession('wos-session=…')` from `dist/index.js`, warmed once so the session cache holds the cookie. (a') the real `withAuth()` of `dist/server/index.js` (shared instance configured from `WORKOS_*` variables), with `next/headers` answered by the stubs the tests use (`test/helpers/next-stubs.ts`: the request's headers, read-only, in the render phase; loaded by `bench/lib/register-stubs.mjs`) and `server-only` resolved to an empty module, as Next does on the server.");
    out.push('- (b) the same call on an instance created with `sessionCacheSize: 0`, so every call unseals and verifies; its remote JWKS was fetched during warm-up (no network during measurement: the run fails if the dev IdP\'s JWKS request counter moves).');
    out.push('- (c) `unsealData(seal, { password })` from iron-session, then `jwtVerify(token, createLocalJWKSet(jwks))` from jose, called directly; (c\') the same with `importJWK`\'d key.');
    out.push('- (d) @workos-inc/authkit-nextjs 4.3.2 from node_modules, unmodified: `authkitProxy()` — what users export from `proxy.ts` — called with a `NextRequest` carrying the cookie (`dist/esm/middleware.js:3` → `updateSessionMiddleware`, `session.js:57` → `updateSession`, `session.js:108`: `getSessionFromCookie` = `unsealData` (`session.js:493-507`), `verifyAccessToken` = `jwtVerify` with its cached remote JWKS (`session.js:417-425`), `isTokenExpiring` = `decodeJwt` (`session.js:436`), `respondWithCurrentToken` copies the sealed cookie into the `x-workos-session` request header and decodes the JWT again (`session.js:147-174`), then `handleAuthkitHeaders` → `NextResponse.next({ request: { headers } })` (`middleware-helpers.js:96-123`)). The headers it forwards (`x-middleware-request-x-workos-*`, which Next applies to the page\'s request) are then served by the same `next/headers` stub to its real `withAuth()` (`session.js:382-416`: `getSessionFromHeader` = a second `unsealData` (`session.js:509-520`), a third `decodeJwt`). The `NextRequest` is built once outside the loop (Next builds one per request anyway; that cost is not charged to either side).');
    out.push('');
  }

  const rf = results.refresh;
  out.push('## 2. 100 concurrent requests with an expired access token', '');
  if (!rf || rf.error) out.push(`Not measured${rf?.error ? `: ${rf.error}` : ''}.`, '');
  else {
    out.push(`\`node --import ./bench/lib/register-stubs.mjs bench/refresh-storm.mjs --trials ${rf.trials}\`. Dev IdP with \`accessTokenTtl: 2\` (\`exp\` is in whole seconds, so a 1-second token can expire between the refresh and its verification); each trial signs in afresh, waits until the token is past \`exp\` (our kit uses \`clockTolerance: 0\`), then fires ${rf.concurrency} concurrent calls in one process. "Provider calls" is the dev IdP's \`refreshes + refreshFailures\` delta; a request "succeeded" when it came back signed in as the same user and session. For comparison, the same storm through authkit-nextjs's \`authkit(request)\` (= \`updateSession\`, what its proxy runs), each with its own \`NextRequest\` carrying the expired cookie.`, '');
    out.push('| Trial | SDK | Provider refresh calls | …accepted | Requests signed in | Requests signed out (cookie deleted) | Distinct new cookies | Wall time |', '|---:|---|---:|---:|---:|---:|---:|---:|');
    rf.ours.forEach((t, i) => out.push(`| ${i + 1} | authkit-stepup | ${t.providerCalls} | ${t.providerSuccesses} | ${t.succeeded} / ${t.requests} | ${t.signedOut} | ${t.distinctNewCookies} | ${ms(t.wallMs, 0)} |`));
    rf.authkitNextjs.forEach((t, i) => out.push(`| ${i + 1} | authkit-nextjs 4.3.2 | ${t.providerCalls} | ${t.providerSuccesses} | ${t.succeeded} / ${t.requests} | ${t.signedOut} | — | ${ms(t.wallMs, 0)} |`));
    out.push('');
    out.push('Ours: one refresh per refresh token per process (single-flight), shared by every concurrent caller and by late callers with the old cookie for a grace period. authkit-nextjs sends every request\'s refresh to the provider; refresh tokens are single-use, so one wins and the others get `invalid_grant` and delete the session cookie.', '');
    for (const run of rf.instances ?? []) renderInstances(out, rf, run);
    if (rf.coordination) renderCoordination(out, rf.coordination);
  }

  const ck = results.cookie;
  out.push('## 3. Session cookie size and chunking', '');
  if (!ck || ck.error) out.push(`Not measured${ck?.error ? `: ${ck.error}` : ''}.`, '');
  else {
    out.push('`node --import ./bench/lib/register-stubs.mjs bench/cookie-size.mjs`. Real sign-ins through our callback for dev IdP users whose access tokens carry few or many roles/permissions/entitlements/feature flags. Set-Cookie sizes are whole header values (name, value and attributes). "authkit-nextjs" is the same session sealed by its own `encryptSession` (`session.js:51`), which always writes one cookie.', '');
    out.push('| Session | roles / permissions / entitlements / flags | Access token | Sealed value | Set-Cookie headers (bytes each) | Cookie request header | `getSession` reads it back whole | Next request through a default Node server | authkit-nextjs |', '|---|---|---:|---:|---|---:|---|---|---|');
    for (const r of ck.rows) {
      const claims = `${r.claims.roles} / ${r.claims.permissions} / ${r.claims.entitlements} / ${r.claims.featureFlags}`;
      if (r.error) out.push(`| ${r.session} | ${claims} | ≈ ${r.accessTokenBytesEstimate} B (estimated) | — | ${r.error} | — | — | — | — |`);
      else out.push(`| ${r.session} | ${claims} | ${r.accessTokenBytes} B | ${r.sealBytes} B | ${r.setCookieHeaders}: ${r.setCookieBytes.join(' + ')} | ${r.requestCookieHeaderBytes} B | ${r.readBack ? 'yes' : '**no**'} | ${r.nodeDefaultServerStatus === 200 ? '200' : `**${r.nodeDefaultServerStatus}**`} | one ${r.authkitNextjsSealBytes + 12}-byte cookie${r.authkitNextjsOverLimit ? ' — **over 4096, browsers drop it**' : ''} |`);
    }
    out.push('');
    out.push('The sealed value is about 1.4× the access token plus ~700 bytes (the refresh token and the user object, encrypted and base64url-encoded by iron). Chunks are written as `wos-session.0`, `wos-session.1`, … with every `Set-Cookie` header under 4096 bytes; a smaller session replacing a chunked one deletes the leftover chunks.', '');
    const blocked = ck.rows.filter((r) => !r.error && r.nodeDefaultServerStatus !== 200);
    if (blocked.length) {
      out.push(`**Limit beyond chunking:** the ${blocked.map((r) => r.session).join(', ')} session chunks correctly and \`getSession\` reads it back, but the browser's next request carries a ${blocked.map((r) => `${r.requestCookieHeaderBytes}-byte`).join(', ')} Cookie header, and a Node server with default limits — \`next start\` runs on node:http, whose \`maxHeaderSize\` is 16 KB for all request headers together — answers **${blocked[0].nodeDefaultServerStatus}** (Request Header Fields Too Large) before any app code runs, on every route including sign-out, until the cookies expire or are cleared. So the practical ceiling is a sealed session of roughly 14–15 KB (an access token of about 10 KB), unless the server raises \`--max-http-header-size\`. Chunking cannot help there; refusing at the callback (a clear error instead of writing cookies the server will then reject), or keeping large claim sets out of the token, would.`, '');
    }
    const failed = ck.rows.filter((r) => r.error);
    if (failed.length) {
      out.push(`The ${failed.map((r) => r.session).join(', ')} session is refused at the callback (${failed[0].error}; the old session is untouched): its sealed value would pass the 10 KiB ceiling (\`MAX_SESSION_SEAL\` in \`src/core/session-cookie.ts\`), above which the browser's next Cookie header, with up to 3 KiB of pending sign-ins and the rest of the request headers, would risk Node's 16 KB limit and a 431 on every route, sign-out included.`, '');
    }
  }

  const c = results.client;
  out.push('## 4. Client entry size', '');
  if (!c || c.error) out.push(`Not measured${c?.error ? `: ${c.error}` : ''}.`, '');
  else {
    out.push(`\`node bench/client-size.mjs\`. ${c.method}.`, '');
    out.push('| Entry | Minified | min+gzip |', '|---|---:|---:|');
    out.push(`| \`authkit-stepup/client\` (\`dist/client/index.js\`, all exports) | ${c.ours.minBytes} B | **${kb(c.ours.gzipBytes)}** (${c.ours.gzipBytes} B) |`);
    out.push(`| \`@workos-inc/authkit-nextjs/components\` (all exports; its ${c.stubbedActions} server actions stubbed) | ${c.theirs.minBytes} B | ${kb(c.theirs.gzipBytes)} (${c.theirs.gzipBytes} B) |`);
    out.push('');
    out.push("authkit-nextjs's components import its `'use server'` module `dist/esm/actions.js`. Next never sends that module to the browser; it replaces each export with `createServerReference(id, callServer, …)` from its client runtime. The benchmark does the same in a temporary copy of its `dist/esm` (the reference runtime stays external, like React and Next). Ours imports no server module.", '');
  }

  const h = results.http;
  out.push('## 5. HTTP: protected page vs the same page with no auth', '');
  if (!h || h.error) out.push(`Not measured${h?.error ? `: ${h.error}` : ''}.`, '');
  else {
    out.push(`\`node bench/http-load.mjs --seconds ${h.seconds} --rounds ${h.rounds} --connections ${h.connections}${h.exampleApp ? ' --example' : ''}\`. \`next start\` (production build, Turbopack) of \`bench/app\`, a three-page Next 16 app where every page renders the same markup (\`bench/app/app/profile.jsx\`) dynamically per request; dev IdP on a free port; every request carries the same signed-in cookie. Load: \`bench/lib/load.mjs\`, a closed-loop generator on \`node:http\` with ${h.connections} keep-alive connections (autocannon/wrk are not installed; the generator runs in the bench process on the other core, identically for every page). ${h.warmupSeconds} s warm-up per page, then ${h.rounds} rounds × ${h.seconds} s per page, pages alternating in a rotated order. Server CPU per request is the user+system time of the \`next start\` process tree (/proc) over the run, divided by the requests served.${h.buildMs ? ` (\`next build\` of bench/app took ${(h.buildMs / 1000).toFixed(0)} s in this run.)` : ''}`, '');
    out.push('| Page | req/s (median) | req/s per round | p50 | p95 | p99 | server CPU / request | vs no auth |', '|---|---:|---|---:|---:|---:|---:|---:|');
    const ratios = { public: 1, ours: h.benchApp.oursOverPublic, theirs: h.benchApp.theirsOverPublic };
    for (const [k, p] of Object.entries(h.benchApp.pages)) {
      const extra = k === 'public' ? undefined : h.benchApp.extraCpuMs?.[k];
      out.push(`| \`${p.path}\` — ${p.label} | ${p.rps.median.toFixed(0)} | ${p.rpsPerRound.join(', ')} | ${ms(p.latencyMs.p50, 1)} | ${ms(p.latencyMs.p95, 1)} | ${ms(p.latencyMs.p99, 1)} | ${ms(p.cpuMsPerRequest)}${Number.isFinite(extra) ? ` (${extra >= 0 ? '+' : ''}${extra.toFixed(2)})` : ''} | ${pct(ratios[k])} |`);
    }
    out.push('');
    const perRound = (a) => h.benchApp.pages[a].rpsPerRound.map((v, i) => v / h.benchApp.pages.public.rpsPerRound[i]);
    out.push(`Per-round throughput relative to \`/public\`: ours ${perRound('ours').map((r) => pct(r)).join(', ')}; authkit-nextjs ${perRound('theirs').map((r) => pct(r)).join(', ')}. The spread between rounds is the machine, not the page: a round's pages run back to back, so the per-round ratio is what the target is judged on.`, '');
    out.push('`/public` renders a constant user and calls `connection()` so it is dynamic like the others. `/ours` calls `withAuth({ ensureSignedIn: true })` from `authkit-stepup/server` with no proxy. `/theirs` calls `withAuth({ ensureSignedIn: true })` from `@workos-inc/authkit-nextjs` behind its `authkitProxy()` (`bench/app/proxy.js`, matcher `/theirs` only, so the other two pages run no proxy). Ratios and the extra CPU per request (in brackets: this page minus \`/public\`) are computed per round — the runs of a round are back to back — then the median over rounds is taken. To see the SDK\'s own share of a request, profile the server: start \`bench/app\` with \`node --cpu-prof node_modules/next/dist/bin/next start\` and load \`/ours\`; \`resolveSession\` and the page chunk are a small fraction of Next\'s render.', '');
    if (h.exampleApp?.pages) {
      out.push(`Example app (\`example-app/\`, build of ${h.exampleApp.builtAt}): \`/\` signed in (root layout and page both call \`withAuth()\`, deduplicated per request; \`AuthKitProvider\` with the session) vs \`/\` signed out (no cookie: the hero page). These render different pages, so the ratio (${pct(h.exampleApp.signedInOverSignedOut)}) is context, not the target.`, '');
      out.push('| Page | req/s (median) | p50 | p95 | p99 | server CPU / request |', '|---|---:|---:|---:|---:|---:|');
      for (const p of Object.values(h.exampleApp.pages)) out.push(`| ${p.label} | ${p.rps.median.toFixed(0)} | ${ms(p.latencyMs.p50, 1)} | ${ms(p.latencyMs.p95, 1)} | ${ms(p.latencyMs.p99, 1)} | ${ms(p.cpuMsPerRequest)} |`);
      out.push('');
    } else if (h.exampleApp?.skipped) out.push(`Example app: skipped — ${h.exampleApp.skipped}.`, '');
  }

  out.push('## Reproducing', '');
  out.push('```sh');
  out.push('npm run bench                 # builds what changed, runs all sections, rewrites BENCHMARKS.md');
  out.push('npm run bench -- --quick      # rough numbers, does not write this file');
  out.push('npm run bench -- --only refresh   # one section: rewrites that section (and its target rows) here, keeps the rest');
  out.push('node --import ./bench/lib/register-stubs.mjs bench/session-read.mjs            # one section, human-readable');
  out.push('node --cpu-prof --import ./bench/lib/register-stubs.mjs bench/session-read.mjs --only miss --seconds 10   # profile one variant');
  out.push('```');
  out.push('');
  return out.join('\n');
}

