// authkit-stepup — framework-agnostic, edge-safe core.
export { createAuthKit } from './core/authkit.js';
// The public surface, and only it: README "Public surface" lists every name, and
// test/public-surface.test.ts fails when an export appears that it does not list.
export type { AuthKit, AuthKitOptions, AuthRouteAction, CallbackHooks, SignInOptions, StepUpOptions } from './core/authkit.js';
export type { StepUpEvent, StepUpRejection } from './core/callback.js';
export type { RejectionDetail } from './core/callback-checks.js';
export { DEFAULT_COOKIE_NAME, PAPE_MULTI_FACTOR } from './core/config.js';
export type { AuthKitConfig, CookiePassword, ResolvedConfig } from './core/config.js';
export { AuthKitError, CallbackError, ConfigError, ProviderError } from './core/errors.js';
export type { AuthKitErrorCode, CallbackErrorCode, ConfigErrorCode, ProviderErrorCode } from './core/errors.js';
export { hasMfa, authAge, evaluateStepUp } from './core/step-up.js';
export { safeReturnTo } from './core/return-to.js';
export { workos } from './core/providers/workos.js';
export { oidc } from './core/providers/oidc.js';
export type { OidcMfaOptions, OidcOptions } from './core/providers/oidc.js';
export type { Provider, ProviderFactory, ProviderSettings, TokenSet, AuthorizeParams, ExchangeParams } from './core/providers/types.js';
export type { RefreshStore } from './core/refresh-store.js';
export { redisStore } from './core/stores/redis.js';
export type { NodeRedisClient } from './core/stores/redis.js';
export { upstashStore } from './core/stores/upstash.js';
export type { UpstashRedisClient } from './core/stores/upstash.js';
export type {
  AuthInfo,
  CookieOptions,
  CookieToSet,
  Impersonator,
  NoAuthInfo,
  Session,
  StepUpReason,
  StepUpRequirement,
  StepUpResult,
  User,
} from './core/types.js';
export type { StepUpRequired } from './core/marker.js';
