// Stand-in for `next/headers`: the simulated request's headers and a cookie store that records
// what the code under test sets (globalThis.__nextStub, shared by every copy of this module).
const stub = (globalThis.__nextStub ??= { requestHeaders: new Headers(), cookies: new Map(), set: [] });

export async function headers() {
  return stub.requestHeaders;
}

export async function cookies() {
  return {
    get: (name) => (stub.cookies.has(name) ? { name, value: stub.cookies.get(name) } : undefined),
    getAll: () => [...stub.cookies].map(([name, value]) => ({ name, value })),
    has: (name) => stub.cookies.has(name),
    set(nameOrCookie, value, options) {
      const cookie = typeof nameOrCookie === 'object' ? nameOrCookie : { name: nameOrCookie, value, ...options };
      if (cookie.value === '' || cookie.maxAge === 0) stub.cookies.delete(cookie.name);
      else stub.cookies.set(cookie.name, cookie.value);
      stub.set.push(cookie);
    },
    delete: (name) => void stub.cookies.delete(name),
  };
}

export async function draftMode() {
  return { isEnabled: false, enable() {}, disable() {} };
}
