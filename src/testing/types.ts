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
  /**
   * Interface to bind. Default `127.0.0.1`. Anything that is not loopback (`0.0.0.0`,
   * a LAN address, a host name resolving to one) makes the IdP reachable from the
   * network: it then prints a warning (see `warn`). Its default credentials are
   * random per start wherever it binds; pass `clientId`/`apiKey` only with values
   * nobody else knows when it is reachable from the network.
   */
  host?: string;
  /**
   * Allowed redirect URIs (exact match after URL normalisation). When omitted, any
   * `http:`/`https:` URI is accepted, which is convenient for tests on random ports.
   *
   * They also bound the logout's `return_to`: it is followed only to the origin of a
   * registered redirect URI (without any, only to a loopback origin); anything else
   * ends the session and answers a 400 page that explains why it did not redirect.
   */
  redirectUri?: string | string[];
  /** Demo users. Default: alice (MFA, code `123456`) and bob (no MFA), password `password`. */
  users?: DevUser[];
  /** Access-token lifetime in seconds. Default 300. */
  accessTokenTtl?: number;
  /**
   * What a refresh token that was already exchanged does when it comes back, as real
   * providers differ (and a deployment of many instances meets all of them):
   * - `'reject'` (default, WorkOS): `400 invalid_grant`; the rotated successor keeps working.
   * - `'revoke'` (Auth0's reuse detection): `400 invalid_grant`, and the whole session ends —
   *   the successor the first exchange issued dies too (access tokens already issued stay
   *   valid until they expire: they are signed JWTs).
   * - `'grace'` (Okta's rotation grace period): accepted again within
   *   `refreshTokenReuseGrace` seconds of its first use (a new pair each time), then `'reject'`.
   */
  refreshTokenReuse?: RefreshTokenReuse;
  /** Seconds a used refresh token stays usable in `'grace'` mode. Default 30 (Okta allows 0–60). */
  refreshTokenReuseGrace?: number;
  /** Client id. Default: a random `client_01DEV...` per start. */
  clientId?: string;
  /**
   * API key: the `client_secret` of the authenticate endpoint, and the Bearer token of
   * the revoke and control endpoints. Default: a random `sk_test_...`.
   */
  apiKey?: string;
  /**
   * Receives warnings, one message per call. Today there is one: the IdP is bound to
   * an interface other than loopback, so anyone on the network can reach it.
   * Default: written to stderr.
   */
  warn?: (message: string) => void;
}

/** See `DevIdpOptions.refreshTokenReuse`. */
export type RefreshTokenReuse = 'reject' | 'revoke' | 'grace';

/** What the next authorize request should do instead of showing the login form. */
export interface NextLoginOptions {
  /** Who signs in. Default: the user named by `login_hint`, else the first user. */
  email?: string;
  /** `amr` to report. Default `['pwd', 'otp', 'mfa']` for MFA users, `['pwd']` otherwise. */
  amr?: string[];
  /** `auth_time` (epoch seconds) to report. Default: now. A stale value plays an IdP that ignored `max_age`. */
  authTime?: number;
  /**
   * Start a new IdP session (a new `sid`) even when the browser still holds the IdP's
   * cookie for this user's session. Default `false`: a login by the user who owns
   * the browser's IdP session re-authenticates *that* session (same `sid`, new
   * `auth_time`/`amr`), as a step-up does at WorkOS.
   *
   * Plays "the provider's own session cookie was gone" (browser restart, cleared
   * cookies): the old session is NOT ended, its refresh tokens keep working until it
   * is revoked or logged out — exactly the session a relying party must end itself.
   * A login from a browser without the IdP's cookie (a fresh cookie jar, plain
   * `fetch`) already gets a new `sid`; this option is for jars that keep the cookie.
   */
  newSession?: boolean;
}

/** A snapshot of one IdP session (`DevIdp#session()`), e.g. for "the old session was ended". */
export interface DevIdpSession {
  /** The `sid` claim of its access tokens, e.g. `session_01J...`. */
  id: string;
  userId: string;
  /**
   * `active`; `revoked` by `POST /user_management/sessions/revoke` (`revokeSession`);
   * `logged_out` by `GET /user_management/sessions/logout`; `reuse_detected` when a used
   * refresh token came back under `refreshTokenReuse: 'revoke'`. Whichever came first.
   */
  status: 'active' | 'revoked' | 'logged_out' | 'reuse_detected';
  /** Epoch seconds of the last interactive authentication of this session. */
  authTime: number;
  amr: string[];
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds; absent while active. */
  endedAt?: number;
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
  /**
   * Refresh tokens presented again after their first exchange, whatever `refreshTokenReuse`
   * then did (rejected, revoked the session, or accepted within the grace period).
   */
  refreshReuses: number;
  /** `GET /user_management/sessions/logout` requests. */
  logouts: number;
  /** Every `POST /user_management/sessions/revoke`, valid or not. */
  revokeRequests: number;
  /**
   * Sessions ended by `POST /user_management/sessions/revoke` (WorkOS's
   * `revokeSession`): counted once per session, when it was still active. Revoking an
   * already ended session answers 200 but does not count; 401/400/404 do not count.
   */
  sessionsRevoked: number;
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
  /**
   * Make the next authorize request complete without the form (queued, first in first
   * out). `nextLogin({ newSession: true })` gives the same user a new `sid`.
   */
  nextLogin(opts?: NextLoginOptions): void;
  /**
   * A snapshot of the counters. Over HTTP: `GET {url}/dev-idp/control/stats` with
   * `Authorization: Bearer <apiKey>`.
   */
  stats(): DevIdpStats;
  /**
   * The session with this id (the `sid` claim), or `undefined` when the IdP never
   * issued it. Over HTTP: `GET {url}/dev-idp/control/sessions/{id}` (Bearer API key).
   */
  session(id: string): DevIdpSession | undefined;
  /**
   * Every session this IdP issued, oldest first, ended ones included. Over HTTP:
   * `GET {url}/dev-idp/control/sessions` → `{ data: [...] }` (Bearer API key).
   */
  sessions(): DevIdpSession[];
  /** Stop listening and drop every open connection, keep-alive ones included. */
  close(): Promise<void>;
}
