// A small closed-loop HTTP load generator: `connections` keep-alive connections, each sending the
// next request as soon as the previous response body has been read, for `durationMs`.
//
// Why not autocannon/wrk: neither is installed, and this needs nothing beyond node:http. It is
// closed-loop (like wrk/autocannon's default), so it measures the server's throughput at a fixed
// concurrency; every page variant goes through the same generator, so ratios are fair. Its own
// CPU cost (~30–60 µs per request in node:http) runs on the other core of this 2-core machine.
import http from 'node:http';

export async function load({ url, headers = {}, connections = 8, durationMs = 10_000 }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies = [];
  const statuses = new Map();
  let errors = 0;
  let bytes = 0;
  const deadline = performance.now() + durationMs;

  const once = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'GET', headers, agent },
        (res) => {
          res.on('data', (chunk) => (bytes += chunk.length));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            resolve();
          });
          res.on('error', () => (errors++, resolve()));
        },
      );
      req.on('error', () => (errors++, resolve()));
      req.end();
    });

  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) await once();
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return { requests: latencies.length, elapsedMs: elapsed, rps: (latencies.length / elapsed) * 1000, latencies, statuses: Object.fromEntries(statuses), errors, bytes };
}
