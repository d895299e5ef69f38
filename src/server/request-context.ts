import 'server-only';
import { cookies, headers } from 'next/headers';
import { ProviderError } from '../core/errors.js';
import type { AuthKitInternal } from '../core/internal.js';
import type { AuthorizeOptions } from '../core/start-flow.js';
import type { Resolution } from '../core/session-store.js';
import { PATH_HEADER } from '../core/config.js';
import { parseCookieHeader } from '../core/cookies.js';
import { sessionCookieOptions } from '../core/session-cookie.js';
import { safeReturnTo } from '../core/return-to.js';
import type { CookieToSet } from '../core/types.js';

/**
 * The request's cookies as a Cookie header, read through `cookies()`: after a server action, Next
 * renders the page in the same request with the cookies the action wrote (a rotated session),
 * while `headers()` keeps the ones the browser sent.
 */
export async function requestCookieHeader(): Promise<string | null> {
  const all = (await cookies()).getAll();
  return all.length > 0 ? all.map(({ name, value }) => `${name}=${value}`).join('; ') : null;
}

/**
 * A server action: Next marks those POSTs with `next-action`, except a form posted before the
 * page's JavaScript loaded, which arrives as a plain multipart POST (Next runs it as an action).
 */
function actionRequest(h: Headers): boolean {
  return h.has('next-action') || (h.get('content-type') ?? '').startsWith('multipart/form-data');
}

/** True inside a server action. */
export async function isServerAction(): Promise<boolean> {
  return actionRequest(await headers());
}

/**
 * The path to come back to. Server components cannot see their URL, so: an explicit value, else
 * the path our middleware forwarded, else (server actions) the page the action was posted from,
 * else `home` (the app's root under its base path).
 */
export async function currentPath(explicit?: string, home = '/'): Promise<string> {
  if (explicit) return safeReturnTo(explicit, home);
  const h = await headers();
  const forwarded = h.get(PATH_HEADER);
  if (forwarded) return safeReturnTo(forwarded, home);
  const referer = h.get('referer');
  const host = h.get('x-forwarded-host') ?? h.get('host');
  if (actionRequest(h) && referer && host) {
    try {
      const url = new URL(referer);
      if (url.host === host) return safeReturnTo(`${url.pathname}${url.search}`, home);
    } catch {
      // fall through
    }
  }
  return home;
}

/**
 * A target for `redirect()` from next/navigation to one of the auth route's own paths
 * (`kit.authRoutePath`, which already carries the base path of the redirect URI). Next prefixes
 * its `basePath` to an app-relative redirect while rendering, which would give
 * `/app/app/callback/…`; an absolute URL (on the redirect URI's origin) is left alone.
 */
export function authRouteRedirect({ config }: AuthKitInternal, path: string): string {
  return config.basePath ? new URL(path, config.redirectUri).href : path;
}

/**
 * Writes cookies if this context allows it (server actions, route handlers). A server component
 * cannot, and Next throws synchronously before anything is written — so this is also the probe.
 */
export async function trySetCookies(toSet: CookieToSet[]): Promise<boolean> {
  const jar = await cookies();
  try {
    for (const { name, value, options } of toSet) {
      jar.set(name, value, {
        httpOnly: options.httpOnly,
        secure: options.secure,
        sameSite: options.sameSite,
        path: options.path,
        ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
        ...(options.domain ? { domain: options.domain } : {}),
      });
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * May this request rotate the session? Only if the new cookie can be written: a refresh whose
 * rotated token cannot be persisted signs the user out on a later request. The probe re-sets the
 * session cookie to its own value and attributes — harmless where allowed, and Next throws
 * (writing nothing) during a server-component render.
 */
export async function sessionWritable({ config }: AuthKitInternal, cookieHeader: string | null): Promise<boolean> {
  const jar = parseCookieHeader(cookieHeader);
  const name = jar.has(config.cookieName) ? config.cookieName : `${config.cookieName}.0`;
  const current = jar.get(name);
  return current !== undefined && (await trySetCookies([{ name, value: current, options: sessionCookieOptions(config) }]));
}

/**
 * The one way server glue reads the session: the request's cookies, refreshed as far as `mode`
 * asks *and* this context can persist (server actions and route handlers can; a render cannot, so
 * an expired token there answers `needs-refresh`), with the rotated cookies written.
 */
export async function resolveRequestSession(inner: AuthKitInternal, mode: 'expired' | 'expiring'): Promise<Resolution> {
  const cookieHeader = await requestCookieHeader();
  const resolution = await inner.resolveSession(cookieHeader, mode, () => sessionWritable(inner, cookieHeader));
  if (resolution.cookies.length > 0) await trySetCookies(resolution.cookies);
  return resolution;
}

/**
 * `authorize`, or `null` when the provider is unreachable (OpenID discovery down): the caller then
 * sends the browser to the auth route, which tries again and, if it is still down, explains the
 * outage with a 503 page — one place for that answer, not an error boundary per page.
 */
export async function tryAuthorize(inner: AuthKitInternal, options: AuthorizeOptions, cookieHeader: string | null): Promise<{ url: string; cookies: CookieToSet[] } | null> {
  try {
    return await inner.authorize(options, cookieHeader);
  } catch (error) {
    if (error instanceof ProviderError && error.transient) return null;
    throw error;
  }
}
