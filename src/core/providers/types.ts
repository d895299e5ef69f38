import type { ResolvedConfig } from '../config.js';
import type { AccessTokenVerifier } from '../verify.js';
import type { Impersonator, Session, User } from '../types.js';

/** What a successful code exchange or refresh yields: everything the session cookie stores. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  user: User;
  organizationId?: string;
  impersonator?: Impersonator;
  authenticationMethod?: string;
  idClaims?: Session['idClaims'];
  idToken?: string;
}

export interface AuthorizeParams {
  state: string;
  codeChallenge: string;
  /** Seconds; `0` forces an interactive re-authentication. */
  maxAge?: number;
  mfa?: boolean;
  loginHint?: string;
  organizationId?: string;
  screenHint?: 'sign-in' | 'sign-up';
  nonce?: string;
}

export interface ExchangeParams {
  /** The full callback URL the provider redirected to (code, state, iss…). */
  callbackUrl: URL;
  code: string;
  codeVerifier: string;
  state: string;
  nonce?: string;
  maxAge?: number;
}

/** One identity provider's wire protocol. Flows in `authkit.ts` never speak HTTP to a provider directly. */
export interface Provider {
  readonly kind: 'workos' | 'oidc';
  authorizationUrl(params: AuthorizeParams): Promise<URL>;
  exchangeCode(params: ExchangeParams): Promise<TokenSet>;
  refresh(params: { refreshToken: string; organizationId?: string; previous: Session }): Promise<TokenSet>;
  verifyAccessToken: AccessTokenVerifier;
  /**
   * Ends a provider session server-side (WorkOS: session revocation with the API key; OpenID:
   * RFC 7009 revocation of its refresh token). Throws when the provider cannot or did not.
   */
  endSession(params: { sessionId: string; refreshToken?: string }): Promise<void>;
  /** Where to send the browser to end the provider session, or `null` when the provider has none. */
  logoutUrl(params: { sessionId?: string; idToken?: string; returnTo: string }): Promise<URL | null>;
}

/** Settings a provider factory was given in code, e.g. `oidc({ issuer, clientId, clientSecret })`. */
export interface ProviderSettings {
  clientId?: string;
  /** The WorkOS API key, or an OpenID client secret. */
  apiKey?: string;
  issuer?: string;
  mfaAcrValues?: string;
}

/**
 * Builds a provider from the resolved configuration. `kind` selects which variables
 * `resolveConfig` reads; `settings` win over top-level options and environment variables.
 */
export interface ProviderFactory {
  (config: ResolvedConfig): Provider;
  readonly kind?: Provider['kind'];
  readonly settings?: ProviderSettings;
}
