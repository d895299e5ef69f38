import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy in front of the dev IdP that can hold token-endpoint calls, so a test can
 * act while a refresh is at the provider (kill Redis, kill the claimant), then let the call
 * through or drop it before the provider ever sees it. JWKS and everything else pass untouched.
 */
export interface HeldCall {
  /** Forward it to the IdP and relay the answer. */
  release(): void;
  /** Cut the connection: the IdP never sees the call (its caller died first). */
  drop(): void;
}

export interface IdpGate {
  /** Use as the SDK's `apiUrl` (with `issuer` set to the IdP's own URL). */
  url: string;
  /** While true, calls to /user_management/authenticate are held. */
  hold: boolean;
  /** The next held call. */
  nextHeld(): Promise<HeldCall>;
  close(): Promise<void>;
}

export async function startIdpGate(target: string): Promise<IdpGate> {
  const waiting: Array<(call: HeldCall) => void> = [];
  const queued: HeldCall[] = [];

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
        body: req.method === 'POST' ? new Uint8Array(body) : undefined,
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.destroy();
    }
  }

  const gate: Omit<IdpGate, 'url'> = {
    hold: false,
    nextHeld: () => new Promise((resolve) => (queued.length ? resolve(queued.shift()!) : waiting.push(resolve))),
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (!gate.hold || !req.url?.startsWith('/user_management/authenticate')) return forward(req, res, body);
    const call: HeldCall = { release: () => void forward(req, res, body), drop: () => req.socket.destroy() };
    const taker = waiting.shift();
    if (taker) taker(call);
    else queued.push(call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(gate, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
