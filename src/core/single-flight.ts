/**
 * One in-flight call per key; callers that arrive while it runs — or up to `graceMs` after it
 * succeeded — share its result. The grace period is what stops a refresh-token rotation race:
 * a request that still carries the old cookie gets the rotated session, not `invalid_grant`.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, { promise: Promise<T>; settledAt?: number }>();

  constructor(private readonly graceMs = 60_000, private readonly maxEntries = 10_000) {}

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const existing = this.flights.get(key);
    if (existing && (existing.settledAt === undefined || now - existing.settledAt < this.graceMs)) return existing.promise;
    const entry: { promise: Promise<T>; settledAt?: number } = {
      promise: fn().then(
        (value) => {
          entry.settledAt = Date.now();
          return value;
        },
        (error: unknown) => {
          // Failures are not shared after the fact: the next caller tries again.
          if (this.flights.get(key) === entry) this.flights.delete(key);
          throw error;
        },
      ),
    };
    this.flights.set(key, entry);
    this.prune(now);
    return entry.promise;
  }

  private prune(now: number): void {
    if (this.flights.size <= this.maxEntries) return;
    for (const [key, entry] of this.flights) {
      if (entry.settledAt !== undefined && now - entry.settledAt >= this.graceMs) this.flights.delete(key);
    }
  }
}
