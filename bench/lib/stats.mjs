// Small statistics and timing helpers shared by the benchmark sections.

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

export const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);

const now = () => process.hrtime.bigint();

/**
 * Runs `fn` (async) `iterations` times back to back and returns the mean µs per call for the
 * batch plus every call's own latency in µs (hrtime around each call; its ~0.1 µs overhead is
 * the same for every variant).
 */
export async function timeBatch(fn, iterations) {
  const samples = new Float64Array(iterations);
  const start = now();
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    await fn();
    samples[i] = Number(now() - t0) / 1000;
  }
  const meanUs = Number(now() - start) / 1000 / iterations;
  return { meanUs, samples };
}

/** A fixed-seed shuffle so the order of variants changes between rounds but runs are reproducible. */
export function rotate(list, by) {
  const k = ((by % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export function fmtUs(us) {
  if (!Number.isFinite(us)) return 'n/a';
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  if (us >= 100) return `${us.toFixed(0)} µs`;
  if (us >= 10) return `${us.toFixed(1)} µs`;
  return `${us.toFixed(2)} µs`;
}

export function fmtBytes(n) {
  if (n >= 1024) return `${(n / 1024).toFixed(2)} KB (${n} B)`;
  return `${n} B`;
}
