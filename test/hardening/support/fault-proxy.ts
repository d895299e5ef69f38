import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyFault, type Fault } from './fake-workos.js';

/**
 * A loopback proxy in front of the dev IdP that a test can break per route: the authenticate
 * endpoint (code exchange and refresh) and the JWKS. Everything else passes through.
 */
export interface FaultProxy {
  url: string;
  authenticate: Fault | null;
  jwks: Fault | null;
  /** Replaces the JWKS body (e.g. a rotated key set) while `jwks` is null. */
  jwksBody: string | null;
  counts: { authenticate: number; jwks: number };
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const hanging = new Set<ServerResponse>();
  const proxy: FaultProxy = {
    url: '',
    authenticate: null,
    jwks: null,
    jwksBody: null,
    counts: { authenticate: 0, jwks: 0 },
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const isAuth = path === '/user_management/authenticate';
    const isJwks = path.startsWith('/sso/jwks/');
    if (isAuth) proxy.counts.authenticate++;
    if (isJwks) proxy.counts.jwks++;
    const fault = isAuth ? proxy.authenticate : isJwks ? proxy.jwks : null;
    if (fault) return applyFault(fault, req, res, hanging);
    if (isJwks && proxy.jwksBody !== null) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(proxy.jwksBody);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const upstreamRes = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      });
      const headers: Record<string, string> = { 'content-type': upstreamRes.headers.get('content-type') ?? 'application/json' };
      const location = upstreamRes.headers.get('location');
      if (location) headers.location = location;
      res.writeHead(upstreamRes.status, headers).end(Buffer.from(await upstreamRes.arrayBuffer()));
    } catch {
      req.socket.destroy();
    }
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
