import type { RefreshStore } from '../refresh-store.js';

/**
 * What this adapter needs of a node-redis client (`redis` v4 and later: `createClient()`, or
 * `createCluster()`). Structural, so the SDK imports no Redis library.
 */
export interface NodeRedisClient {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { PX: number; NX: true } | { PX: number }): Promise<unknown>;
}

/**
 * A `RefreshStore` over your node-redis client (SECURITY.md §7). Create the client with
 * `disableOfflineQueue: true`, so that commands fail at once while Redis is unreachable (the SDK
 * then refreshes in-process) instead of queueing until its timeout, and give it an `error`
 * listener (node-redis emits one per failed reconnect; without a listener Node exits).
 *
 * ```ts
 * const redis = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * redis.on('error', (error) => console.error('[redis]', error.message));
 * redis.connect().catch(() => {}); // it keeps reconnecting by itself
 * configureAuthKit({ refreshStore: redisStore(redis) });
 * ```
 */
export function redisStore(client: NodeRedisClient): RefreshStore {
  return {
    async get(key) {
      const value = await client.get(key);
      // node-redis answers strings, or Buffers when the app maps types that way.
      return value === null || value === undefined ? null : String(value);
    },
    async setIfAbsent(key, value, ttlMs) {
      // The `PX`/`NX` flags (not v5's `expiration`/`condition`): every node-redis from v4 sends them.
      const reply = await client.set(key, value, { PX: milliseconds(ttlMs), NX: true });
      return reply !== null && reply !== undefined;
    },
    async set(key, value, ttlMs) {
      await client.set(key, value, { PX: milliseconds(ttlMs) });
    },
  };
}

/** Redis wants a positive integer. */
function milliseconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
