import type { CookieOptions, CookieToSet } from './types.js';

/** Parses a `Cookie` header. The first value of a repeated name wins, as browsers send the most specific first. */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!name || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.set(name, value);
  }
  return out;
}

export function serializeCookie({ name, value, options }: CookieToSet): string {
  let out = `${name}=${value}; Path=${options.path}`;
  if (options.maxAge !== undefined) {
    out += `; Max-Age=${Math.floor(options.maxAge)}`;
    if (options.maxAge <= 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  if (options.domain) out += `; Domain=${options.domain}`;
  if (options.httpOnly) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  out += `; SameSite=${options.sameSite === 'none' ? 'None' : options.sameSite === 'strict' ? 'Strict' : 'Lax'}`;
  return out;
}

export function deletion(name: string, options: CookieOptions): CookieToSet {
  return { name, value: '', options: { ...options, maxAge: 0 } };
}

/** The cookie header a request would carry after `cookies` were applied — to forward a refreshed session. */
export function applyCookies(header: string | null | undefined, cookies: CookieToSet[]): string {
  const jar = parseCookieHeader(header);
  for (const c of cookies) {
    if (c.options.maxAge !== undefined && c.options.maxAge <= 0) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
