// The targets of DESIGN.md's performance section, judged on one run's results.
import { kb, ms, pct, x } from './format.mjs';
import { fmtUs } from './stats.mjs';

/** Every target: measured value, pass/miss, and by how much. */
export function verdicts(results) {
  const out = [];
  const s = results.session;
  if (s && !s.error) {
    const r = s.ratios.theirsOverHit;
    out.push({
      id: 'cache-hit',
      target: 'Session read on a seen cookie ≥ 20× faster than authkit-nextjs (proxy + withAuth), same cookie, same run',
      measured: `${x(r, 0)} (ours ${fmtUs(s.variants.hit?.meanUs.median)} vs theirs ${fmtUs(s.variants.theirs?.meanUs.median)}); real withAuth(): ${x(s.ratios.theirsOverWithAuth, 0)}`,
      pass: r >= 20,
      miss: r >= 20 ? '' : `${x(20 / r, 2)} short of 20×`,
    });
    // Primary: the call-by-call interleaved comparison (robust to load drift); the per-round
    // batch ratio is shown beside it.
    const p = s.pairs;
    const m = p ? p.ratioOfMedians : s.ratios.missOverFloor;
    const missUs = p ? p.missUs.median : s.variants.miss?.meanUs.median;
    const floorUs = p ? p.floorUs.median : s.variants.floor?.meanUs.median;
    out.push({
      id: 'first-sight',
      target: 'First sight of a cookie within 1.2× of the floor (one unsealData + one jwtVerify, direct)',
      measured: `${x(m, 2)} (ours ${fmtUs(missUs)} vs floor ${fmtUs(floorUs)}, ${p ? `median of ${p.pairs} interleaved calls each; per-round batch means: ${x(s.ratios.missOverFloor, 2)}` : 'per-round batch means'})`,
      pass: m <= 1.2,
      miss: m <= 1.2 ? '' : `${pct(m / 1.2 - 1)} over the 1.2× budget (${fmtUs(missUs - 1.2 * floorUs)} per call)`,
    });
  }
  const rf = results.refresh;
  if (rf && !rf.error) {
    const calls = rf.ours.map((t) => t.providerCalls);
    const ok = rf.ours.map((t) => t.succeeded);
    const pass = calls.every((c) => c === 1) && ok.every((o) => o === rf.concurrency);
    out.push({
      id: 'refresh-storm',
      target: `${rf.concurrency} concurrent requests with an expired token: exactly 1 refresh reaches the provider, all ${rf.concurrency} succeed`,
      measured: `provider calls ${calls.join(', ')}; succeeded ${ok.join(', ')} (per trial)`,
      pass,
      miss: pass ? '' : 'see section 2',
    });
    for (const run of rf.instances ?? []) {
      const trials = run.trials.map((t) => t.configs.redis);
      const ok = trials.every((t) => t.providerCalls === 1 && t.signedIn === run.concurrency && t.deleted === 0);
      out.push({
        id: `refresh-instances-${run.instances}`,
        target: `Many instances (#12): ${run.concurrency} concurrent requests with an expired token over ${run.instances} processes sharing a Redis \`refreshStore\`: exactly 1 refresh reaches the provider, all ${run.concurrency} signed in, no cookie deleted`,
        measured: `provider calls ${trials.map((t) => t.providerCalls).join(', ')}; signed in ${trials.map((t) => t.signedIn).join(', ')}; deleted ${trials.map((t) => t.deleted).join(', ')} (per trial). Without a store: provider calls ${run.trials.map((t) => t.configs.noStore.providerCalls).join(', ')}, deleted ${run.trials.map((t) => t.configs.noStore.deleted).join(', ')}`,
        pass: ok,
        miss: ok ? '' : 'see section 2, "Across processes"',
      });
    }
    const co = rf.coordination;
    if (co) {
      const hits = Object.values(co.cacheHit ?? {});
      const waves = (rf.instances ?? []).flatMap((r) => r.cacheWaves);
      const zero = hits.length > 0 && hits.every((h) => h.storeCalls === 0) && waves.every((w) => w.storeCalls === 0);
      out.push({
        id: 'refresh-store-cache-hit',
        target: 'Many instances (#12): a valid token never touches the refresh store — the cache-hit path makes 0 store calls',
        measured: `${Object.entries(co.cacheHit).map(([k, h]) => `${k}: ${h.storeCalls} store calls in ${h.calls.toLocaleString('en-US')} reads`).join('; ')}${waves.length ? `; across processes, the next ${waves[0].requests} requests with the new cookie: ${waves.map((w) => w.storeCalls).join(', ')} store calls (per trial)` : ''}`,
        pass: zero,
        miss: zero ? '' : 'see section 2, "What one coordinated refresh costs"',
      });
    }
  }
  const h = results.http;
  if (h && !h.error && h.benchApp) {
    const r = h.benchApp.oursOverPublic;
    out.push({
      id: 'http',
      target: 'Protected page throughput ≥ 90% of the same page with no auth and no proxy',
      measured: `${pct(r)} (${h.benchApp.pages.ours.rps.median.toFixed(0)} vs ${h.benchApp.pages.public.rps.median.toFixed(0)} req/s; ${ms(h.benchApp.extraCpuMs?.ours)} extra server CPU per request); authkit-nextjs: ${pct(h.benchApp.theirsOverPublic)} (${ms(h.benchApp.extraCpuMs?.theirs)} extra)`,
      pass: r >= 0.9,
      miss: r >= 0.9 ? '' : `${((0.9 - r) * 100).toFixed(0)} points short`,
    });
  }
  const c = results.client;
  if (c && !c.error) {
    const b = c.ours.gzipBytes;
    out.push({
      id: 'client',
      target: 'Client entry `authkit-stepup/client` ≤ 4 KB min+gzip',
      measured: `${kb(b)} (authkit-nextjs/components: ${kb(c.theirs.gzipBytes)})${c.minified ? '' : ' — UNMINIFIED fallback'}`,
      pass: b <= 4096,
      miss: b <= 4096 ? '' : `${b - 4096} B over`,
    });
  }
  const ck = results.cookie;
  if (ck && !ck.error) {
    const chunked = ck.rows.filter((r) => !r.error && r.sealBytes > 3900);
    const pass = chunked.every((r) => r.setCookieHeaders > 1 && r.maxSetCookieBytes <= 4096 && r.readBack) && ck.rows.filter((r) => !r.error).every((r) => r.readBack);
    out.push({
      id: 'cookie',
      target: 'A session over 4096 bytes is chunked (every Set-Cookie ≤ 4096 B) and read back whole',
      measured: ck.rows.map((r) => (r.error ? `${r.session}: ${r.error}` : `${r.session}: ${r.sealBytes} B seal in ${r.setCookieHeaders} cookie(s), largest Set-Cookie ${r.maxSetCookieBytes} B${r.nodeDefaultServerStatus !== 200 ? ` (read back, but the next request gets ${r.nodeDefaultServerStatus} from a default Node server)` : ''}`)).join('; '),
      pass,
      miss: pass ? '' : 'see section 3',
    });
  }
  return out;
}
