import type { AuthInfo } from './types.js';

/**
 * Verified sessions keyed by the exact sealed cookie value, each valid until its access token's
 * `exp`. A hit skips the unseal and the signature check — the two costs of every request. Only
 * successes are stored; the bound evicts the oldest entry first.
 */
export class SessionCache {
  private readonly entries = new Map<string, { seal: string; auth: AuthInfo }>();

  constructor(private readonly maxEntries = 1000) {}

  get(seal: string, nowSeconds: number): AuthInfo | undefined {
    const key = keyOf(seal);
    const hit = this.entries.get(key);
    // The full comparison is what decides; the key only finds the candidate.
    if (hit === undefined || hit.seal !== seal) return undefined;
    if (hit.auth.expiresAt <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.auth;
  }

  set(seal: string, auth: AuthInfo): void {
    if (this.maxEntries <= 0) return;
    const key = keyOf(seal);
    this.entries.delete(key);
    this.entries.set(key, { seal, auth });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Each request brings the cookie as a new string, so a Map keyed by the whole seal hashes all of
 * its ~2 KB every time. Iron seals end with their HMAC: the tail is as unique and cheap to hash.
 */
function keyOf(seal: string): string {
  return seal.length > 64 ? seal.slice(-64) : seal;
}
