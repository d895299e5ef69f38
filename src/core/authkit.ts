import { completeCallback, requirementOf, type CallbackOutcome, type StepUpEvent, type StepUpRejection } from './callback.js';
import { resolveConfig, type AuthKitConfig, type ResolvedConfig } from './config.js';
import { parseCookieHeader, serializeCookie } from './cookies.js';
import { AuthKitError, ProviderError } from './errors.js';
import type { Provider, ProviderFactory } from './providers/types.js';
import { oidc } from './providers/oidc.js';
import { workos } from './providers/workos.js';
import { errorPage, popupPage, redirect, redirectStatus } from './responses.js';
import { safeReturnTo } from './return-to.js';
import { readSessionSeal, unsealSession } from './session-cookie.js';
import { SessionStore, type RefreshMode, type Resolution } from './session-store.js';
import { createTransaction, type NewTransaction } from './transaction.js';
import type { AuthInfo, CookieToSet, StepUpRequirement } from './types.js';

export interface AuthKitOptions extends AuthKitConfig {
  /** Identity provider; defaults to WorkOS. */
  provider?: ProviderFactory;
  /** Called once per accepted step-up: write your SOC 2 / ISO 27001 evidence here. */
  onStepUp?: (event: StepUpEvent) => void | Promise<void>;
  /** Called for every rejected step-up callback. */
  onStepUpRejected?: (event: StepUpRejection) => void | Promise<void>;
  /** Verified sessions kept in memory (default 1000; 0 disables the cache). */
  sessionCacheSize?: number;
}

export interface SignInOptions {
  returnTo?: string;
  screenHint?: 'sign-in' | 'sign-up';
  loginHint?: string;
  organizationId?: string;
}

export interface StepUpOptions extends StepUpRequirement {
  returnTo?: string;
  /** Answer the opener window instead of redirecting (client `useStepUp` popup mode). */
  popup?: boolean;
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
  authorize(options: AuthorizeOptions): Promise<{ url: string; cookies: CookieToSet[] }>;
  completeCallback(url: URL, cookieHeader: string | null | undefined): Promise<CallbackOutcome>;
  signOutUrl(cookieHeader: string | null | undefined, returnTo?: string): Promise<{ url: string; cookies: CookieToSet[] }>;
  /** A same-origin path into the auth route, e.g. `/callback?authkit=step-up&maxAge=300&returnTo=%2Fbilling`. */
  authRoutePath(action: AuthRouteAction, params?: { returnTo?: string; popup?: boolean } & StepUpRequirement): string;
  runStepUpHooks(outcome: CallbackOutcome, hooks?: CallbackHooks): Promise<void>;
}

export type AuthorizeOptions =
  | ({ kind: 'sign-in' } & SignInOptions)
  | ({ kind: 'step-up'; current: AuthInfo } & StepUpOptions);

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

