// One app instance in its own OS process, for the multi-process refresh tests: its own
// createAuthKit (so its own session cache and in-process single-flight), with or without a
// node-redis refresh store. Driven over IPC by test/helpers/instances.ts; started with
// `--import ./ts-register.mjs` so it runs the sources in src/.
import { createClient } from 'redis';
import type { RefreshStore } from '../../src/index.js';
import { internal } from '../../src/core/internal.js';

export interface WorkerConfig {
  clientId: string;
  apiKey: string;
  /** Where the provider calls go (the dev IdP, or a proxy in front of it). */
  apiUrl: string;
  /** The dev IdP's own URL: the tokens' `iss`. */
  issuer: string;
  cookiePassword: string;
  redirectUri: string;
  providerTimeout?: number;
  /** A node-redis store on this unix socket; `connect: false` leaves the client unconnected (unreachable from the start). */
  store?: { socket: string; connect: boolean };
  /**
   * The SDK module to load (a file URL), default the sources (`src/index.ts`). The benchmark
   * points it at the built `dist/index.js`.
   */
  entry?: string;
}

/** What one request saw, as the browser would: signed in or not, and the session cookie written. */
export interface RequestResult {
  pid: number;
  signedIn: boolean;
  userId?: string;
  sessionId?: string;
  /** The response deleted the session cookie. */
  deleted: boolean;
  /** The session cookie the response set, if any. */
  seal?: string;
  ms: number;
}

export type ToWorker = { type: 'storm'; id: number; cookie: string; count: number };
export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'store'; pid: number; op: keyof RefreshStore; outcome: string }
  | { type: 'result'; id: number; results: RequestResult[] };

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const send = (message: FromWorker) => process.send?.(message);
const { createAuthKit, redisStore } = (await import(config.entry ?? new URL('../../src/index.js', import.meta.url).href)) as typeof import('../../src/index.js');

let store: RefreshStore | undefined;
if (config.store) {
  const client = createClient({ socket: { path: config.store.socket, tls: false, reconnectStrategy: (retries) => Math.min(50 * retries, 500) }, disableOfflineQueue: true });
  // node-redis emits an error per failed reconnect: the tests kill Redis on purpose.
  client.on('error', () => undefined);
  if (config.store.connect) await client.connect();
  else client.connect().catch(() => undefined);
  store = reporting(redisStore(client));
}

const kit = createAuthKit({
  clientId: config.clientId,
  apiKey: config.apiKey,
  apiUrl: config.apiUrl,
  issuer: config.issuer,
  redirectUri: config.redirectUri,
  cookiePassword: config.cookiePassword,
  clockTolerance: 0,
  ...(config.providerTimeout ? { providerTimeout: config.providerTimeout } : {}),
  ...(store ? { refreshStore: store } : {}),
  env: {},
});

/** Tells the parent about every store call as it completes, so a test can strike at the right moment. */
function reporting(inner: RefreshStore): RefreshStore {
  const wrap =
    <A extends unknown[], R>(op: keyof RefreshStore, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const value = await fn(...args);
        send({ type: 'store', pid: process.pid, op, outcome: op === 'get' ? String(value).slice(0, 2) : String(value) });
        return value;
      } catch (error) {
        send({ type: 'store', pid: process.pid, op, outcome: 'error' });
        throw error;
      }
    };
  return { get: wrap('get', inner.get), setIfAbsent: wrap('setIfAbsent', inner.setIfAbsent), set: wrap('set', inner.set) };
}

async function request(cookie: string): Promise<RequestResult> {
  const started = performance.now();
  const res = await internal(kit).resolveSession(cookie, 'expired');
  const session = res.cookies.find((c) => c.name === 'wos-session');
  const result: RequestResult = { pid: process.pid, signedIn: res.auth !== null, deleted: session?.options.maxAge === 0, ms: performance.now() - started };
  if (res.auth) {
    result.userId = res.auth.user.id;
    result.sessionId = res.auth.sessionId;
  }
  if (session && session.options.maxAge !== 0) result.seal = session.value;
  return result;
}

process.on('message', (message: ToWorker) => {
  void Promise.all(Array.from({ length: message.count }, () => request(message.cookie))).then((results) => send({ type: 'result', id: message.id, results }));
});
// The test process went away (finished, or crashed): never linger.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
