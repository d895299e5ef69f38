import { NextResponse, type NextRequest } from 'next/server';
import { createAuthKit, type AuthKit, type AuthKitOptions } from './core/authkit.js';
import { checkStepUpPolicy, PATH_HEADER } from './core/config.js';
import { applyCookies, serializeCookie } from './core/cookies.js';
import { compileRoutePattern } from './core/route-match.js';
import { sharedAuthKit } from './core/shared-instance.js';
import { evaluateStepUp } from './core/step-up.js';
import type { CookieToSet, StepUpRequirement } from './core/types.js';

export interface AuthkitMiddlewareOptions {
  /**
   * Require a signed-in user on every matched path except `unauthenticatedPaths`
   * (the same shape as `@workos-inc/authkit-nextjs`).
   */
  middlewareAuth?: { enabled: boolean; unauthenticatedPaths?: string[] };
  /**
   * Route policies: `{ '/account/:path*': { maxAge: 60, mfa: true }, '/console/:path*': { mfa: true } }`.
   * A signed-in visitor who does not meet a policy is sent through step-up and back. `maxAge`
   * below 60 s is rejected here, at configuration time: it would loop.
   */
  stepUp?: Record<string, StepUpRequirement>;
  /** SDK options; defaults to the environment (the same instance the server helpers use). */
  config?: AuthKitOptions;
}

/**
 * For `middleware.ts` (Next 15) and `proxy.ts` (Next 16): refreshes an expiring access token in
 * place (single-flight) and forwards the new session to this same request, enforces sign-in and
 * step-up policies, and marks authenticated responses `private, no-store`.
 */
export function authkitMiddleware(options: AuthkitMiddlewareOptions = {}): (request: NextRequest) => Promise<Response> {
  const policies = Object.entries(options.stepUp ?? {}).map(([pattern, requirement]) => {
    checkStepUpPolicy(pattern, requirement);
    return { pattern, matches: compileRoutePattern(pattern), requirement };
  });
  const open = (options.middlewareAuth?.unauthenticatedPaths ?? []).map(compileRoutePattern);
  let own: AuthKit | undefined;
  const kit = () => (options.config ? (own ??= createAuthKit(options.config)) : sharedAuthKit());

  return async function middleware(request: NextRequest): Promise<Response> {
    const authkit = kit();
    const { pathname, search } = request.nextUrl;
    // The auth route does its own work; refreshing here too would rotate the token twice.
    if (pathname === authkit.config.redirectUri.pathname) return NextResponse.next();

    const cookieHeader = request.headers.get('cookie');
    const { auth, cookies } = await authkit.resolveSession(cookieHeader, 'expiring');
    const here = `${pathname}${search}`;

    const policy = policies.find((p) => p.matches(pathname));
    const mustSignIn = (options.middlewareAuth?.enabled && !open.some((m) => m(pathname))) || policy !== undefined;
    const redirectNeeded = (!auth && mustSignIn) || (auth && policy && !evaluateStepUp(auth, policy.requirement).satisfied);
    // A <Link> prefetch must neither start a sign-in (sealing a transaction for a navigation that
    // may never happen) nor be answered with the protected page: answer "nothing to prefetch".
    if (redirectNeeded && isPrefetch(request)) {
      return new NextResponse(null, { status: 204, headers: { 'cache-control': 'private, no-store' } });
    }
    if (!auth && mustSignIn) {
      const start = await authkit.authorize({ kind: 'sign-in', returnTo: here });
      return redirectTo(start.url, [...cookies, ...start.cookies]);
    }
    if (auth && policy && !evaluateStepUp(auth, policy.requirement).satisfied) {
      const start = await authkit.authorize({ kind: 'step-up', current: auth, ...policy.requirement, returnTo: here });
      return redirectTo(start.url, [...cookies, ...start.cookies]);
    }

    const headers = new Headers(request.headers);
    headers.set(PATH_HEADER, here);
    // A refreshed session must reach this request's server components, not only the next request.
    if (cookies.length > 0) headers.set('cookie', applyCookies(cookieHeader, cookies));
    const response = NextResponse.next({ request: { headers } });
    for (const cookie of cookies) response.headers.append('set-cookie', serializeCookie(cookie));
    if (auth) {
      response.headers.set('cache-control', 'private, no-store');
      response.headers.set('vary', 'Cookie');
    }
    return response;
  };
}

/** Next 16 name; the same behaviour (`export const proxy = authkitProxy({...})`). */
export const authkitProxy = authkitMiddleware;

function isPrefetch(request: NextRequest): boolean {
  const h = request.headers;
  return h.has('next-router-prefetch') || h.get('purpose') === 'prefetch' || (h.get('sec-purpose') ?? '').includes('prefetch');
}

function redirectTo(url: string, cookies: CookieToSet[]): Response {
  const response = NextResponse.redirect(url, 302);
  for (const cookie of cookies) response.headers.append('set-cookie', serializeCookie(cookie));
  response.headers.set('cache-control', 'private, no-store');
  return response;
}
