import type { StepUpEvent, StepUpRejection } from './callback.js';
import { homePath, type AuthKitConfig } from './config.js';
import { serializeCookie } from './cookies.js';
import { ProviderError, type AuthKitError } from './errors.js';
import type { ProviderFactory } from './providers/types.js';
import { handleAuthRoute } from './auth-route.js';
import { attachInternal, createInternal, type AuthKitInternal } from './internal.js';
import { isCrossSite, isTopLevelNavigation } from './request-kind.js';
import { continuePage, errorPage, notANavigation, outagePage, popupPage, redirect, redirectStatus, renewalUnavailable } from './responses.js';
import type { RefreshStore } from './refresh-store.js';
import { safeReturnTo } from './return-to.js';
import { isOutage } from './session-store.js';
import { withResume, type StepUpOptions } from './step-up-params.js';
import type { AuthorizeOptions, SignInOptions } from './start-flow.js';
import type { AuthInfo, CookieToSet } from './types.js';

export type { StepUpOptions } from './step-up-params.js';
export type { SignInOptions } from './start-flow.js';

export interface AuthKitOptions extends AuthKitConfig {
  /** Identity provider; defaults to WorkOS. */
  provider?: ProviderFactory;
  /** Called once per accepted step-up: write your SOC 2 / ISO 27001 evidence here. */
  onStepUp?: (event: StepUpEvent) => void | Promise<void>;
  /** Called for every rejected step-up callback. */
  onStepUpRejected?: (event: StepUpRejection) => void | Promise<void>;
  /** Verified sessions kept in memory (default 1000; 0 disables the cache). */
  sessionCacheSize?: number;
  /**
   * A store shared by every instance of the app (`redisStore(client)`, `upstashStore(redis)`, or
   * your own `RefreshStore`), so that many processes send one refresh per refresh token to the
   * provider (SECURITY.md §7). Without it, refresh is single-flight per process only.
   */
  refreshStore?: RefreshStore;
}

export interface CallbackHooks {
  onStepUp?: AuthKitOptions['onStepUp'];
  onStepUpRejected?: AuthKitOptions['onStepUpRejected'];
  /** Render your own page for a rejected callback. The old session is untouched either way. */
  onError?: (params: { error: AuthKitError; returnTo: string; request: Request }) => Response | Promise<Response>;
}

/** The auth route's own actions, beside the provider's callback (`?code&state`). */
export type AuthRouteAction = 'sign-in' | 'step-up' | 'refresh' | 'sign-out';

/**
 * The SDK's flows as Web `Request` → `Response`, for any framework and for plain tests. (The
 * building blocks our Next glue uses live in internal.ts, out of the public surface.)
 */
export interface AuthKit {
  signIn(request: Request, options?: SignInOptions): Promise<Response>;
  stepUp(request: Request, options?: StepUpOptions): Promise<Response>;
  handleCallback(request: Request, hooks?: CallbackHooks): Promise<Response>;
  /** The callback route plus `?authkit=sign-in|step-up|refresh|sign-out` (used where cookies cannot be written). */
  handleAuthRoute(request: Request, hooks?: CallbackHooks): Promise<Response>;
  getSession(requestOrCookieHeader: Request | string | null | undefined): Promise<AuthInfo | null>;
  signOut(request: Request, options?: { returnTo?: string }): Promise<Response>;
}

function cookieHeaderOf(input: Request | string | null | undefined): string | null {
  if (input == null) return null;
  return typeof input === 'string' ? input : input.headers.get('cookie');
}

