import type { NextRequest } from 'next/server';
import { authkitMiddleware } from 'authkit-stepup/middleware';

/**
 * Next 15: `middleware.ts` runs on the Edge runtime (no `runtime` export: Edge is the default).
 * Every visit to /account needs a multi-factor sign-in from the last minute; everywhere else the
 * middleware refreshes an expiring access token in place.
 */
const authkit = authkitMiddleware({
  stepUp: { '/account/:path*': { maxAge: 60, mfa: true } },
});

export async function middleware(request: NextRequest): Promise<Response> {
  const response = await authkit(request);
  // For the e2e suite: proof of where this ran (the Edge runtime defines the global `EdgeRuntime`).
  const edge = (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime;
  response.headers.set('x-compat-runtime', typeof edge === 'string' ? edge : 'nodejs');
  return response;
}

// '/' as well: under a basePath, Next 15.5 re-checks the catch-all against /app (the trailing slash
// removed), which it does not match, and answers GET /app/ with an empty 200 instead of the page
// (vercel/next.js#73786). The bare '/' compiles to a matcher that also covers /app.
export const config = { matcher: ['/', '/((?!_next/static|_next/image|favicon.ico).*)'] };
