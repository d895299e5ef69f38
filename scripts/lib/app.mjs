// Shared by `npm run example` (scripts/example.mjs) and the e2e global setup (test/e2e/global-setup.ts):
// build the package and the example app when their sources changed, and run `next start`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_DIR = join(ROOT, 'example-app');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const SKIP = new Set(['node_modules', '.next', 'dist', '.git', 'test-results']);

/** Newest modification time (ms) of any file under `path`, skipping build output. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Runs a command with inherited output; rejects with its exit code. */
export function run(command, args, { cwd = ROOT, env = process.env, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else {
        if (quiet) process.stderr.write(output);
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
      }
    });
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm run build` when src/ is newer than dist/ (or `force`). Returns how long it took, if it ran. */
export async function ensurePackageBuilt({ force = false, log = console.log, quiet = false } = {}) {
  const distMarker = join(ROOT, 'dist', 'index.js');
  const srcNewest = Math.max(newestMtime(join(ROOT, 'src')), mtime(join(ROOT, 'tsconfig.build.json')), mtime(join(ROOT, 'tsconfig.json')));
  if (!force && existsSync(join(ROOT, 'dist', 'testing', 'index.js')) && srcNewest <= mtime(distMarker)) return undefined;
  log('› Building the package (npm run build)…');
  const started = Date.now();
  await run(npm, ['run', 'build', '--silent'], { quiet });
  return Date.now() - started;
}

/**
 * `npm run build` when src/ is newer than dist/, `next build` when the app, the package's dist/ or
 * the lockfile is newer than the last build. Returns what ran and how long it took.
 */
export async function ensureBuilt({ force = false, log = console.log, quiet = false } = {}) {
  const timings = {};
  const packageBuildMs = await ensurePackageBuilt({ force, log, quiet });
  if (packageBuildMs !== undefined) timings.packageBuildMs = packageBuildMs;
  const buildId = join(APP_DIR, '.next', 'BUILD_ID');
  const appNewest = Math.max(newestMtime(APP_DIR), newestMtime(join(ROOT, 'dist')), mtime(join(ROOT, 'package-lock.json')));
  if (force || appNewest > mtime(buildId)) {
    log('› Building the example app (next build)…');
    const started = Date.now();
    await run(process.execPath, [NEXT_BIN, 'build'], { cwd: APP_DIR, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, quiet });
    timings.nextBuildMs = Date.now() - started;
  }
  return timings;
}

/** A free TCP port on loopback (the OS picks it; a tiny race remains, as with any such helper). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any status) or the child exits. */
export async function waitForHttp(url, { child, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child?.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`next start exited before ${url} answered`);
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The variables the SDK reads, pointing at a dev IdP. */
export function devIdpEnv(idp, redirectUri, cookiePassword) {
  const api = new URL(idp.url);
  return {
    WORKOS_CLIENT_ID: idp.clientId,
    WORKOS_API_KEY: idp.apiKey,
    WORKOS_REDIRECT_URI: redirectUri,
    WORKOS_COOKIE_PASSWORD: cookiePassword,
    WORKOS_API_HOSTNAME: api.hostname,
    WORKOS_API_PORT: api.port,
    WORKOS_API_HTTPS: 'false',
  };
}

/**
 * `next start` for the example app (or the app in `cwd`, with its own Next in `cwd/node_modules`).
 * `stop()` sends SIGTERM (SIGKILL after 5 s) and resolves when the process is gone.
 */
export function startNext({ port, hostname, env = {}, stdio = 'inherit', cwd }) {
  const nextBin = cwd ? join(cwd, 'node_modules', 'next', 'dist', 'bin', 'next') : NEXT_BIN;
  const args = [nextBin, 'start', '-p', String(port)];
  if (hostname) args.push('-H', hostname);
  const child = spawn(process.execPath, args, {
    cwd: cwd ?? APP_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio,
  });
  let exited = child.exitCode !== null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => ((exited = true), resolve({ code, signal }))));
  return {
    child,
    exit,
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}
