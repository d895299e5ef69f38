import type { JWTPayload } from 'jose';

/** A WorkOS user, in the camelCase shape `@workos-inc/node` returns and `wos-session` cookies hold. */
export interface User {
  object: 'user';
  id: string;
  email: string;
  emailVerified: boolean;
  /** Display name, when the provider sends one (`@workos-inc/node` 10+ does). */
  name?: string | null;
  firstName: string | null;
  lastName: string | null;
  locale?: string | null;
  profilePictureUrl: string | null;
  lastSignInAt: string | null;
  externalId: string | null;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Impersonator {
  email: string;
  reason: string | null;
}

/**
 * What the session cookie holds: the `wos-session` format of `@workos-inc/authkit-nextjs`
 * (`accessToken`, `refreshToken`, `user`, `impersonator`) plus fields it ignores.
 */
export interface Session {
  accessToken: string;
  refreshToken: string;
  user: User;
  impersonator?: Impersonator;
  /** WorkOS `authentication_method` from the last interactive authentication. */
  authenticationMethod?: string;
  /**
   * `amr`/`auth_time` from the ID token verified at the callback, for OpenID providers whose
   * access tokens do not carry them (kept so a refresh does not lose them).
   */
  idClaims?: { amr?: unknown; auth_time?: unknown; sid?: unknown };
  /** OpenID providers: the last ID token, sent as `id_token_hint` on sign-out (Okta requires it). */
  idToken?: string;
}

/** A signed-in request, as `withAuth()` and `getSession()` return it. */
export interface AuthInfo {
  user: User;
  sessionId: string;
  organizationId?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  entitlements?: string[];
  featureFlags?: string[];
  impersonator?: Impersonator;
  /** RFC 8176 authentication method references, from the verified token; `undefined` when absent or malformed. */
  amr: ReadonlyArray<string> | undefined;
  /** Epoch seconds of the last interactive authentication (`auth_time`); `undefined` when absent or malformed. */
  authTime: number | undefined;
  authenticationMethod?: string;
  /** Epoch seconds at which the access token expires. */
  expiresAt: number;
  accessToken: string;
  /**
   * The verified access-token claims, for custom claims. With `oidc({ mfa })`, an `amr` here is the
   * mapped list; read `amr` above, which also falls back to the ID token's (docs/providers.md).
   */
  claims: Readonly<JWTPayload>;
}

/** What `withAuth()` returns for a signed-out request. */
export type NoAuthInfo = { user: null } & { [K in Exclude<keyof AuthInfo, 'user'>]?: undefined };

/** What a sensitive action needs: re-authentication within `maxAge` seconds, and/or MFA. */
export interface StepUpRequirement {
  /** Seconds since the last interactive authentication that are still fresh enough. */
  maxAge?: number;
  /** Require a multi-factor authentication (see `hasMfa`). */
  mfa?: boolean;
}

export type StepUpReason = 'signed_out' | 'stale' | 'mfa_missing';

/** The outcome of `evaluateStepUp`. */
export type StepUpResult =
  | { satisfied: true; authAge: number | undefined }
  | { satisfied: false; reasons: StepUpReason[]; authAge: number | undefined };

/** A cookie the caller must set (or delete, with `maxAge: 0`). */
export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  path: string;
  maxAge?: number;
  domain?: string;
}