/** Path + query of the page a form was posted from, when it is ours. */
function refererPath(request: Request): string | undefined {
  const referer = request.headers.get('referer');
  if (!referer) return undefined;
  try {
    const from = new URL(referer);
    return from.origin === new URL(request.url).origin ? `${from.pathname}${from.search}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request's own path and query: where a "continue" link leads, always on this origin. Next
 * hands route handlers `request.url` without its basePath: put it back.
 */
function sameOriginUrl(request: Request, basePath: string): string {
  const { pathname, search } = new URL(request.url);
  const underBase = !basePath || pathname === basePath || pathname.startsWith(`${basePath}/`);
  return `${underBase ? '' : basePath}${pathname}${search}`;
}

/**
 * Redirect to the provider to start a flow. The provider being unreachable (OpenID discovery down)
 * is an outage to explain — a 503 page, or the popup's result — not a 500; nothing is sealed, and
 * a session rotated on the way (`before`) is still written (SECURITY.md §7).
 */
async function startAt(inner: AuthKitInternal, request: Request, opts: AuthorizeOptions, before: CookieToSet[] = []): Promise<Response> {
  try {
    const { url, cookies } = await inner.authorize(opts, request.headers.get('cookie'));
    return redirect(url, [...before, ...cookies], redirectStatus(request));
  } catch (error) {
    if (!(error instanceof ProviderError && error.transient)) throw error;
    return outagePage(error, safeReturnTo(opts.returnTo, homePath(inner.config)), before, opts.kind === 'step-up' && opts.popup);
  }
}

export function createAuthKit(options: AuthKitOptions = {}): AuthKit {
  const inner = createInternal(options);
  const continueHere = (action: 'sign-in' | 'step-up' | 'sign-out', request: Request) =>
    continuePage(action, sameOriginUrl(request, inner.config.basePath), homePath(inner.config));

  const kit: AuthKit = {
    async signIn(request, opts = {}) {
      // SECURITY.md §10, §11: a prefetch seals nothing; another site may not replace a session.
      if (!isTopLevelNavigation(request.headers)) return notANavigation();
      if (isCrossSite(request.headers) && (await kit.getSession(request))) return continueHere('sign-in', request);
      return startAt(inner, request, { kind: 'sign-in', ...opts, returnTo: opts.returnTo ?? refererPath(request) });
    },

    async stepUp(request, opts = {}) {
      if (!isTopLevelNavigation(request.headers)) return notANavigation();
      if (isCrossSite(request.headers)) return continueHere('step-up', request);
      const returnTo = opts.returnTo ?? refererPath(request);
      const { auth, cookies: refreshed, reason } = await inner.resolveSession(request.headers.get('cookie'), 'expired');
      // The session may be fine and the provider down: say so rather than start a sign-in over it.
      if (!auth && isOutage(reason)) return outagePage(renewalUnavailable(), safeReturnTo(returnTo, homePath(inner.config)), [], opts.popup);
      if (!auth) return kit.signIn(request, { returnTo });
      return startAt(inner, request, { kind: 'step-up', current: auth, ...opts, returnTo }, refreshed);
    },

    async handleCallback(request, hooks = {}) {
      const outcome = await inner.completeCallback(new URL(request.url), request.headers.get('cookie'));
      await inner.runStepUpHooks(outcome, hooks);
      if (outcome.transaction?.popup) {
        return outcome.ok
          ? popupPage({ type: 'authkit-stepup:result', ok: true }, outcome.returnTo, outcome.cookies)
          : popupPage({ type: 'authkit-stepup:result', ok: false, code: outcome.error.code, message: outcome.error.message }, outcome.returnTo, outcome.cookies, outcome.error.status);
      }
      if (outcome.ok) return redirect(outcome.transaction.kind === 'step-up' ? withResume(outcome.returnTo, outcome.transaction.resume) : outcome.returnTo, outcome.cookies);
      if (hooks.onError) {
        const response = await hooks.onError({ error: outcome.error, returnTo: outcome.returnTo, request });
        const headers = new Headers(response.headers);
        for (const c of outcome.cookies) headers.append('set-cookie', serializeCookie(c));
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }
      return errorPage(outcome.error, outcome.returnTo, outcome.cookies);
    },

    handleAuthRoute(request, hooks = {}) {
      return handleAuthRoute(kit, inner, request, hooks);
    },

    async getSession(input) {
      const { auth } = await inner.resolveSession(cookieHeaderOf(input), 'never');
      return auth;
    },

    async signOut(request, opts = {}) {
      if (isCrossSite(request.headers)) return continueHere('sign-out', request);
      const { url, cookies } = await inner.signOutUrl(request.headers.get('cookie'), opts.returnTo);
      return redirect(url, cookies, redirectStatus(request));
    },
  };
  return attachInternal(kit, inner);
}
