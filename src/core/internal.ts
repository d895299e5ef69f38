import type { AuthKit, AuthKitOptions, AuthRouteAction, CallbackHooks } from './authkit.js';
import { completeCallback, requirementOf, type CallbackOutcome, type StepUpRejection } from './callback.js';
import { homePath, resolveConfig, type AuthKitConfig, type ResolvedConfig } from './config.js';
import { parseCookieHeader } from './cookies.js';
import type { Provider } from './providers/types.js';
import { oidc } from './providers/oidc.js';
import { workos } from './providers/workos.js';
import { safeReturnTo } from './return-to.js';
import { SessionStore, type RefreshMode, type Resolution } from './session-store.js';
import { signOutUrl } from './sign-out.js';
import { startFlow, type AuthorizeOptions } from './start-flow.js';
import type { StepUpOptions } from './step-up-params.js';
import type { CookieToSet } from './types.js';

/**
 * The building blocks our own framework glue (server helpers, proxy, auth route) works with. App
 * code gets the flows on `AuthKit`; this half is not part of the API (no entry point exports it or
 * its types; it hangs off the kit under a non-enumerable symbol, so it is never logged or
 * serialised) — the split Clerk keeps with `@clerk/nextjs/internal`. Server code holding a kit
 * could still reach it; it is not a secrecy boundary, and nothing of it reaches the client.
 */
export interface AuthKitInternal {
  /** Resolved on first use; throws `ConfigError` naming the variable to fix. */
  readonly config: ResolvedConfig;
  readonly provider: Provider;
  readonly store: SessionStore;
  /**
   * Who is signed in, and the cookies to write. `mode` says how far this caller would refresh;
   * `canWrite` says whether it can persist a rotation at all (a server component cannot): asked
   * only when a refresh is due, so the common case costs nothing. See `SessionStore.resolve`.
   */
  resolveSession(cookieHeader: string | null | undefined, mode: RefreshMode, canWrite?: () => Promise<boolean>): Promise<Resolution>;
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

// A registered symbol, not a module-level WeakMap: Next bundles the proxy and the pages apart, and
// the shared instance (shared-instance.ts) may be created by one bundle and used by the other.
const INTERNAL = Symbol.for('authkit-stepup.internal');

/** The internal half of a kit made by `createAuthKit`. */
export function internal(kit: AuthKit): AuthKitInternal {
  const found = (kit as unknown as Record<symbol, AuthKitInternal | undefined>)[INTERNAL];
  if (!found) {
    throw new TypeError('authkit-stepup: expected an AuthKit made by createAuthKit() of this version. Two copies of the package in one app? Check `npm ls authkit-stepup`.');
  }
  return found;
}

export function attachInternal<K extends object>(kit: K, inner: AuthKitInternal): K {
  Object.defineProperty(kit, INTERNAL, { value: inner, enumerable: false });
  return kit;
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

export function createInternal(options: AuthKitOptions): AuthKitInternal {
  let resolved: { config: ResolvedConfig; provider: Provider; store: SessionStore } | undefined;
  const ctx = () => {
    if (!resolved) {
      const config = resolveConfig(withProviderSettings(options));
      const provider = (options.provider ?? (config.providerKind === 'oidc' ? oidc() : workos))(config);
      resolved = { config, provider, store: new SessionStore(config, provider, { cacheSize: options.sessionCacheSize, refreshStore: options.refreshStore }) };
    }
    return resolved;
  };

  return {
    get config() {
      return ctx().config;
    },
    get provider() {
      return ctx().provider;
    },
    get store() {
      return ctx().store;
    },

    resolveSession(cookieHeader, mode, canWrite) {
      return ctx().store.resolve(parseCookieHeader(cookieHeader), mode, canWrite);
    },

    authorize(opts, cookieHeader) {
      const { config, provider } = ctx();
      return startFlow(config, provider, opts, cookieHeader);
    },

    completeCallback(url, cookieHeader) {
      const { config, provider, store } = ctx();
      return completeCallback(config, provider, store, url, parseCookieHeader(cookieHeader));
    },

    signOutUrl(cookieHeader, returnTo) {
      const { config, provider, store } = ctx();
      return signOutUrl(config, provider, store, cookieHeader, returnTo);
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
  };
}
