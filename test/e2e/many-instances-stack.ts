/**
 * The system under test for many-instances.test.ts: one real `redis-server` (TCP), the dev
 * identity provider, and several `next start` processes of the SAME example-app build (the one the
 * global setup made), each on its own port with `REDIS_URL` set, behind a round-robin reverse
 * proxy on `node:http` — the browser only ever sees the proxy's origin, as behind a load balancer.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DevIdp, DevIdpOptions } from '../../src/testing/index.js';
import { ROOT, devIdpEnv, freePort, startNext, waitForHttp, type NextServer } from '../../scripts/lib/app.mjs';
import { startRedis, type RedisServer } from '../helpers/redis.js';

/** One request through the proxy: which instance answered it, and what it did to the session cookie. */
export interface Routed {
  seq: number;
  instance: number;
  method: string;
  url: string;
  /** document | action | prefetch | rsc | other */
  kind: string;
  status: number;
  /** The `wos-session` value the response set (`''` for a deletion), if it set one. */
  session?: string;
}

export interface ManyInstancesStack {
  /** The proxy's origin: the app as the browser sees it. */
  baseUrl: string;
  idp: DevIdp;
  redis: RedisServer;
  /** Each `next start`'s own origin, for readiness checks and logs. */
  instances: string[];
  /** Every request the proxy routed, in arrival order. */
  routed: Routed[];
  stop(): Promise<void>;
}

export async function startManyInstances(options: { instances: number; logName: string; idp?: Omit<DevIdpOptions, 'port' | 'redirectUri'> }): Promise<ManyInstancesStack> {
  const testing = (await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href)) as typeof import('../../src/testing/index.js');
  const frontPort = await freePort();
  const baseUrl = `http://localhost:${frontPort}`;
  const redirectUri = `${baseUrl}/callback`;
  const [redis, idp] = await Promise.all([startRedis({ tcp: true }), testing.startDevIdp({ ...options.idp, port: 0, redirectUri })]);
  // One cookie password for all instances: each must unseal what another wrote (and what it published in Redis).
  const env = { ...devIdpEnv(idp, redirectUri, randomBytes(32).toString('base64url')), REDIS_URL: redis.url! };

  const outDir = join(ROOT, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const ports: number[] = [];
  const servers: NextServer[] = [];
  const logs: Array<ReturnType<typeof createWriteStream>> = [];
  for (let i = 0; i < options.instances; i++) {
    const port = await freePort();
    ports.push(port);
    const log = createWriteStream(join(outDir, `${options.logName}-${i}.log`));
    const next = startNext({ port, env, stdio: ['ignore', 'pipe', 'pipe'] });
    next.child.stdout?.pipe(log);
    next.child.stderr?.pipe(log);
    servers.push(next);
    logs.push(log);
  }

  const routed: Routed[] = [];
  const agent = new Agent({ keepAlive: true });
  let seq = 0;
  const proxy: Server = createServer((req, res) => {
    const n = seq++;
    const instance = n % ports.length;
    const entry: Routed = { seq: n, instance, method: req.method ?? 'GET', url: req.url ?? '/', kind: kindOf(req.method ?? 'GET', req.headers), status: 0 };
    routed.push(entry);
    // Host stays the proxy's, so the app builds its URLs (redirects, server-action origin checks) for it.
    const upstream = httpRequest({ host: '127.0.0.1', port: ports[instance], method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1', 'x-forwarded-proto': 'http' }, agent }, (up) => {
      entry.status = up.statusCode ?? 0;
      const session = (up.headers['set-cookie'] ?? []).map((c) => /^wos-session=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined);
      if (session !== undefined) entry.session = session;
      const headers = { ...up.headers };
      for (const hop of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[hop];
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    upstream.on('error', (error) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: instance ${instance} failed: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => proxy.once('error', reject).listen(frontPort, () => resolve()));

  const stop = async () => {
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    agent.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    for (const log of logs) log.end();
    await Promise.all([idp.close(), redis.stop()]);
  };
  const instances = ports.map((p) => `http://localhost:${p}`);
  try {
    await Promise.all(instances.map((url, i) => waitForHttp(`${url}/auth-error`, { child: servers[i]!.child })));
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, idp, redis, instances, routed, stop };
}

function kindOf(method: string, h: IncomingHttpHeaders): string {
  if (h['next-action']) return 'action';
  if (h['next-router-prefetch']) return 'prefetch';
  if (h.rsc) return 'rsc';
  if (method === 'GET' && h['sec-fetch-dest'] === 'document') return 'document';
  return 'other';
}