function readRequirement(params: URLSearchParams): StepUpRequirement {
  const requirement: StepUpRequirement = {};
  const maxAge = Number(params.get('maxAge'));
  if (params.has('maxAge') && Number.isFinite(maxAge) && maxAge >= 0) requirement.maxAge = Math.floor(maxAge);
  if (params.get('mfa') === '1' || params.get('mfa') === 'true') requirement.mfa = true;
  return requirement;
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
      resolved = { config, provider, store: new SessionStore(config, provider, { cacheSize: options.sessionCacheSize }) };
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

    async authorize(opts) {
      const { config, provider } = ctx();
      const returnTo = safeReturnTo(opts.returnTo);
      let fields: NewTransaction;
      let loginHint: string | undefined;
      let organizationId: string | undefined;
      if (opts.kind === 'step-up') {
        const { current } = opts;
        // Without a maxAge, "Confirm it's you" means now.
        fields = { kind: 'step-up', returnTo, maxAge: opts.maxAge ?? 0, sub: current.user.id, sid: current.sessionId };
        if (opts.mfa) fields.mfa = true;
        if (opts.popup) fields.popup = true;
        if (current.authTime !== undefined) fields.previousAuthTime = current.authTime;
        loginHint = current.user.email || undefined;
        organizationId = current.organizationId;
      } else {
        fields = { kind: 'sign-in', returnTo };
        loginHint = opts.loginHint;
        organizationId = opts.organizationId;
      }
      const { transaction, codeChallenge, cookie } = await createTransaction(config, fields);
      const url = await provider.authorizationUrl({
        state: transaction.state,
        codeChallenge,
        nonce: transaction.nonce,
        ...(transaction.maxAge !== undefined ? { maxAge: transaction.maxAge } : {}),
        ...(transaction.mfa ? { mfa: true } : {}),
        ...(loginHint ? { loginHint } : {}),
        ...(organizationId ? { organizationId } : {}),
        ...(opts.kind === 'sign-in' && opts.screenHint ? { screenHint: opts.screenHint } : {}),
      });
      return { url: url.href, cookies: [cookie] };
    },

    async signIn(request, opts = {}) {
      const { url, cookies } = await kit.authorize({ kind: 'sign-in', ...opts, returnTo: opts.returnTo ?? refererPath(request) });
      return redirect(url, cookies, redirectStatus(request));
    },

    async stepUp(request, opts = {}) {
      const returnTo = opts.returnTo ?? refererPath(request);
      const { auth, cookies: refreshed } = await kit.resolveSession(request.headers.get('cookie'), 'expired');
      if (!auth) return kit.signIn(request, { returnTo });
      const { url, cookies } = await kit.authorize({ kind: 'step-up', current: auth, ...opts, returnTo });
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
          const event: StepUpRejection = { code: outcome.error.code, message: outcome.error.message, returnTo: outcome.returnTo, requirement: requirementOf(tx) };
          if (tx.sub) event.userId = tx.sub;
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
      if (outcome.ok) return redirect(outcome.returnTo, outcome.cookies);
      if (hooks.onError) {
        const response = await hooks.onError({ error: outcome.error, returnTo: outcome.returnTo, request });
        const headers = new Headers(response.headers);
        for (const c of outcome.cookies) headers.append('set-cookie', serializeCookie(c));
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }
      return errorPage(outcome.error, outcome.returnTo, outcome.cookies);
    },

    async handleAuthRoute(request, hooks = {}) {
      const url = new URL(request.url);
      const params = url.searchParams;
      const action = params.get('authkit');
      const returnTo = safeReturnTo(params.get('returnTo'));
      switch (action) {
        case 'sign-in':
          return kit.signIn(request, { returnTo });
        case 'step-up':
          return kit.stepUp(request, { ...readRequirement(params), returnTo, ...(params.get('popup') === '1' ? { popup: true } : {}) });
        case 'sign-out':
          return kit.signOut(request, { returnTo });
        case 'refresh': {
          const { auth, cookies } = await kit.resolveSession(request.headers.get('cookie'), 'expiring');
          if (auth || cookies.length > 0) return redirect(returnTo, cookies);
          // Nothing to refresh (signed out) is fine: the page decides. A provider outage is not,
          // and redirecting back would loop — say so instead.
          const state = await ctx().store.read(parseCookieHeader(request.headers.get('cookie')));
          if (state.status === 'expired' || state.status === 'unavailable') {
            return errorPage(new ProviderError('Your session could not be renewed because the identity provider is unavailable. Try again in a moment.', { transient: true }), returnTo, []);
          }
          return redirect(returnTo, []);
        }
        default:
          return kit.handleCallback(request, hooks);
      }
    },

    async getSession(input) {
      const { auth } = await kit.resolveSession(cookieHeaderOf(input), 'never');
      return auth;
    },

    resolveSession(cookieHeader, mode) {
      return ctx().store.resolve(parseCookieHeader(cookieHeader), mode);
    },

    async signOutUrl(cookieHeader, returnTo) {
      const { config, provider, store } = ctx();
      const cookies = parseCookieHeader(cookieHeader);
      const state = await store.read(cookies);
      const sessionId =
        state.status === 'valid' ? state.auth.sessionId : state.status === 'expired' && typeof state.claims.sid === 'string' ? state.claims.sid : undefined;
      const path = safeReturnTo(returnTo);
      const absolute = new URL(path, config.redirectUri.origin).href;
      // Sign-out is rare: unseal here rather than keep the ID token on every cached session.
      const idToken = provider.kind === 'oidc' ? (await unsealSession(readSessionSeal(cookies, config.cookieName) ?? '', config.cookiePassword))?.idToken : undefined;
      const logout = await provider.logoutUrl({ ...(sessionId ? { sessionId } : {}), ...(idToken ? { idToken } : {}), returnTo: absolute });
      return { url: logout?.href ?? path, cookies: store.clear(cookies) };
    },

    async signOut(request, opts = {}) {
      const { url, cookies } = await kit.signOutUrl(request.headers.get('cookie'), opts.returnTo);
      return redirect(url, cookies, redirectStatus(request));
    },

    authRoutePath(action, params = {}) {
      const { config } = ctx();
      const q = new URLSearchParams({ authkit: action });
      if (params.maxAge !== undefined) q.set('maxAge', String(params.maxAge));
      if (params.mfa) q.set('mfa', '1');
      q.set('returnTo', safeReturnTo(params.returnTo));
      if (params.popup) q.set('popup', '1');
      return `${config.redirectUri.pathname}?${q}`;
    },
  };
  return kit;
}
