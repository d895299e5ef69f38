import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { AuthInfo, NoAuthInfo } from '../core/types.js';
import { homePath } from '../core/config.js';
import { isOutage } from '../core/session-store.js';
import { internalKit } from './instance.js';
import { authRouteRedirect, currentPath, resolveRequestSession } from './request-context.js';

export interface WithAuthOptions {
  /** Redirect signed-out visitors to sign-in (and back here afterwards). */
  ensureSignedIn?: boolean;
  /** Where sign-in or a refresh should come back to; defaults to the current path when known. */
  returnTo?: string;
}

/**
 * Once per request (React `cache`): read the cookie, hit the session cache or unseal + verify.
 * An expired token is refreshed in place only where cookies can be written (server actions,
 * route handlers); a server component must not rotate a token it cannot persist.
 */
const resolveRequest = cache(() => resolveRequestSession(internalKit(), 'expired'));

/** The signed-in user with `amr` and `authTime`, or `{ user: null }`. */
export async function withAuth(options: WithAuthOptions & { ensureSignedIn: true }): Promise<AuthInfo>;
export async function withAuth(options?: WithAuthOptions): Promise<AuthInfo | NoAuthInfo>;
export async function withAuth(options: WithAuthOptions = {}): Promise<AuthInfo | NoAuthInfo> {
  const { auth, needsRefresh, reason } = await resolveRequest();
  if (auth) return auth;
  const inner = internalKit();
  // The refresh route rotates the token, writes the cookie and sends the browser straight back. A
  // page that needs a user, meeting a provider outage, goes there too: it explains the outage
  // rather than start a sign-in over a session that may be fine. A page that does not renders signed out.
  if (needsRefresh || (options.ensureSignedIn && isOutage(reason))) {
    redirect(authRouteRedirect(inner, inner.authRoutePath('refresh', { returnTo: await currentPath(options.returnTo, homePath(inner.config)) })));
  }
  if (options.ensureSignedIn) {
    redirect(authRouteRedirect(inner, inner.authRoutePath('sign-in', { returnTo: await currentPath(options.returnTo, homePath(inner.config)) })));
  }
  return { user: null };
}

/** The session or `null`, deduplicated per request; never redirects. */
export async function getSession(): Promise<AuthInfo | null> {
  return (await resolveRequest()).auth;
}

/** The URL of the sign-in route (it seals the PKCE transaction when visited, not now). */
export async function getSignInUrl(options: { returnTo?: string } = {}): Promise<string> {
  return internalKit().authRoutePath('sign-in', options.returnTo ? { returnTo: options.returnTo } : {});
}
