import type { RefreshStore } from '../refresh-store.js';

/**
 * What this adapter needs of an `@upstash/redis` client (`new Redis({ url, token })` or
 * `Redis.fromEnv()`). Structural, so the SDK imports no Redis library; Upstash speaks HTTP, so this
 * works in serverless functions and in Next 15's Edge middleware.
 */
export interface UpstashRedisClient {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { px: number; nx: true } | { px: number }): Promise<unknown>;
}

/**
 * A `RefreshStore` over your Upstash client (SECURITY.md §7).
 *
 * ```ts
 * import { Redis } from '@upstash/redis';
 * configureAuthKit({ refreshStore: upstashStore(Redis.fromEnv()) });
 * ```
 */
export function upstashStore(redis: UpstashRedisClient): RefreshStore {
  return {
    async get(key) {
      const value = await redis.get(key);
      if (value === null || value === undefined) return null;
      // The client parses JSON-looking values; ours never look like JSON, so anything else is
      // handed on as text and refused by the protocol as a value the SDK did not write.
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = await redis.set(key, value, { px: milliseconds(ttlMs), nx: true });
      return reply !== null && reply !== undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, { px: milliseconds(ttlMs) });
    },
  };
}

/** Redis wants a positive integer. */
function milliseconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
