import type { NextConfig } from 'next';

/**
 * Served under a base path with trailing slashes, so the e2e suite checks the SDK where URLs are
 * not `/…`: pages at /app/, /app/account/, the redirect URI at /app/callback/ (WORKOS_REDIRECT_URI,
 * with its slash: Next redirects /app/callback to it), AUTHKIT_BASE_PATH=/app in the environment.
 */
const nextConfig: NextConfig = {
  poweredByHeader: false,
  basePath: '/app',
  trailingSlash: true,
};

export default nextConfig;
