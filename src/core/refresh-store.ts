/**
 * The shared store behind refresh (SECURITY.md §7): what lets many instances of an app — serverless
 * functions, containers, pods — agree on one refresh per refresh token. Three operations, exactly
 * what Redis `GET` and `SET key value [NX] PX ttl` give, so an adapter over any Redis client (or
 * anything with an atomic set-if-absent and expiry) is a few lines. `redisStore` (node-redis) and
 * `upstashStore` (@upstash/redis, HTTP: serverless and Edge middleware) ship with the SDK; neither
 * client library is a dependency.
 *
 * The SDK never writes a readable token into it: keys are SHA-256 hashes of refresh tokens, and
 * values are iron seals made with the cookie password (or a short marker). Every call is bounded by
 * a timeout; a store that throws, hangs or is unreachable never signs anybody out.
 */
export interface RefreshStore {
  /** The value under `key`, or `null` (or `undefined`) when there is none. */
  get(key: string): Promise<string | null | undefined>;
  /**
   * Sets `key` to `value` for `ttlMs` milliseconds only when `key` holds nothing (Redis
   * `SET key value NX PX ttlMs`). Resolves `true` when this call set it, `false` when the key was
   * taken. Must be atomic: two instances asking at once get one `true`.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Sets `key` to `value` for `ttlMs` milliseconds, replacing what it held (`SET key value PX ttlMs`). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}
