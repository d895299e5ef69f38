import { redisStore, type RefreshStore } from 'authkit-stepup';

/**
 * `REDIS_URL` set (e.g. `redis://127.0.0.1:6379`): every instance of this app — two `next start`
 * behind a load balancer, containers, pods — refreshes an expired session through that Redis, so
 * the provider sees one refresh per session however many instances receive the expired cookie.
 * Unset (`npm run example`): no store, and the `redis` client library is never loaded.
 *
 * One store per process, shared by the pages, actions and route handlers (instrumentation.ts →
 * `configureAuthKit`) and the proxy (proxy.ts → `authkitProxy({ config })`): Next loads those as
 * separate bundles, so the client lives on globalThis, like the SDK's own default instance.
 */
export function refreshStore(): RefreshStore | undefined {
  const url = process.env.REDIS_URL?.trim();
  if (!url) return undefined;
  const slot = globalThis as unknown as Record<symbol, RefreshStore | undefined>;
  return (slot[KEY] ??= lazyRedisStore(url));
}

/**
 * Connects now (at server start) rather than on the first refresh; resolves once connected or after
 * a second. A bad `REDIS_URL` is logged, not thrown: without its store the app still serves, each
 * instance refreshing on its own (the SDK logs that, at most every 30 s).
 */
export async function connectRefreshStore(): Promise<void> {
  const url = process.env.REDIS_URL?.trim();
  if (!url) return;
  await client(url).catch((error: unknown) => console.error(`[redis] REDIS_URL is set but no client could be created: ${error instanceof Error ? error.message : String(error)}`));
}

const KEY = Symbol.for('acme-console.refresh-store');
const CLIENT = Symbol.for('acme-console.redis-client');
/** How long the first connection may take before a store call goes ahead (and fails fast). */
const CONNECT_WAIT_MS = 1_000;

/** The store's calls wait for the client, which is imported only when the first one is made. */
function lazyRedisStore(url: string): RefreshStore {
  let adapter: Promise<RefreshStore> | undefined;
  const store = () => (adapter ??= client(url).then(redisStore));
  return {
    get: async (key) => (await store()).get(key),
    setIfAbsent: async (key, value, ttlMs) => (await store()).setIfAbsent(key, value, ttlMs),
    set: async (key, value, ttlMs) => (await store()).set(key, value, ttlMs),
  };
}

type Client = Parameters<typeof redisStore>[0];

function client(url: string): Promise<Client> {
  const slot = globalThis as unknown as Record<symbol, Promise<Client> | undefined>;
  return (slot[CLIENT] ??= import('redis').then(async ({ createClient }) => {
    // disableOfflineQueue: while Redis is unreachable, commands fail at once and the SDK refreshes
    // in this process instead of waiting out its store timeout.
    const redis = createClient({ url, disableOfflineQueue: true });
    // node-redis emits an error per failed reconnect, and Node exits on an unhandled one.
    let lastLog = 0;
    redis.on('error', (error: Error) => {
      if (Date.now() - lastLog < 30_000) return;
      lastLog = Date.now();
      console.error(`[redis] ${error.message} (refresh falls back to this instance alone while Redis is unreachable)`);
    });
    // It keeps reconnecting by itself; do not hold a request longer than this for the first connection.
    await Promise.race([redis.connect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS))]);
    return redis;
  }));
}
