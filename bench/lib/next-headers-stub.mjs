// Stand-in for `next/headers` in a plain Node process: `headers()` and `cookies()` answer for the
// request the benchmark is simulating (globalThis.__benchRequestHeaders, a Headers). Like Next's,
// both are async and return read-only views; `cookies().set` throws, as it does during a render.
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';

function current() {
  const h = globalThis.__benchRequestHeaders;
  if (!h) throw new Error('no simulated request: set globalThis.__benchRequestHeaders');
  return h;
}

export async function headers() {
  return current();
}

export async function cookies() {
  const jar = new RequestCookies(current());
  jar.set = () => {
    throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
  };
  return jar;
}

export async function draftMode() {
  return { isEnabled: false, enable() {}, disable() {} };
}
