import { decodeJwt } from 'jose/jwt/decode';
import { homePath, type ResolvedConfig } from './config.js';
import { parseCookieHeader } from './cookies.js';
import type { Provider } from './providers/types.js';
import { safeReturnTo } from './return-to.js';
import { readSessionSeal, unsealSession } from './session-cookie.js';
import type { SessionStore } from './session-store.js';
import type { CookieToSet } from './types.js';

/**
 * Where to send the browser to sign out, and the cookies that clear the session. SECURITY.md §15:
 * the provider session id comes from the session we sealed (its token was verified then), so the
 * provider session ends even when its keys cannot be fetched now.
 */
export async function signOutUrl(
  config: ResolvedConfig,
  provider: Provider,
  store: SessionStore,
  cookieHeader: string | null | undefined,
  returnTo: string | undefined,
): Promise<{ url: string; cookies: CookieToSet[] }> {
  const cookies = parseCookieHeader(cookieHeader);
  const session = await unsealSession(readSessionSeal(cookies, config.cookieName) ?? '', config.cookiePassword);
  const sessionId = session ? (sessionIdOf(session.accessToken) ?? nonEmpty(session.idClaims?.sid)) : undefined;
  const path = safeReturnTo(returnTo, homePath(config));
  const absolute = new URL(path, config.redirectUri.origin).href;
  const idToken = provider.kind === 'oidc' ? session?.idToken : undefined;
  const logout = await provider.logoutUrl({ ...(sessionId ? { sessionId } : {}), ...(idToken ? { idToken } : {}), returnTo: absolute });
  return { url: logout?.href ?? path, cookies: store.clear(cookies) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `sid` of a token we sealed ourselves (verified when sealed): decoding is enough. */
function sessionIdOf(accessToken: string): string | undefined {
  try {
    return nonEmpty(decodeJwt(accessToken).sid);
  } catch {
    return undefined;
  }
}
