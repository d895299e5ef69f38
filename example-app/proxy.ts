import { authkitProxy } from 'authkit-stepup/middleware';
import { refreshStore } from '@/lib/refresh-store';

// With REDIS_URL set, the proxy refreshes through the same Redis as the rest of the app
// (lib/refresh-store.ts); without it, it uses the SDK's default instance, configured from the
// environment.
const store = refreshStore();

/**
 * Route policies: every visit to /account needs a multi-factor sign-in from the last minute.
 * The matcher stays narrow on purpose — a proxy on every route costs throughput, and
 * `withAuth()` reads the session cookie itself everywhere else.
 */
export const proxy = authkitProxy({
  stepUp: { '/account/:path*': { maxAge: 60, mfa: true } },
  ...(store ? { config: { refreshStore: store } } : {}),
});

export const config = { matcher: ['/account/:path*'] };
