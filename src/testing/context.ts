/**
 * The state one running dev IdP shares between its handlers.
 */
import type { DevIdpStore } from './store.js';
import type { TokenSigner } from './tokens.js';
import type { DevIdpStats, DevUser, NextLoginOptions, RefreshTokenReuse } from './types.js';

export interface IdpContext {
  /** API base and token issuer, no trailing slash. */
  url: string;
  clientId: string;
  apiKey: string;
  /** Normalised (`URL#href`) allowed redirect URIs; undefined accepts any http(s) URI. */
  allowedRedirectUris: string[] | undefined;
  users: DevUser[];
  /** Includes the port: cookies are not port-scoped, so two IdPs on one host must not share one. */
  cookieName: string;
  store: DevIdpStore;
  signer: TokenSigner;
  stats: DevIdpStats;
  /** Queued by `nextLogin()`, consumed first in first out by authorize requests. */
  nextLogins: NextLoginOptions[];
  /** user id -> ISO time of the last login, for `last_sign_in_at`. */
  lastSignIn: Map<string, string>;
  /** ISO start time, used as every user's `created_at`. */
  startedAt: string;
  /** How a reused refresh token is treated (`DevIdpOptions.refreshTokenReuse`); grace in seconds. */
  refreshTokenReuse: { mode: RefreshTokenReuse; graceSeconds: number };
}

export function emptyStats(): DevIdpStats {
  return {
    authorizeRequests: 0,
    logins: 0,
    interactiveLogins: 0,
    scriptedLogins: 0,
    ssoLogins: 0,
    failedLoginAttempts: 0,
    authenticateRequests: 0,
    codeExchanges: 0,
    codeExchangeFailures: 0,
    refreshes: 0,
    refreshFailures: 0,
    refreshReuses: 0,
    logouts: 0,
    revokeRequests: 0,
    sessionsRevoked: 0,
    jwksRequests: 0,
  };
}
