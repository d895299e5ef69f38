// Node module hooks (registered by ./next-stubs-register.mjs) so that code written for Next — the built
// package, @workos-inc/authkit-nextjs — runs in a plain Node process, outside a Next server and
// without its bundler:
// - `next/headers` → test/helpers/next-stubs.ts, the same stubs the Vitest suites install with
//   vi.mock (a TypeScript file: next-stubs-register.mjs registers ./ts-register.mjs first);
// - `server-only` → an empty module (Next resolves its empty `react-server` build);
// - other `next/<entry>` → `<entry>.js` (the `next` package has no `exports` map; Next's bundler adds it).
// Everything else loads unchanged.
const NEXT_HEADERS = new URL('./next-stubs.ts', import.meta.url).href;
const STUBS = {
  'next/headers': NEXT_HEADERS,
  'next/headers.js': NEXT_HEADERS,
  'server-only': 'data:text/javascript,export {};',
};

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS[specifier];
  if (stub) return { url: stub, shortCircuit: true };
  if (/^next\/[\w-]+$/.test(specifier)) return nextResolve(`${specifier}.js`, context);
  return nextResolve(specifier, context);
}
