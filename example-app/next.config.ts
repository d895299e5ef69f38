import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The app lives in an npm workspace: Next, React and `authkit-stepup` (the repo root, built to
// dist/) are hoisted to ../node_modules, so Turbopack's root is the repository root.
const root = fileURLToPath(new URL('..', import.meta.url));

const nextConfig: NextConfig = {
  turbopack: { root },
  poweredByHeader: false,
};

export default nextConfig;
