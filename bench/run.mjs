#!/usr/bin/env node
// `npm run bench`: builds what changed, runs every benchmark section in its own Node process,
// prints a table and writes BENCHMARKS.md.
//
//   npm run bench                      # everything (~4–5 min on a 2-core machine, builds included)
//   npm run bench -- --quick           # shorter runs, for checking the harness (numbers are rough)
//   npm run bench -- --only session,refresh,cookie,client,http   # rewrites only those sections of BENCHMARKS.md
//   npm run bench -- --no-write        # print only, leave BENCHMARKS.md alone
//   npm run bench -- --no-example      # skip the example app in the HTTP section
//
// Sections run one after another, never in parallel, so they do not compete for the two cores.
// Run on an otherwise idle machine: the load average at start and end is recorded in the report.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DIST, ROOT } from './lib/harness.mjs';
import { machine } from './lib/machine.mjs';
import { renderMarkdown, renderTable } from './lib/report.mjs';
import { mergeMarkdown } from './lib/report-merge.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    write: { type: 'boolean', default: true },
    'no-write': { type: 'boolean', default: false },
    example: { type: 'boolean', default: true },
    'no-example': { type: 'boolean', default: false },
    // Re-render BENCHMARKS.md from the raw results a previous run saved (no measuring).
    render: { type: 'string' },
  },
});
const quick = args.quick;
const write = args.write && !args['no-write'];
const example = args.example && !args['no-example'];
const log = (...m) => console.error('›', ...m);
const STUBS = ['--import', './bench/lib/register-stubs.mjs'];

const SECTIONS = {
  session: { file: 'session-read.mjs', node: STUBS, args: quick ? ['--rounds', '3', '--batch-ms', '100'] : ['--rounds', '7', '--batch-ms', '200'] },
  // The storm in one process, then over 4 processes (with and without a Redis store, beside
  // authkit-nextjs) and what the store costs one refresh. ts-register: it drives test/helpers.
  refresh: {
    file: 'refresh-storm.mjs',
    node: [...STUBS, '--import', './test/helpers/ts-register.mjs'],
    args: quick ? ['--trials', '1', '--instances', '4', '--samples', '3'] : ['--trials', '3', '--instances', '4', '--samples', '8'],
  },
  cookie: { file: 'cookie-size.mjs', node: STUBS, args: [] },
  client: { file: 'client-size.mjs', node: [], args: [] },
  http: {
    file: 'http-load.mjs',
    node: [],
    // Many short alternating runs rather than a few long ones: on a machine whose load drifts,
    // back-to-back 2 s runs see the same conditions, and the median of 8 per-round ratios is stable.
    args: [...(quick ? ['--seconds', '1', '--rounds', '3', '--warmup', '1'] : ['--seconds', '2', '--rounds', '8', '--warmup', '5']), ...(example ? ['--example'] : [])],
  },
};
const selected = args.only ? args.only.split(',').map((s) => s.trim()) : Object.keys(SECTIONS);
for (const s of selected) if (!SECTIONS[s]) throw new Error(`unknown section "${s}" (one of ${Object.keys(SECTIONS).join(', ')})`);

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let n = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) n = Math.max(n, newest(join(path, e.name)));
  return n;
}

function runNode(nodeArgs, script, scriptArgs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join('bench', script), ...scriptArgs, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      const line = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${out.slice(-500)}`));
      }
    });
  });
}

const RAW = join(tmpdir(), 'authkit-stepup-bench-results.json');
const REPORT = join(ROOT, 'BENCHMARKS.md');
/** A full run rewrites BENCHMARKS.md; a partial one (`--only`) replaces its own sections and target rows, if the file exists. */
function writeReport(env, results, partial) {
  if (!partial) writeFileSync(REPORT, renderMarkdown(env, results));
  else if (existsSync(REPORT)) writeFileSync(REPORT, mergeMarkdown(readFileSync(REPORT, 'utf8'), env, results));
  else return false;
  return true;
}

if (args.render) {
  const { env, results } = JSON.parse(readFileSync(args.render === 'last' ? RAW : args.render, 'utf8'));
  console.log(renderTable(env, results));
  if (write && !env.quick) writeReport(env, results, !!env.only);
  process.exit(0);
}

const startedAt = new Date();
const t0 = performance.now();
const builds = {};
if (!process.env.BENCH_DIST) {
  // The package (npm run build) and the example app (next build), when their sources changed —
  // the same helper `npm run example` uses. bench/app is built by the HTTP section.
  try {
    const { ensureBuilt } = await import('../scripts/lib/app.mjs');
    const needExample = example && selected.includes('http');
    if (needExample) Object.assign(builds, await ensureBuilt({ log, quiet: true }));
    else if (!existsSync(join(DIST, 'index.js')) || newest(join(ROOT, 'src')) > statSync(join(DIST, 'index.js')).mtimeMs) {
      log('Building the package (npm run build)…');
      const t = performance.now();
      await new Promise((resolve, reject) =>
        spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('npm run build failed')))),
      );
      builds.packageBuildMs = Math.round(performance.now() - t);
    }
  } catch (error) {
    log(`build step failed: ${error.message}`);
    if (!existsSync(join(DIST, 'index.js'))) process.exit(1);
  }
}

const env = { machine: machine(), startedAt: startedAt.toISOString(), command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, quick, builds, ...(args.only ? { only: selected } : {}) };
const results = {};
const timings = {};
for (const name of selected) {
  const section = SECTIONS[name];
  log(`${name}: node ${[...section.node, `bench/${section.file}`, ...section.args].join(' ')}`);
  const t = performance.now();
  try {
    results[name] = await runNode(section.node, section.file, section.args);
  } catch (error) {
    results[name] = { error: error.message };
    log(`${name} failed: ${error.message}`);
  }
  timings[name] = Math.round((performance.now() - t) / 1000);
}
env.sectionSeconds = timings;
env.totalSeconds = Math.round((performance.now() - t0) / 1000);
env.loadavgEnd = machine().loadavg;

writeFileSync(RAW, JSON.stringify({ env, results }));
log(`raw results: ${RAW} (re-render with --render last)`);
console.log(renderTable(env, results));
if (write && !quick) {
  if (writeReport(env, results, !!args.only)) log(args.only ? `updated BENCHMARKS.md: section(s) ${selected.join(', ')} and their targets; the rest kept` : 'wrote BENCHMARKS.md');
  else log('BENCHMARKS.md left alone (a partial run needs an existing file to update)');
} else if (write) {
  log('BENCHMARKS.md left alone (--quick run)');
}
if (Object.values(results).some((r) => r.error)) process.exitCode = 1;
