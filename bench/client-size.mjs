// Section 4: client entry size, min+gzip.
//
//   node bench/client-size.mjs [--json]
//
// Bundles each client entry with esbuild (`npx -y esbuild@0.25`, fetched from the npm registry at
// bench time; nothing is added to package.json), minified, ESM, browser platform, with react,
// react-dom and next as externals (the app ships them anyway), then gzips it (level 9).
//
// - ours: dist/client/index.js (`authkit-stepup/client`), the whole entry.
// - @workos-inc/authkit-nextjs/components (dist/esm/components/index.js), the whole entry. Its
//   components import server actions from a 'use server' module (dist/esm/actions.js). Next never
//   ships that module to the browser: it replaces it with one `createServerReference(id, …)` per
//   export. We do the same — a copy of its dist/esm in a temp dir with actions.js replaced by that
//   stub (the reference runtime import stays external, as it is part of Next's client runtime).
//
// If esbuild cannot be fetched, a fallback reports the gzip size of the unminified module graph
// (clearly labelled; not comparable with the target).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DIST, ROOT } from './lib/harness.mjs';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const ESBUILD = 'esbuild@0.25';
const THEIRS = join(ROOT, 'node_modules/@workos-inc/authkit-nextjs/dist/esm');
const work = mkdtempSync(join(tmpdir(), 'authkit-bench-size-'));

function esbuildVersion() {
  try {
    return execFileSync('npx', ['-y', ESBUILD, '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).trim();
  } catch {
    return null;
  }
}

function bundle(entry, outfile) {
  execFileSync(
    'npx',
    [
      '-y', ESBUILD, entry,
      '--bundle', '--minify', '--format=esm', '--platform=browser', '--target=es2022',
      '--external:react', '--external:react/*', '--external:react-dom', '--external:react-dom/*',
      '--external:next', '--external:next/*', '--external:private-next-rsc-action-client-wrapper',
      '--define:process.env.NODE_ENV="production"', '--log-level=error', `--outfile=${outfile}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  return readFileSync(outfile);
}

/** Next's client-side replacement for a 'use server' module: one server reference per export. */
function serverActionStub(source) {
  const names = new Set();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const|let)\s+(\w+)/g)) names.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) for (const part of m[1].split(',')) {
    const name = part.trim().split(/\s+as\s+/).pop();
    if (name) names.add(name);
  }
  const id = (i) => (i.toString(16) + '0'.repeat(42)).slice(0, 42);
  return [
    `import { createServerReference, callServer, findSourceMapURL } from 'private-next-rsc-action-client-wrapper';`,
    ...[...names].map((n, i) => `export const ${n} = /*#__PURE__*/ createServerReference(${JSON.stringify(id(i + 1))}, callServer, void 0, findSourceMapURL, ${JSON.stringify(n)});`),
  ].join('\n');
}

/** Fallback: every module reachable by relative imports, unminified, concatenated. */
function rawGraph(entry, replace = new Map()) {
  const seen = new Set();
  const out = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = replace.get(file) ?? readFileSync(file, 'utf8');
    out.push(text.replace(/\/\/# sourceMappingURL=.*$/m, ''));
    for (const m of text.matchAll(/(?:import|export)[^'"]*from\s*['"](\.[^'"]+)['"]/g)) visit(resolve(dirname(file), m[1]));
  };
  visit(entry);
  return Buffer.from(out.join('\n'));
}

const measure = (buf) => ({ minBytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length });

try {
  // Theirs, with the 'use server' module stubbed as Next does for the browser.
  const theirsDir = join(work, 'authkit-nextjs');
  cpSync(THEIRS, theirsDir, { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes(`${join(THEIRS, 'types')}`) });
  const stub = serverActionStub(readFileSync(join(THEIRS, 'actions.js'), 'utf8'));
  writeFileSync(join(theirsDir, 'actions.js'), stub);
  const theirsEntry = join(theirsDir, 'components', 'index.js');
  const oursEntry = join(DIST, 'client', 'index.js');
  if (!existsSync(oursEntry)) throw new Error(`${oursEntry} is missing: run npm run build`);

  const version = esbuildVersion();
  let result;
  if (version) {
    result = {
      method: `esbuild ${version} (npx -y ${ESBUILD}): --bundle --minify --format=esm --platform=browser, react/react-dom/next external; gzip -9`,
      minified: true,
      ours: measure(bundle(oursEntry, join(work, 'ours.js'))),
      theirs: measure(bundle(theirsEntry, join(work, 'theirs.js'))),
    };
  } else {
    result = {
      method: 'FALLBACK (esbuild could not be fetched): reachable modules concatenated, NOT minified; gzip -9',
      minified: false,
      ours: measure(rawGraph(oursEntry)),
      theirs: measure(rawGraph(theirsEntry)),
    };
  }
  result.oursModules = readdirSync(join(DIST, 'client')).filter((f) => f.endsWith('.js')).length;
  result.stubbedActions = (stub.match(/^export const /gm) ?? []).length;
  if (args.json) console.log(JSON.stringify(result));
  else console.dir(result);
} finally {
  rmSync(work, { recursive: true, force: true });
}
