import { NextResponse, type NextRequest } from 'next/server';
import { createAuthKit, type AuthKitOptions } from './core/authkit.js';
import { homePath, PATH_HEADER } from './core/config.js';
import { applyCookies, serializeCookie } from './core/cookies.js';
import { ProviderError } from './core/errors.js';
import { isCrossSite, isTopLevelNavigation } from './core/request-kind.js';
import { internal, type AuthKitInternal } from './core/internal.js';
import { continuePage, outagePage, renewalUnavailable } from './core/responses.js';
import { isOutage } from './core/session-store.js';
import { safeReturnTo } from './core/return-to.js';
import { compileExemptPattern } from './core/route-match.js';
import { compileRoutePolicies } from './core/route-policies.js';
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
   * A signed-in visitor who does not meet a policy is sent through step-up and back. Every policy
   * whose pattern matches applies (the smallest `maxAge`, MFA if any asks). A pattern this proxy
   * cannot enforce exactly as Next reads it, or a `maxAge` below 60 s (it would loop), is a
   * `ConfigError` here, at configuration time.
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
  const policyFor = compileRoutePolicies(options.stepUp ?? {});
  const open = (options.middlewareAuth?.unauthenticatedPaths ?? []).map((pattern) => compileExemptPattern(pattern));
  let own: AuthKitInternal | undefined;
  const kit = () => (options.config ? (own ??= internal(createAuthKit(options.config))) : internal(sharedAuthKit()));

  return async function middleware(request: NextRequest): Promise<Response> {
    const authkit = kit();
    // Policies match the path as Next's matcher sees it (without basePath); every URL we build or
    // compare keeps the base path (and a trailingSlash: true slash) the browser uses.
    const { pathname, search, basePath } = request.nextUrl;
    const fullPath = `${basePath}${pathname}`;
    // The auth route does its own work; refreshing here too would rotate the token twice.
    if (samePath(fullPath, authkit.config.redirectUri.pathname)) return NextResponse.next();

    const cookieHeader = request.headers.get('cookie');
    const { auth, cookies, reason } = await authkit.resolveSession(cookieHeader, 'expiring');
    const here = `${fullPath}${search}`;

    const requirement = policyFor(pathname);
    const mustSignIn = (options.middlewareAuth?.enabled && !open.some((m) => m(pathname))) || requirement !== undefined;
    const stepUpNeeded = auth !== null && requirement !== undefined && !evaluateStepUp(auth, requirement, undefined, authkit.config).satisfied;
    if ((!auth && mustSignIn) || stepUpNeeded) {
      // SECURITY.md §10: only a top-level navigation starts a flow. A <Link> prefetch or the
      // router's RSC fetch gets "nothing here" (the router then navigates the document, which
      // lands here as a navigation); a rotated session is still written.
      if (!isTopLevelNavigation(request.headers)) return withCookies(new NextResponse(null, { status: 204, headers: { 'cache-control': 'private, no-store' } }), cookies);
      // SECURITY.md §11: another site may link here, but not start a step-up by itself.
      const back = safeReturnTo(here, homePath(authkit.config));
      if (stepUpNeeded && isCrossSite(request.headers)) return withCookies(continuePage('step-up', back, homePath(authkit.config)), cookies);
      // A session the provider is too down to renew (or check) is not a signed-out visitor.
      if (!auth && isOutage(reason)) return outagePage(renewalUnavailable(), back, cookies);
      try {
        const start = await authkit.authorize(auth ? { kind: 'step-up', current: auth, ...requirement, returnTo: here } : { kind: 'sign-in', returnTo: here }, cookieHeader);
        return redirectTo(start.url, [...cookies, ...start.cookies]);
      } catch (error) {
        // The provider unreachable (OpenID discovery down): say so (503), keep a rotated session.
        if (error instanceof ProviderError && error.transient) return outagePage(error, back, cookies);
        throw error;
      }
    }

    const headers = new Headers(request.headers);
    headers.set(PATH_HEADER, here);
    // A refreshed session must reach this request's server components, not only the next request.
    if (cookies.length > 0) headers.set('cookie', applyCookies(cookieHeader, cookies));
    const response = withCookies(NextResponse.next({ request: { headers } }), cookies);
    if (auth) {
      response.headers.set('cache-control', 'private, no-store');
      response.headers.set('vary', 'Cookie');
    }
    return response;
  };
}

/** Next 16 name; the same behaviour (`export const proxy = authkitProxy({...})`). */
export const authkitProxy = authkitMiddleware;

/** `/callback` and `/callback/` are one route (`trailingSlash: true` redirects to the latter). */
function samePath(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
  return trim(a) === trim(b);
}

function withCookies<R extends Response>(response: R, cookies: CookieToSet[]): R {
  for (const cookie of cookies) response.headers.append('set-cookie', serializeCookie(cookie));
  return response;
}

function redirectTo(url: string, cookies: CookieToSet[]): Response {
  const response = withCookies(NextResponse.redirect(url, 302), cookies);
  response.headers.set('cache-control', 'private, no-store');
  return response;
}
