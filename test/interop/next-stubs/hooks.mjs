// Node module hooks (registered by the authkit-nextjs interop test) so that
// @workos-inc/authkit-nextjs's real code runs outside a Next server:
// - `next/headers` → a stub whose headers()/cookies() answer for the request the test simulates;
// - `server-only` → an empty module (Next resolves its empty `react-server` build);
// - other `next/<entry>` → `<entry>.js` (the `next` package has no `exports` map; Next's bundler adds it).
const STUBS = {
  'next/headers': new URL('./next-headers.mjs', import.meta.url).href,
  'next/headers.js': new URL('./next-headers.mjs', import.meta.url).href,
  'server-only': new URL('./empty.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS[specifier];
  if (stub) return { url: stub, shortCircuit: true };
  if (/^next\/[\w-]+$/.test(specifier)) return nextResolve(`${specifier}.js`, context);
  return nextResolve(specifier, context);
}
