import { serializeCookie } from './cookies.js';
import { ProviderError, type AuthKitError, type CallbackErrorCode, type ProviderErrorCode } from './errors.js';
import type { CookieToSet } from './types.js';

/** Every response a flow builds is personal: never cached by a shared cache. */
function baseHeaders(cookies: CookieToSet[]): Headers {
  const headers = new Headers({ 'cache-control': 'private, no-store', vary: 'Cookie' });
  for (const cookie of cookies) headers.append('set-cookie', serializeCookie(cookie));
  return headers;
}

export function redirect(location: string, cookies: CookieToSet[], status: 302 | 303 = 302): Response {
  const headers = baseHeaders(cookies);
  headers.set('location', location);
  return new Response(null, { status, headers });
}

/** GET navigations keep 302; a redirect answering a POST (form, server action) must be 303. */
export function redirectStatus(request: Request): 302 | 303 {
  return request.method === 'GET' || request.method === 'HEAD' ? 302 : 303;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain page for a rejected callback: it explains and links back, and never redirects (no loops). */
export function errorPage(error: AuthKitError, returnTo: string, cookies: CookieToSet[]): Response {
  const headers = baseHeaders(cookies);
  headers.set('content-type', 'text/html; charset=utf-8');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Sign-in problem</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}a{color:#4f46e5}</style></head>
<body><h1>We could not confirm it's you</h1><p>${escapeHtml(error.message)}</p><p>Error code: <code>${escapeHtml(error.code)}</code></p><p><a href="${escapeHtml(returnTo)}">Go back</a></p></body></html>`;
  return new Response(body, { status: error.status, headers });
}

/**
 * The provider is down (`error.transient`): a 503 page that explains and links back (never a
 * redirect, so no loop), or inside a popup the result its opener waits for. `cookies` (a session
 * rotated on the way) are still written.
 */
export function outagePage(error: ProviderError, returnTo: string, cookies: CookieToSet[] = [], popup = false): Response {
  if (!popup) return errorPage(error, returnTo, cookies);
  return popupPage({ type: 'authkit-stepup:result', ok: false, code: 'provider_unavailable', message: error.message }, returnTo, cookies, error.status);
}

/** Why a session that may be fine could not be renewed (or checked) now. */
export function renewalUnavailable(): ProviderError {
  return new ProviderError('Your session could not be renewed because the identity provider is unavailable. Try again in a moment.', { transient: true });
}

/** Message the callback page posts to its opener when a popup step-up ends. */
export interface PopupResult {
  type: 'authkit-stepup:result';
  ok: boolean;
  /** Set when `ok` is false: the callback's rejection, or the provider being unreachable at the start. */
  code?: CallbackErrorCode | Extract<ProviderErrorCode, 'provider_unavailable'>;
  message?: string;
}

/**
 * The callback's answer inside a popup: tell the opener (same origin only) and close. Without an
 * opener (popup blocked, opened in a tab) it links on to `returnTo` instead.
 */
export function popupPage(result: PopupResult, returnTo: string, cookies: CookieToSet[], status = 200): Response {
  const headers = baseHeaders(cookies);
  headers.set('content-type', 'text/html; charset=utf-8');
  const payload = JSON.stringify(result).replace(/</g, '\\u003c');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${result.ok ? 'Confirmed' : 'Not confirmed'}</title></head>
<body style="font:16px system-ui,sans-serif;margin:3rem;text-align:center"><p>${result.ok ? 'Confirmed. You can close this window.' : escapeHtml(result.message ?? 'Not confirmed.')}</p><p><a href="${escapeHtml(returnTo)}">Continue</a></p>
<script>(function(){var r=${payload};if(window.opener&&!window.opener.closed){window.opener.postMessage(r,location.origin);window.close();}})();</script></body></html>`;
  return new Response(body, { status, headers });
}

const CONTINUE_TEXT = {
  'sign-in': { title: 'Switch account?', body: 'Another site sent you here to sign in again, which would replace the session you have.', button: 'Continue to sign in' },
  'step-up': { title: "Confirm it's you?", body: 'Another site sent you here to confirm your identity.', button: "Continue to confirm it's you" },
  'sign-out': { title: 'Sign out?', body: 'Another site sent you here to sign you out.', button: 'Sign out' },
} as const;

/**
 * SECURITY.md §11: what a cross-site request to sign in over a session, step up or sign out gets
 * instead. Following the link is a same-origin navigation, so the user's click is what continues.
 * The page may not be framed (a click on it must be the user's own).
 */
export function continuePage(action: keyof typeof CONTINUE_TEXT, continueTo: string, home = '/'): Response {
  const headers = baseHeaders([]);
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set('x-frame-options', 'DENY');
  headers.set('content-security-policy', "frame-ancestors 'none'");
  const text = CONTINUE_TEXT[action];
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text.title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a{color:#4f46e5}</style></head>
<body><h1>${text.title}</h1><p>${text.body} Nothing has changed yet.</p><p><a id="authkit-continue" href="${escapeHtml(continueTo)}">${text.button}</a></p><p><a href="${escapeHtml(home)}">Cancel</a></p></body></html>`;
  return new Response(body, { status: 200, headers });
}

/** Nothing to do for a request that is not a top-level navigation (prefetch, RSC fetch): nothing sealed. */
export function notANavigation(): Response {
  return new Response(null, { status: 204, headers: baseHeaders([]) });
}
