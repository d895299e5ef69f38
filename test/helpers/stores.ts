import type { RefreshStore } from '../../src/index.js';

/** Counts every call that reaches `inner`, per operation. */
export function counting(inner: RefreshStore): RefreshStore & { calls: Record<keyof RefreshStore, number>; total(): number } {
  const calls = { get: 0, setIfAbsent: 0, set: 0 };
  return {
    calls,
    total: () => calls.get + calls.setIfAbsent + calls.set,
    get: (key) => (calls.get++, inner.get(key)),
    setIfAbsent: (key, value, ttl) => (calls.setIfAbsent++, inner.setIfAbsent(key, value, ttl)),
    set: (key, value, ttl) => (calls.set++, inner.set(key, value, ttl)),
  };
}

/** A store that never answers: a Redis behind a dead network path, with no client timeout. */
export function hangingStore(): RefreshStore {
  const never = () => new Promise<never>(() => undefined);
  return { get: never, setIfAbsent: never, set: never };
}

/** A store whose every call fails at once: a client that knows Redis is down. */
export function failingStore(): RefreshStore {
  const fail = () => Promise.reject(new Error('ECONNREFUSED'));
  return { get: fail, setIfAbsent: fail, set: fail };
}
