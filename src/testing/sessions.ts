/**
 * Ending sessions: `GET /user_management/sessions/logout` (the browser's sign-out)
 * and `POST /user_management/sessions/revoke` (WorkOS's `revokeSession`, server to
 * server), plus the session snapshots `DevIdp#session()` and the control API expose.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdpContext } from './context.js';
import { bearerToken, clearedCookie, getCookie, isHttpUrl, readParams, redirect, sendEmpty, sendHtml, sendJson } from './http-util.js';
import { isLoopbackHost } from './loopback.js';
import { returnToRefusedPage, signedOutPage } from './pages.js';
import type { IdpSession } from './store.js';
import type { DevIdpSession } from './types.js';
import { safeEqual } from './users.js';

/** Shown as the allowed origins when no redirect URI was registered. */
const ANY_LOOPBACK = 'any http(s) origin on localhost, 127.0.0.1 or [::1] (no redirect URI is registered)';

type ReturnToVerdict = { ok: true; href: string } | { ok: false; reason: string; allowed: string[] };

/**
 * `return_to` must be on the origin of a registered redirect URI. Without registered
 * redirect URIs (the "any redirect URI" mode for tests on random ports) only loopback
 * origins are followed. The redirect goes to the parsed URL (`URL#href`), never the
 * raw string, so the browser and the check agree on where it leads.
 */
function checkReturnTo(ctx: IdpContext, returnTo: string): ReturnToVerdict {
  const registered = ctx.allowedRedirectUris;
  const allowed = registered ? [...new Set(registered.map((uri) => new URL(uri).origin))] : [ANY_LOOPBACK];
  if (!isHttpUrl(returnTo)) return { ok: false, reason: 'is not an absolute http(s) URL without credentials.', allowed };
  const target = new URL(returnTo);
  const permitted = registered ? allowed.includes(target.origin) : isLoopbackHost(target.hostname);
  if (!permitted) {
    return {
      ok: false,
      reason: registered ? 'is not on the origin of a registered redirect URI.' : 'is not a loopback origin.',
      allowed,
    };
  }
  return { ok: true, href: target.href };
}

/**
 * Ends the named session (its refresh tokens stop working) and the browser's own
 * IdP session, clears the IdP cookie, then goes to `return_to` when it passes
 * `checkReturnTo`. A refused `return_to` still signs out (a misconfigured app must
 * not leave its users signed in at the IdP) and answers a 400 page that says why.
 */
export function handleLogout(ctx: IdpContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  ctx.stats.logouts++;
  const sessionId = url.searchParams.get('session_id');
  if (sessionId) ctx.store.endSession(sessionId, 'logout');
  const browserSession = ctx.store.sessionFromCookie(getCookie(req, ctx.cookieName));
  if (browserSession) ctx.store.endSession(browserSession.id, 'logout');

  const headers = { 'Set-Cookie': clearedCookie(ctx.cookieName) };
  const all = url.searchParams.getAll('return_to');
  const returnTo = all[0];
  if (all.length > 1) {
    return sendHtml(res, 400, returnToRefusedPage(returnTo!, [], 'appears more than once.'), headers);
  }
  if (!returnTo) return sendHtml(res, 200, signedOutPage(), headers);
  const verdict = checkReturnTo(ctx, returnTo);
  if (verdict.ok) return redirect(res, verdict.href, headers);
  sendHtml(res, 400, returnToRefusedPage(returnTo, verdict.allowed, verdict.reason), headers);
}

/**
 * `POST /user_management/sessions/revoke`, as `@workos-inc/node`'s
 * `userManagement.revokeSession({ sessionId })` calls it: JSON `{ "session_id" }`,
 * `Authorization: Bearer <API key>`.
 *
 * - 200, empty body (WorkOS's OpenAPI spec gives no response body): the session is
 *   ended, or had already ended (revoking is idempotent; only the first counts in
 *   `sessionsRevoked`). Its refresh tokens and unexchanged codes stop working.
 * - 401 `{ code, message }`: missing or wrong API key (the SDK's `UnauthorizedException`).
 * - 400 `{ code: 'invalid_request_parameters', message, errors }`: no `session_id`
 *   (the SDK's `BadRequestException`, the error its `revokeSession` documents).
 * - 404 `{ code: 'entity_not_found', entity_id, message }`: no such session (the
 *   SDK's `NotFoundException`). WorkOS documents no 404 here; this is our choice.
 */
export async function handleRevoke(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.stats.revokeRequests++;
  const params = await readParams(req);
  const key = bearerToken(req);
  if (!key || !safeEqual(key, ctx.apiKey)) {
    return sendJson(res, 401, { code: 'unauthorized', message: 'Invalid API key: send it as `Authorization: Bearer sk_...`.' });
  }
  const sessionId = params?.session_id;
  if (typeof sessionId !== 'string' || sessionId === '') {
    return sendJson(res, 400, {
      code: 'invalid_request_parameters',
      message: 'Validation failed: session_id must be the id of the session to revoke (the `sid` claim of its access token).',
      errors: [{ field: 'session_id', code: 'session_id_required' }],
    });
  }
  if (!ctx.store.getSession(sessionId)) {
    return sendJson(res, 404, { code: 'entity_not_found', entity_id: sessionId, message: `Session not found: '${sessionId}'.` });
  }
  if (ctx.store.endSession(sessionId, 'revoke')) ctx.stats.sessionsRevoked++;
  sendEmpty(res, 200);
}

const STATUS = { revoke: 'revoked', logout: 'logged_out', reuse: 'reuse_detected' } as const;

/** A copy of a session for tests: never the live object. */
export function describeSession(session: IdpSession): DevIdpSession {
  const status = session.endedBy === undefined ? 'active' : STATUS[session.endedBy];
  const out: DevIdpSession = {
    id: session.id,
    userId: session.userId,
    status,
    authTime: session.authTime,
    amr: [...session.amr],
    createdAt: session.createdAt,
  };
  if (session.endedAt !== undefined) out.endedAt = session.endedAt;
  return out;
}
