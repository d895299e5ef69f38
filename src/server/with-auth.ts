import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { AuthInfo, NoAuthInfo } from '../core/types.js';
import { homePath } from '../core/config.js';
import { getAuthKit } from './instance.js';
import { authRouteRedirect, currentPath, requestCookieHeader, sessionWritable, trySetCookies } from './request-context.js';

export interface WithAuthOptions {
  /** Redirect signed-out visitors to sign-in (and back here afterwards). */
  ensureSignedIn?: boolean;
  /** Where sign-in or a refresh should come back to; defaults to the current path when known. */
  returnTo?: string;
}

type Resolved = { auth: AuthInfo | null; needsRefresh: boolean };

/**
 * Once per request (React `cache`): read the cookie, hit the session cache or unseal + verify.
 * An expired token is refreshed in place only where cookies can be written (server actions,
 * route handlers); a server component must not rotate a token it cannot persist.
 */
const resolveRequest = cache(async (): Promise<Resolved> => {
  const kit = getAuthKit();
  const cookieHeader = await requestCookieHeader();
  const first = await kit.resolveSession(cookieHeader, 'never');
  if (!first.needsRefresh) return { auth: first.auth, needsRefresh: false };
  if (!(await sessionWritable(kit, cookieHeader))) return { auth: null, needsRefresh: true };
  const refreshed = await kit.resolveSession(cookieHeader, 'expired');
  await trySetCookies(refreshed.cookies);
  return { auth: refreshed.auth, needsRefresh: false };
});

/** The signed-in user with `amr` and `authTime`, or `{ user: null }`. */
export async function withAuth(options: WithAuthOptions & { ensureSignedIn: true }): Promise<AuthInfo>;
export async function withAuth(options?: WithAuthOptions): Promise<AuthInfo | NoAuthInfo>;
export async function withAuth(options: WithAuthOptions = {}): Promise<AuthInfo | NoAuthInfo> {
  const { auth, needsRefresh } = await resolveRequest();
  if (auth) return auth;
  const kit = getAuthKit();
  if (needsRefresh) {
    // The refresh route rotates the token, writes the cookie and sends the browser straight back.
    redirect(authRouteRedirect(kit, kit.authRoutePath('refresh', { returnTo: await currentPath(options.returnTo, homePath(kit.config)) })));
  }
  if (options.ensureSignedIn) {
    redirect(authRouteRedirect(kit, kit.authRoutePath('sign-in', { returnTo: await currentPath(options.returnTo, homePath(kit.config)) })));
  }
  return { user: null };
}

/** The session or `null`, deduplicated per request; never redirects. */
export async function getSession(): Promise<AuthInfo | null> {
  return (await resolveRequest()).auth;
}

/** The URL of the sign-in route (it seals the PKCE transaction when visited, not now). */
export async function getSignInUrl(options: { returnTo?: string } = {}): Promise<string> {
  return getAuthKit().authRoutePath('sign-in', options.returnTo ? { returnTo: options.returnTo } : {});
}
