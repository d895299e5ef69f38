import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';

/**
 * A stand-in for Upstash's hosted REST endpoint (unreachable from here) in front of a real Redis,
 * so that the real `@upstash/redis` client can be tested against real Redis semantics. It speaks
 * Upstash's documented REST protocol, the parts that client uses:
 * - `POST /` with a JSON command array (`["SET","k","v","PX",60000,"NX"]`) → `{ "result": … }`,
 *   or `{ "error": "ERR …" }` with status 400;
 * - `POST /pipeline` with an array of command arrays → an array of `{ result }` / `{ error }`
 *   (the client auto-pipelines by default);
 * - `Authorization: Bearer <token>`, else 401 `{ "error": "Unauthorized" }`;
 * - `Upstash-Encoding: base64` (the client's default): string results base64-encoded, except
 *   the simple string `OK`.
 */
export interface UpstashBridge {
  url: string;
  token: string;
  /** Every command received, in order (pipelines flattened). */
  commands: string[][];
  /** Paths requested (`/`, `/pipeline`), in order. */
  paths: string[];
  close(): Promise<void>;
}

export async function startUpstashBridge(redisSocket: string, token = 'test-upstash-token'): Promise<UpstashBridge> {
  const redis = createClient({ socket: { path: redisSocket, tls: false } });
  redis.on('error', () => undefined);
  await redis.connect();
  const bridge: Omit<UpstashBridge, 'url'> = { token, commands: [], paths: [], close: async () => undefined };

  const run = async (command: unknown): Promise<{ result: unknown } | { error: string }> => {
    if (!Array.isArray(command) || command.length === 0) return { error: 'ERR the request body must be a command array' };
    const args = command.map(String);
    bridge.commands.push(args);
    try {
      return { result: await redis.sendCommand(args) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'Unauthorized' });
    if (req.method !== 'POST') return send(405, { error: 'Use POST' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { error: 'ERR the request body is not JSON' });
    }
    const path = new URL(req.url ?? '/', 'http://bridge').pathname;
    bridge.paths.push(path);
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const encode = (answer: { result: unknown } | { error: string }) => ('result' in answer && base64 ? { result: encoded(answer.result) } : answer);
    if (path === '/') {
      const answer = await run(body);
      return send('error' in answer ? 400 : 200, encode(answer));
    }
    if (path === '/pipeline') {
      if (!Array.isArray(body)) return send(400, { error: 'ERR a pipeline is an array of command arrays' });
      const answers = [];
      for (const command of body) answers.push(encode(await run(command)));
      return send(200, answers);
    }
    send(404, { error: `ERR this bridge does not implement ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...bridge,
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.destroy();
    },
  };
}

function encoded(result: unknown): unknown {
  if (typeof result === 'string') return result === 'OK' ? result : Buffer.from(result, 'utf8').toString('base64');
  if (Array.isArray(result)) return result.map(encoded);
  return result;
}
