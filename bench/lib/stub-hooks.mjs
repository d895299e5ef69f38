// Module hooks for the session-read benchmark (registered by register-stubs.mjs). Outside a Next
// server there is no request scope and no bundler, so:
// - `next/headers` resolves to a stub that serves the headers of the request being simulated;
// - `server-only` resolves to an empty module (Next picks its empty `react-server` build);
// - other `next/<entry>` specifiers get the `.js` that Next's bundler adds (the `next` package
//   has no `exports` map, so Node's ESM resolver wants the file name).
// Everything else loads unchanged.
const STUBS = {
  'next/headers': new URL('./next-headers-stub.mjs', import.meta.url).href,
  'next/headers.js': new URL('./next-headers-stub.mjs', import.meta.url).href,
  'server-only': new URL('./empty.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS[specifier];
  if (stub) return { url: stub, shortCircuit: true };
  if (/^next\/[\w-]+$/.test(specifier)) return nextResolve(`${specifier}.js`, context);
  return nextResolve(specifier, context);
}
