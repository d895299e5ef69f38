/**
 * What counts as MFA at an OpenID provider. Applied only to claims of a token whose signature was
 * verified (the access token, or the ID token at the callback), before `AuthInfo.amr` is built, so
 * the step-up callback, `evaluateStepUp`, the guards, the proxy and `useAuth()` all see the same `amr`.
 *
 * ```ts
 * oidc({ mfa: { amr: { password: 'pwd', otp: 'otp', webauthn: 'hwk' }, acr: ['urn:example:mfa'] } })
 * ```
 */
export interface OidcMfaOptions {
  /**
   * The provider's `amr` names → RFC 8176 values, e.g. `{ password: 'pwd', totp: 'otp', webauthn: 'hwk' }`.
   * Names not listed are kept as they are. `hasMfa` then needs `mfa` or two factor classes.
   */
  amr?: Record<string, string>;
  /**
   * `acr` values that mean a multi-factor authentication, e.g. `['urn:okta:loa:2fa:any']` or
   * Keycloak's `['gold']`/`['2']`. A verified token with one of them gets `mfa` added to its `amr`.
   * Exact, case-sensitive match; any other `acr` adds nothing. Also sent as `acr_values` on an MFA
   * step-up unless `mfaAcrValues` is set on `oidc({...})`.
   */
  acr?: string[];
}

/** `oidc({...})`: any OpenID Connect provider, found by discovery. Every field falls back to env. */
export interface OidcOptions {
  /** The issuer to discover (`AUTH_ISSUER`), exactly as the provider spells it. */
  issuer?: string;
  /** `AUTH_CLIENT_ID`. */
  clientId?: string;
  /** `AUTH_CLIENT_SECRET`. Omit for a public client (PKCE still binds the code). */
  clientSecret?: string;
  /** Default `client_secret_basic` with a secret, `none` without. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Default `AUTH_SCOPE` or `openid profile email offline_access` (offline_access: refresh tokens). */
  scope?: string;
  /** RFC 8707 resource indicator sent to the authorize and token endpoints (`AUTH_RESOURCE`). */
  resource?: string;
  /**
   * The `aud` access tokens must carry (`AUTH_AUDIENCE`). Default: `resource`, else the client id.
   * Tokens that name the client they were issued to (`client_id`, `azp`, `cid`, `appid`) must name this one.
   */
  audience?: string;
  /** `iss` values accepted on access tokens. Default: the discovered issuer. */
  accessTokenIssuers?: string[];
  /** The access-token claim holding the ID token's `sub`. Default `sub` (Okta's custom servers: `uid`). */
  subjectClaim?: string;
  /**
   * `acr_values` sent when a step-up needs MFA (space-separated). Default: `mfa.acr`, else the
   * top-level `mfaAcrValues`, else the PAPE multi-factor policy.
   */
  mfaAcrValues?: string;
  /** What counts as MFA at this provider, for providers that do not speak RFC 8176 `amr`. See {@link OidcMfaOptions}. */
  mfa?: OidcMfaOptions;
  /**
   * Also send `prompt=login` on every step-up, for providers that do not treat `max_age=0` as a
   * forced login (Entra ID documents `prompt=login`, not `max_age`). The callback still judges the
   * returned `auth_time`, as always. Sign-in is unaffected.
   */
  stepUpPrompt?: 'login';
  /** Extra authorize parameters, e.g. `{ audience: 'https://api.example.com' }` for Auth0. Never overrides the SDK's own. */
  authorizationParams?: Record<string, string>;
  /** Send the browser to the provider's `end_session_endpoint` on sign-out (default true). */
  endSession?: boolean;
  /** Milliseconds per provider call (default 10 000). */
  timeout?: number;
  /** Allow plain-http provider URLs beyond loopback (local containers only; never in production). */
  allowInsecureRequests?: boolean;
}
