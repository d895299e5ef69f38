import { sealData, unsealData } from 'iron-session';
import type { CookiePassword, ResolvedConfig } from './config.js';
import { deletion } from './cookies.js';
import type { CookieOptions, CookieToSet, Session } from './types.js';

/**
 * The session cookie: an iron-session seal of `Session`, byte-compatible with
 * `@workos-inc/authkit-nextjs`'s `wos-session`. A seal too large for one cookie is split into
 * `name.0`, `name.1`, … and joined back on read; a session is never truncated.
 */

// 4096 bytes per cookie (RFC 6265 §6.1 minimum that browsers honour) covers name, value and attributes.
const MAX_COOKIE_BYTES = 4096;
const ATTRIBUTE_ALLOWANCE = 160;
const MAX_CHUNKS = 20;
const CHUNK_NAME = /^(.+)\.(\d{1,2})$/;
/**
 * Largest seal we write. Chunks get it past the 4096-byte cookie limit, but servers cap the whole
 * header section (Node's default is 16 KiB, and `next start` runs on Node): a larger session would
 * answer 431 on every request, sign-out included. 10 KiB leaves room for the pending transactions
 * (`MAX_PENDING_TRANSACTION_BYTES`, 3 KiB) and ~3 KiB of other headers (the browser's own, the
 * router's state tree on RSC fetches, a Referer) — SECURITY.md §10.
 */
export const MAX_SESSION_SEAL = 10_240;

export function sessionCookieOptions(config: ResolvedConfig): CookieOptions {
  const options: CookieOptions = {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    path: '/',
    maxAge: config.cookieMaxAge,
  };
  if (config.cookieDomain) options.domain = config.cookieDomain;
  return options;
}

export function sealSession(session: Session, password: CookiePassword, ttlSeconds: number): Promise<string> {
  return sealData(session, { password, ttl: ttlSeconds });
}

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  const user = s.user as Record<string, unknown> | undefined;
  return (
    typeof s.accessToken === 'string' &&
    typeof s.refreshToken === 'string' &&
    !!user &&
    typeof user === 'object' &&
    typeof user.id === 'string'
  );
}

/** Unseals a session; anything that is not a well-formed session sealed with one of our passwords is `null`. */
export async function unsealSession(seal: string, password: CookiePassword): Promise<Session | null> {
  if (!seal || seal.length > MAX_COOKIE_BYTES * MAX_CHUNKS) return null;
  try {
    const data = await unsealData<Session>(seal, { password, ttl: 0 });
    return isSession(data) ? data : null;
  } catch {
    return null;
  }
}

/** The sealed value from the request: the plain cookie, else its chunks joined in order. */
export function readSessionSeal(cookies: Map<string, string>, name: string): string | undefined {
  const plain = cookies.get(name);
  if (plain) return plain;
  let joined = '';
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(`${name}.${i}`);
    if (part === undefined) break;
    joined += part;
  }
  return joined || undefined;
}

/** Names of the session cookies (plain and chunks) the request carries, so stale ones can be deleted. */
function presentSessionCookies(cookies: Map<string, string>, name: string): string[] {
  const present: string[] = [];
  for (const key of cookies.keys()) {
    if (key === name) present.push(key);
    else {
      const m = CHUNK_NAME.exec(key);
      if (m && m[1] === name) present.push(key);
    }
  }
  return present;
}

/** Cookies that store `seal` under `name`, and delete whatever the request held that they replace. */
export function sessionCookies(seal: string, name: string, options: CookieOptions, requestCookies: Map<string, string>): CookieToSet[] {
  const out: CookieToSet[] = [];
  const written = new Set<string>();
  const room = MAX_COOKIE_BYTES - ATTRIBUTE_ALLOWANCE - name.length - 4;
  if (seal.length <= room) {
    out.push({ name, value: seal, options });
    written.add(name);
  } else {
    const size = room;
    for (let i = 0, n = 0; i < seal.length; i += size, n++) {
      const chunkName = `${name}.${n}`;
      out.push({ name: chunkName, value: seal.slice(i, i + size), options });
      written.add(chunkName);
    }
  }
  for (const stale of presentSessionCookies(requestCookies, name)) {
    if (!written.has(stale)) out.push(deletion(stale, options));
  }
  return out;
}

/** Cookies that remove every part of the session the request carries (at least the plain cookie). */
export function clearSessionCookies(name: string, options: CookieOptions, requestCookies: Map<string, string>): CookieToSet[] {
  const names = new Set([name, ...presentSessionCookies(requestCookies, name)]);
  return [...names].map((n) => deletion(n, options));
}
