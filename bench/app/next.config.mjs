import { fileURLToPath } from 'node:url';

// The benchmark app (bench/http-load.mjs). Next, React, authkit-stepup (the repo root, via the
// workspace link in node_modules) and @workos-inc/authkit-nextjs all resolve from the repo root.
const root = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root },
  poweredByHeader: false,
  // The same build serves all three pages; nothing here is cached between requests.
};

export default nextConfig;
