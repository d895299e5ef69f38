/**
 * Public types of the dev identity provider (`authkit-stepup/testing`).
 */

/** A demo account the dev IdP can sign in. */
export interface DevUser {
  /** WorkOS-style user id, e.g. `user_01DEVALICE...`. */
  id: string;
  email: string;
  /** Plain-text password: this is a development tool, never a real user store. */
  password: string;
  firstName: string;
  lastName: string;
  /** Enrolled in one-time-code MFA: after the password the login asks for this code. */
  mfa?: { code: string };
  /** Organization the session is scoped to (`org_id` claim, `organization_id` in the response). */
  organizationId?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  entitlements?: string[];
  featureFlags?: string[];
}

export interface DevIdpOptions {
  /** Port to listen on. Default `0`: a random free port. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * Allowed redirect URIs (exact match after URL normalisation). When omitted, any
   * `http:`/`https:` URI is accepted, which is convenient for tests on random ports.
   */
  redirectUri?: string | string[];
  /** Demo users. Default: alice (MFA, code `123456`) and bob (no MFA), password `password`. */
  users?: DevUser[];
  /** Access-token lifetime in seconds. Default 300. */
  accessTokenTtl?: number;
  /** Client id. Default: a random `client_01DEV...` per start. */
  clientId?: string;
  /** API key, also the `client_secret` of the authenticate endpoint. Default: a random `sk_test_...`. */
  apiKey?: string;
}

/** What the next authorize request should do instead of showing the login form. */
export interface NextLoginOptions {
  /** Who signs in. Default: the user named by `login_hint`, else the first user. */
  email?: string;
  /** `amr` to report. Default `['pwd', 'otp', 'mfa']` for MFA users, `['pwd']` otherwise. */
  amr?: string[];
  /** `auth_time` (epoch seconds) to report. Default: now. A stale value plays an IdP that ignored `max_age`. */
  authTime?: number;
}

/** Counters, e.g. for "exactly one refresh call reached the provider". */
export interface DevIdpStats {
  /** Every `GET /user_management/authorize`, valid or not. */
  authorizeRequests: number;
  /** Authorize requests that ended in a redirect with a code (interactive, nextLogin or SSO). */
  logins: number;
  /** ... of which completed the login form (password, and the code page for MFA users). */
  interactiveLogins: number;
  /** ... of which were completed by a queued `nextLogin()`. */
  scriptedLogins: number;
  /** ... of which were silent: a valid IdP session cookie satisfied `max_age`. */
  ssoLogins: number;
  /** Wrong password or wrong one-time code submitted. */
  failedLoginAttempts: number;
  /** Every `POST /user_management/authenticate`. */
  authenticateRequests: number;
  /** Successful `authorization_code` exchanges. */
  codeExchanges: number;
  /** Rejected `authorization_code` exchanges. */
  codeExchangeFailures: number;
  /** Successful `refresh_token` grants. */
  refreshes: number;
  /** Rejected `refresh_token` grants (unknown, reused, expired, logged out, bad client). */
  refreshFailures: number;
  /** `GET /user_management/sessions/logout` requests. */
  logouts: number;
  /** `GET /sso/jwks/{client_id}` requests that returned the key set. */
  jwksRequests: number;
}

export interface DevIdp {
  /** API base, e.g. `http://127.0.0.1:54321` (no trailing slash). Use as `apiUrl`; also the token `iss`. */
  url: string;
  clientId: string;
  apiKey: string;
  /** The first allowed redirect URI, or `undefined` when any http(s) URI is accepted. */
  redirectUri: string | undefined;
  users: DevUser[];
  /** Make the next authorize request complete without the form (queued, first in first out). */
  nextLogin(opts?: NextLoginOptions): void;
  /** A snapshot of the counters. */
  stats(): DevIdpStats;
  /** Stop listening and drop every open connection, keep-alive ones included. */
  close(): Promise<void>;
}
