import { authkitProxy } from 'authkit-stepup/middleware';

/**
 * Route policies: every visit to /account needs a multi-factor sign-in from the last minute.
 * The matcher stays narrow on purpose — a proxy on every route costs throughput, and
 * `withAuth()` reads the session cookie itself everywhere else.
 */
export const proxy = authkitProxy({
  stepUp: { '/account/:path*': { maxAge: 60, mfa: true } },
});

export const config = { matcher: ['/account/:path*'] };
