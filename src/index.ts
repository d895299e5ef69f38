// authkit-stepup — framework-agnostic, edge-safe core.
export { createAuthKit } from './core/authkit.js';
export type { AuthKit, AuthKitOptions, AuthorizeOptions, AuthRouteAction, CallbackHooks, SignInOptions, StepUpOptions } from './core/authkit.js';
export type { CallbackOutcome, StepUpEvent, StepUpRejection } from './core/callback.js';
export { resolveConfig, checkStepUpPolicy, DEFAULT_COOKIE_NAME, MIN_POLICY_MAX_AGE, PAPE_MULTI_FACTOR } from './core/config.js';
export type { AuthKitConfig, CookiePassword, ResolvedConfig } from './core/config.js';
export { AuthKitError, CallbackError, ConfigError, ProviderError } from './core/errors.js';
export type { AuthKitErrorCode } from './core/errors.js';
export { hasMfa, authAge, evaluateStepUp } from './core/step-up.js';
export { safeReturnTo } from './core/return-to.js';
export { parseCookieHeader, serializeCookie, applyCookies } from './core/cookies.js';
export { workos } from './core/providers/workos.js';
export { oidc } from './core/providers/oidc.js';
export type { OidcOptions } from './core/providers/oidc.js';
export type { Provider, ProviderFactory, ProviderSettings, TokenSet, AuthorizeParams, ExchangeParams } from './core/providers/types.js';
export type { RefreshMode, Resolution, SessionState } from './core/session-store.js';
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
export { stepUpChallenge, signedOutChallenge } from './core/challenge.js';
export { stepUpRequired, isStepUpRequired, describeRequirement } from './core/marker.js';
export type { StepUpRequired } from './core/marker.js';
