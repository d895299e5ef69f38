import { completeCallback, requirementOf, type CallbackOutcome, type StepUpEvent, type StepUpRejection } from './callback.js';
import { homePath, resolveConfig, type AuthKitConfig, type ResolvedConfig } from './config.js';
import { parseCookieHeader, serializeCookie } from './cookies.js';
import type { AuthKitError } from './errors.js';
import type { Provider, ProviderFactory } from './providers/types.js';
import { oidc } from './providers/oidc.js';
import { workos } from './providers/workos.js';
import { handleAuthRoute } from './auth-route.js';
import { isCrossSite, isTopLevelNavigation } from './request-kind.js';
import { continuePage, errorPage, notANavigation, popupPage, redirect, redirectStatus } from './responses.js';
import { safeReturnTo } from './return-to.js';
import type { RefreshStore } from './refresh-store.js';
import { SessionStore, type RefreshMode, type Resolution } from './session-store.js';
import { withResume, type StepUpOptions } from './step-up-params.js';
import type { AuthInfo, CookieToSet } from './types.js';

export type { StepUpOptions } from './step-up-params.js';
export type { AuthorizeOptions, SignInOptions } from './start-flow.js';
import { startFlow, type AuthorizeOptions, type SignInOptions } from './start-flow.js';
import { signOutUrl } from './sign-out.js';

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

export interface AuthKit {
  /** Resolved on first use; throws `ConfigError` naming the variable to fix. */
  readonly config: ResolvedConfig;
  readonly provider: Provider;
  readonly store: SessionStore;
  signIn(request: Request, options?: SignInOptions): Promise<Response>;
  stepUp(request: Request, options?: StepUpOptions): Promise<Response>;
  handleCallback(request: Request, hooks?: CallbackHooks): Promise<Response>;
  /** The callback route plus `?authkit=sign-in|step-up|refresh` (used where cookies cannot be written). */
  handleAuthRoute(request: Request, hooks?: CallbackHooks): Promise<Response>;
  getSession(requestOrCookieHeader: Request | string | null | undefined): Promise<AuthInfo | null>;
  signOut(request: Request, options?: { returnTo?: string }): Promise<Response>;

