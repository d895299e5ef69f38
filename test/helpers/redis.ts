import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real `redis-server` for the shared-refresh tests (Debian package `redis-server`; `.ci/run`
 * installs it). It listens on a unix socket in a temp dir only (`--port 0` turns TCP off), so
 * parallel test files never fight over a port, and it persists nothing.
 */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? onPath('redis-server') ?? '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_SERVER);
if (!hasRedis) console.warn(`skipped: no redis-server (apt-get install redis-server, or set REDIS_SERVER to its path)`);

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

export interface RedisServer {
  /** Path of the unix socket clients connect to (`createClient({ socket: { path, tls: false } })`). */
  socket: string;
  /** `redis://127.0.0.1:<port>` when started with `{ tcp: true }` (for apps that take a REDIS_URL). */
  url?: string;
  process: ChildProcess;
  /** SIGKILL: a crash, not a shutdown. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Stops it (if still running) and removes its directory. */
  stop(): Promise<void>;
}

/** `{ tcp: true }` also listens on a free loopback port (found by binding port 0 first). */
export async function startRedis(options: { tcp?: boolean } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'authkit-redis-'));
  const socket = join(dir, 'redis.sock');
  const port = options.tcp ? await freePort() : 0;
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start on ${socket}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    socket,
    ...(port ? { url: `redis://127.0.0.1:${port}` } : {}),
    process: child,
    kill: () => end('SIGKILL'),
    async stop() {
      await end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false);
    const sock = connect(path);
    sock.once('connect', () => {
      sock.end();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
