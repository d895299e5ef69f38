// The Next 15 compatibility app (test/compat/next15-app), installed as a user's app would be:
// its own lockfile (`npm ci`: Next 15, React, TypeScript pinned) plus the packed authkit-stepup
// tarball (`npm install --no-save <tarball>`), in a directory outside the repository so nothing
// can resolve from the repo's own node_modules or dist/. Then `next build`, and a check that
// middleware.ts was built for the Edge runtime.
//
// Steps are skipped when their inputs did not change (the lockfile, the tarball's sha256, the app's
// sources), so a warm run only packs and compares hashes.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT, ensurePackageBuilt, run } from './app.mjs';
import { packPackage } from './pack.mjs';

export const COMPAT_SRC = join(ROOT, 'test', 'compat', 'next15-app');
const SKIP = new Set(['node_modules', '.next', 'next-env.d.ts', 'README.md']);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPM_ENV = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Where the app is installed and built: outside the repository (AUTHKIT_COMPAT_DIR overrides). */
export function compatWorkDir() {
  return process.env.AUTHKIT_COMPAT_DIR ?? join(tmpdir(), `authkit-stepup-compat-${sha256(ROOT).slice(0, 10)}`);
}

function sourceFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith('.tgz')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path, base));
    else out.push(relative(base, path));
  }
  return out.sort();
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Packs the package, installs it into a copy of the Next 15 app and builds the app when needed.
 * `nextVersion` installs that Next instead of the lockfile's (`--no-save`), e.g. '15.2.3', in a
 * directory of its own.
 */
export async function prepareCompatApp({ nextVersion, log = console.log, logFile } = {}) {
  const timings = {};
  const time = async (key, fn) => {
    const started = Date.now();
    const result = await fn();
    timings[key] = Date.now() - started;
    return result;
  };

  const packageBuildMs = await ensurePackageBuilt({ log, quiet: true });
  if (packageBuildMs !== undefined) timings.packageBuildMs = packageBuildMs;

  const work = compatWorkDir();
  const appDir = join(work, nextVersion ? `next15-app@${nextVersion}` : 'next15-app');
  const tarball = await time('packMs', () => packPackage(join(work, 'pack')));

  // The app's sources, copied fresh (node_modules and .next stay).
  mkdirSync(appDir, { recursive: true });
  for (const entry of readdirSync(appDir)) if (entry !== 'node_modules' && entry !== '.next') rmSync(join(appDir, entry), { recursive: true, force: true });
  const files = sourceFiles(COMPAT_SRC);
  const sources = createHash('sha256');
  for (const file of files) {
    mkdirSync(join(appDir, file, '..'), { recursive: true });
    cpSync(join(COMPAT_SRC, file), join(appDir, file));
    sources.update(`${file}\0`).update(readFileSync(join(COMPAT_SRC, file))).update('\0');
  }
  const lockHash = sha256(`${readFileSync(join(appDir, 'package-lock.json'))}\0${readFileSync(join(appDir, 'package.json'))}`);

  // Install: `npm ci` from the app's lockfile, then the tarball as npm installs any tarball.
  const markerPath = join(appDir, 'node_modules', '.authkit-compat-install.json');
  let marker = readJson(markerPath) ?? {};
  if (marker.lockHash !== lockHash) {
    log(`› npm ci in ${appDir}…`);
    await time('npmCiMs', () => run(npm, ['ci'], { cwd: appDir, env: NPM_ENV, quiet: true }));
    marker = { lockHash };
  }
  const installKey = `${tarball.sha256}:${nextVersion ?? ''}`;
  if (marker.installKey !== installKey) {
    const extra = nextVersion ? [`next@${nextVersion}`] : [];
    log(`› npm install --no-save ${tarball.filename}${extra.length ? ` ${extra.join(' ')}` : ''}…`);
    await time('installTarballMs', () => run(npm, ['install', '--no-save', tarball.path, ...extra], { cwd: appDir, env: NPM_ENV, quiet: true }));
    marker = { lockHash, installKey };
    writeFileSync(markerPath, JSON.stringify(marker));
  }

  // What got installed is the tarball's content in a real directory, not a link to the repo.
  const installed = join(appDir, 'node_modules', 'authkit-stepup');
  if (lstatSync(installed).isSymbolicLink()) throw new Error(`${installed} is a symlink; expected the unpacked tarball`);
  const missing = tarball.files.filter((file) => !existsSync(join(installed, file)));
  if (missing.length > 0) throw new Error(`installed authkit-stepup lacks ${missing.join(', ')}`);
  const nextInstalled = readJson(join(appDir, 'node_modules', 'next', 'package.json'))?.version;
  const reactInstalled = readJson(join(appDir, 'node_modules', 'react', 'package.json'))?.version;
  if (nextVersion && nextInstalled !== nextVersion) throw new Error(`expected next@${nextVersion}, found ${nextInstalled}`);

  // Build when the sources, the lockfile, the tarball or Next changed.
  const buildHash = sha256(`${sources.digest('hex')}:${lockHash}:${installKey}:${nextInstalled}`);
  const buildMarkerPath = join(appDir, '.next', 'authkit-compat-build.json');
  if (readJson(buildMarkerPath)?.buildHash !== buildHash || !existsSync(join(appDir, '.next', 'BUILD_ID'))) {
    log(`› next build (next@${nextInstalled})…`);
    const nextBin = join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
    const output = await time('nextBuildMs', () =>
      run(process.execPath, [nextBin, 'build'], { cwd: appDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, quiet: true }),
    );
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      writeFileSync(logFile, output);
    }
    writeFileSync(buildMarkerPath, JSON.stringify({ buildHash }));
  }

  return { appDir, tarball, nextVersion: nextInstalled, reactVersion: reactInstalled, middleware: middlewareBuild(appDir), timings };
}

/**
 * How `next build` compiled middleware.ts. An Edge middleware is listed in
 * .next/server/middleware-manifest.json; a Node.js one (Next ≥ 15.5 with `runtime: 'nodejs'`) is
 * listed in functions-config-manifest.json instead and throws here.
 */
export function middlewareBuild(appDir) {
  const manifest = readJson(join(appDir, '.next', 'server', 'middleware-manifest.json'));
  const functions = readJson(join(appDir, '.next', 'server', 'functions-config-manifest.json'));
  const nodeMiddleware = functions?.functions?.['/_middleware'];
  if (nodeMiddleware) throw new Error(`middleware.ts was built for the ${nodeMiddleware.runtime ?? 'Node.js'} runtime, not Edge`);
  const edge = manifest?.middleware?.['/'];
  if (!edge) throw new Error('middleware.ts is missing from .next/server/middleware-manifest.json (not built as an Edge function)');
  return { runtime: 'edge', name: edge.name, matchers: (edge.matchers ?? []).map((m) => m.originalSource) };
}
