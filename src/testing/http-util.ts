/**
 * Small node:http helpers: bounded body reading, cookies, and responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

/** Thrown for input we refuse; the router turns it into a 4xx. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Past this, an oversized body is not even drained: the socket is dropped. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * Reads the request body, refusing more than 64 KiB (413). An oversized body is
 * still read to the end (and discarded): answering while the client is sending
 * and then closing makes the kernel reset the connection, and the client would
 * see ECONNRESET instead of the 413.
 */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_DRAIN_BYTES) {
      req.destroy();
      break;
    }
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
  return Buffer.concat(chunks).toString('utf8');
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A urlencoded form body as a plain string map (first value wins). */
export async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  const body = await readBody(req);
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) if (!out.has(k)) out.set(k, v);
  return out;
}

/**
 * The authenticate body: JSON as the WorkOS SDKs send it, or a urlencoded form as
 * in WorkOS's curl examples. Returns null when it is neither parseable nor an object.
 */
export async function readParams(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const body = await readBody(req);
  if (mediaType(req) === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body));
  }
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** One cookie from the Cookie header; malformed pairs are ignored. */
export function getCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function sessionCookie(name: string, value: string): string {
  // SameSite=Lax: the cookie must ride along on the top-level GET navigation from
  // the app to /authorize (cross-site when the app is on localhost), nothing else.
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax`;
}

export function clearedCookie(name: string): string {
  return `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

/**
 * HTML with a strict CSP: inline styles only, no scripts, no framing. No
 * `form-action` directive: Chrome applies it to the redirect after a form POST,
 * which would block the 302 back to the app.
 */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0, ...headers });
  res.end();
}

/** The `Authorization: Bearer <token>` credential, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** An empty 200: what WorkOS answers for endpoints that return nothing (no content type, so SDKs parse nothing). */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

/** True for an absolute http(s) URL without credentials. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}