  // Building blocks for framework glue (server actions, middleware).
  resolveSession(cookieHeader: string | null | undefined, mode: RefreshMode): Promise<Resolution>;
  /**
   * Where to send the browser to start a sign-in or step-up, and the cookies to write: the sealed
   * transaction, and deletions of older pending ones (`cookieHeader` is the request's). A step-up
   * whose requirement the session already meets needs no round trip: `url` is then `returnTo`
   * and nothing is sealed (SECURITY.md §12).
   */
  authorize(options: AuthorizeOptions, cookieHeader: string | null | undefined): Promise<{ url: string; cookies: CookieToSet[] }>;
  completeCallback(url: URL, cookieHeader: string | null | undefined): Promise<CallbackOutcome>;
  signOutUrl(cookieHeader: string | null | undefined, returnTo?: string): Promise<{ url: string; cookies: CookieToSet[] }>;
  /** A same-origin path into the auth route, e.g. `/callback?authkit=step-up&maxAge=300&returnTo=%2Fbilling`. */
  authRoutePath(action: AuthRouteAction, params?: { returnTo?: string } & Omit<StepUpOptions, 'returnTo'>): string;
  runStepUpHooks(outcome: CallbackOutcome, hooks?: CallbackHooks): Promise<void>;
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

/** What a provider factory was given in code (`oidc({ issuer, clientId })`) wins over top-level options and env. */
function withProviderSettings(options: AuthKitOptions): AuthKitConfig {
  const factory = options.provider;
  if (factory === workos) return { ...options, providerKind: 'workos' };
  if (!factory?.kind && !factory?.settings) return options;
  const merged: AuthKitConfig = { ...options };
  if (factory.kind) merged.providerKind = factory.kind;
  for (const [key, value] of Object.entries(factory.settings ?? {})) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

export function createAuthKit(options: AuthKitOptions = {}): AuthKit {
  let resolved: { config: ResolvedConfig; provider: Provider; store: SessionStore } | undefined;
  const ctx = () => {
    if (!resolved) {
      const config = resolveConfig(withProviderSettings(options));
      const provider = (options.provider ?? (config.providerKind === 'oidc' ? oidc() : workos))(config);
      resolved = { config, provider, store: new SessionStore(config, provider, { cacheSize: options.sessionCacheSize, refreshStore: options.refreshStore }) };
    }
    return resolved;
  };

  const kit: AuthKit = {
    get config() {
      return ctx().config;
    },
    get provider() {
      return ctx().provider;
    },
    get store() {
      return ctx().store;
    },

    authorize(opts, cookieHeader) {
      const { config, provider } = ctx();
      return startFlow(config, provider, opts, cookieHeader);
    },

    async signIn(request, opts = {}) {
      // SECURITY.md §10, §11: a prefetch seals nothing; another site may not replace a session.
      if (!isTopLevelNavigation(request.headers)) return notANavigation();
      const cookieHeader = request.headers.get('cookie');
      if (isCrossSite(request.headers) && (await kit.getSession(cookieHeader))) return continuePage('sign-in', sameOriginUrl(request, kit.config.basePath), homePath(kit.config));
      const { url, cookies } = await kit.authorize({ kind: 'sign-in', ...opts, returnTo: opts.returnTo ?? refererPath(request) }, cookieHeader);
      return redirect(url, cookies, redirectStatus(request));
    },

    async stepUp(request, opts = {}) {
      if (!isTopLevelNavigation(request.headers)) return notANavigation();
      if (isCrossSite(request.headers)) return continuePage('step-up', sameOriginUrl(request, kit.config.basePath), homePath(kit.config));
      const returnTo = opts.returnTo ?? refererPath(request);
      const cookieHeader = request.headers.get('cookie');
      const { auth, cookies: refreshed } = await kit.resolveSession(cookieHeader, 'expired');
      if (!auth) return kit.signIn(request, { returnTo });
      const { url, cookies } = await kit.authorize({ kind: 'step-up', current: auth, ...opts, returnTo }, cookieHeader);
      return redirect(url, [...refreshed, ...cookies], redirectStatus(request));
    },

    completeCallback(url, cookieHeader) {
      const { config, provider, store } = ctx();
      return completeCallback(config, provider, store, url, parseCookieHeader(cookieHeader));
    },

    async runStepUpHooks(outcome, hooks = {}) {
      const tx = outcome.transaction;
      try {
        if (outcome.ok && outcome.stepUp) {
          await options.onStepUp?.(outcome.stepUp);
          await hooks.onStepUp?.(outcome.stepUp);
        } else if (!outcome.ok && tx?.kind === 'step-up') {
          const event: StepUpRejection = { code: outcome.error.code, message: outcome.error.message, returnTo: outcome.returnTo, requirement: requirementOf(tx), userId: tx.sub };
          if (outcome.error.detail) event.detail = outcome.error.detail as StepUpRejection['detail'];
          if (tx.sid) event.sessionId = tx.sid;
          await options.onStepUpRejected?.(event);
          await hooks.onStepUpRejected?.(event);
        }
      } catch (error) {
        // An audit sink that is down must not undo an authentication that succeeded; it must be loud.
        console.error('[authkit-stepup] step-up audit hook failed:', error);
      }
    },

    async handleCallback(request, hooks = {}) {
      const outcome = await kit.completeCallback(new URL(request.url), request.headers.get('cookie'));
      await kit.runStepUpHooks(outcome, hooks);
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
      return handleAuthRoute(kit, request, hooks);
    },

    async getSession(input) {
      const { auth } = await kit.resolveSession(cookieHeaderOf(input), 'never');
      return auth;
    },

    resolveSession(cookieHeader, mode) {
      return ctx().store.resolve(parseCookieHeader(cookieHeader), mode);
    },

    signOutUrl(cookieHeader, returnTo) {
      const { config, provider, store } = ctx();
      return signOutUrl(config, provider, store, cookieHeader, returnTo);
    },

    async signOut(request, opts = {}) {
      if (isCrossSite(request.headers)) return continuePage('sign-out', sameOriginUrl(request, kit.config.basePath), homePath(kit.config));
      const { url, cookies } = await kit.signOutUrl(request.headers.get('cookie'), opts.returnTo);
      return redirect(url, cookies, redirectStatus(request));
    },

    authRoutePath(action, params = {}) {
      const { config } = ctx();
      const q = new URLSearchParams({ authkit: action });
      if (params.maxAge !== undefined) q.set('maxAge', String(params.maxAge));
      if (params.mfa) q.set('mfa', '1');
      q.set('returnTo', safeReturnTo(params.returnTo, homePath(config)));
      if (params.popup) q.set('popup', '1');
      if (params.resume) q.set('resume', params.resume);
      return `${config.redirectUri.pathname}?${q}`;
    },
  };
  return kit;
}
