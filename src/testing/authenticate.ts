/**
 * `POST /user_management/authenticate`: the `authorization_code` (with PKCE) and
 * `refresh_token` grants.
 *
 * Failures use the OAuth token-endpoint shape `{ error, error_description }`,
 * which is what WorkOS answers for these two grants and what the WorkOS Node SDK
 * turns into an `OauthException` (authkit-nextjs ends the session on
 * `error === 'invalid_grant'`). Bad client credentials are `401 invalid_client`
 * (RFC 6749 §5.2); the WorkOS SDK maps any 401 to `UnauthorizedException`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ORGANIZATION_ID, normaliseUri } from './authorize-request.js';
import type { IdpContext } from './context.js';
import { readParams, sendJson } from './http-util.js';
import { nowSeconds } from './store.js';
import type { Grant } from './store.js';
import { findUserById, safeEqual, toWorkOSUser } from './users.js';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);
const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export async function handleAuthenticate(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.stats.authenticateRequests++;
  const params = await readParams(req);
  const grantType = typeof params?.grant_type === 'string' ? params.grant_type : undefined;
  try {
    if (!params) throw invalidRequest('The request body must be a JSON object (or a urlencoded form).');
    const str = (name: string): string | undefined => {
      const v = params[name];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };

    // Client authentication first: a wrong secret learns nothing about codes or tokens.
    // The secret may come in the body (WorkOS SDKs) or as the Bearer API key.
    const secret = str('client_secret') ?? bearer(req);
    if (str('client_id') !== ctx.clientId || secret === undefined || !safeEqual(secret, ctx.apiKey)) {
      throw new OAuthError(401, 'invalid_client', 'Invalid client_id or client_secret.');
    }

    let body: Record<string, unknown>;
    if (grantType === 'authorization_code') {
      body = await exchangeCode(ctx, str);
      ctx.stats.codeExchanges++;
    } else if (grantType === 'refresh_token') {
      body = await refresh(ctx, str);
      ctx.stats.refreshes++;
    } else if (grantType === undefined) {
      throw invalidRequest('grant_type is required.');
    } else {
      throw new OAuthError(400, 'unsupported_grant_type', `The dev identity provider does not support grant_type "${grantType}".`);
    }
    sendJson(res, 200, body, { Pragma: 'no-cache' });
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    if (grantType === 'authorization_code') ctx.stats.codeExchangeFailures++;
    if (grantType === 'refresh_token') ctx.stats.refreshFailures++;
    sendJson(res, err.status, { error: err.error, error_description: err.description });
  }
}

type Str = (name: string) => string | undefined;

async function exchangeCode(ctx: IdpContext, str: Str): Promise<Record<string, unknown>> {
  const code = str('code');
  const verifier = str('code_verifier');
  // Checked before the code is looked up, so a malformed call does not burn it.
  if (!code) throw invalidRequest('code is required.');
  if (!verifier) throw invalidRequest('code_verifier is required: this client used PKCE.');

  // Single use: taken out of the store before anything else can fail.
  const entry = ctx.store.takeCode(code);
  if (!entry) throw invalidGrant('The authorization code is invalid, expired, or was already used.');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (!CODE_VERIFIER.test(verifier) || !safeEqual(challenge, entry.codeChallenge)) {
    throw invalidGrant('The code_verifier does not match the code_challenge of the authorization request.');
  }
  const redirectUri = str('redirect_uri');
  if (redirectUri !== undefined && normaliseUri(redirectUri) !== normaliseUri(entry.redirectUri)) {
    throw invalidGrant('redirect_uri does not match the one of the authorization request.');
  }
  const session = ctx.store.getSession(entry.sessionId);
  if (!session || session.endedAt !== undefined) throw invalidGrant('The session has ended.');

  return issueTokens(ctx, entry);
}

async function refresh(ctx: IdpContext, str: Str): Promise<Record<string, unknown>> {
  const token = str('refresh_token');
  if (!token) throw invalidRequest('refresh_token is required.');
  const organizationId = str('organization_id');
  if (organizationId !== undefined && !ORGANIZATION_ID.test(organizationId)) {
    throw invalidRequest(`"${organizationId}" is not an organization id (org_...).`);
  }

  const entry = ctx.store.getRefreshToken(token);
  if (!entry) throw invalidGrant('Invalid refresh token.');
  if (entry.usedAt !== undefined) reuse(ctx, entry.sessionId, entry.usedAt);
  if (entry.expiresAt < nowSeconds()) throw invalidGrant('Refresh token has expired.');
  const session = ctx.store.getSession(entry.sessionId);
  if (!session || session.endedAt !== undefined) throw invalidGrant('The session has ended.');

  // Marked synchronously, before the first await, so two concurrent requests with
  // the same token cannot both succeed (except within a 'grace' window, on purpose).
  entry.usedAt ??= nowSeconds();
  // Only iat/exp/jti change (and org_id when switching organizations): sid,
  // auth_time and amr describe the original authentication, which a refresh is not.
  return issueTokens(ctx, {
    userId: entry.userId,
    sessionId: entry.sessionId,
    organizationId: organizationId ?? entry.organizationId,
    authTime: entry.authTime,
    amr: [...entry.amr],
  });
}

/**
 * A refresh token that was already exchanged came back: a lost race between two tabs or two
 * server instances, or a stolen token. Real providers answer differently (see
 * `DevIdpOptions.refreshTokenReuse`); returns only when the reuse is accepted ('grace').
 */
function reuse(ctx: IdpContext, sessionId: string, usedAt: number): void {
  ctx.stats.refreshReuses++;
  const { mode, graceSeconds } = ctx.refreshTokenReuse;
  // WorkOS: refused, the rotated successor keeps working.
  if (mode === 'reject') throw invalidGrant('Refresh token already exchanged.');
  // Auth0's reuse detection: the whole token family dies, the successor included.
  if (mode === 'revoke') {
    ctx.store.endSession(sessionId, 'reuse');
    throw invalidGrant('Refresh token reuse detected: the session was revoked.');
  }
  // Okta's rotation grace period: the previous token still works for a while after its first use.
  if (nowSeconds() - usedAt > graceSeconds) throw invalidGrant('Refresh token already exchanged (grace period over).');
}

async function issueTokens(ctx: IdpContext, grant: Grant): Promise<Record<string, unknown>> {
  const user = findUserById(ctx.users, grant.userId);
  if (!user) throw invalidGrant('The user no longer exists.');
  const refreshToken = ctx.store.issueRefreshToken(grant);
  const accessToken = await ctx.signer.mint(grant, user, nowSeconds());
  const body: Record<string, unknown> = {
    user: toWorkOSUser(user, ctx.startedAt, ctx.lastSignIn.get(user.id) ?? null),
  };
  if (grant.organizationId) body.organization_id = grant.organizationId;
  body.access_token = accessToken;
  body.refresh_token = refreshToken;
  // Every dev login starts with a password (the one-time code is a second factor).
  body.authentication_method = 'Password';
  return body;
}
