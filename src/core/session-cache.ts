import type { AuthInfo } from './types.js';

/**
 * Verified sessions keyed by the exact sealed cookie value, each valid until its access token's
 * `exp`. A hit skips the unseal and the signature check — the two costs of every request. Only
 * successes are stored; the bound evicts the oldest entry first.
 */
export class SessionCache {
  private readonly entries = new Map<string, AuthInfo>();

  constructor(private readonly maxEntries = 1000) {}

  get(seal: string, nowSeconds: number): AuthInfo | undefined {
    const hit = this.entries.get(seal);
    if (hit === undefined) return undefined;
    if (hit.expiresAt <= nowSeconds) {
      this.entries.delete(seal);
      return undefined;
    }
    return hit;
  }

  set(seal: string, auth: AuthInfo): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(seal);
    this.entries.set(seal, auth);
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
