import type { ResolvedConfig } from '../config.js';
import { isTransientStatus, ProviderError } from '../errors.js';
import type { Impersonator, User } from '../types.js';
import { createAccessTokenVerifier } from '../verify.js';
import type { AuthorizeParams, ExchangeParams, Provider, TokenSet } from './types.js';

/** The WorkOS User Management wire format (README "Providers"; checked against `@workos-inc/node` in test/interop). */
export function workos(config: ResolvedConfig): Provider {
  const api = config.apiUrl;
  const issuers = config.issuer
    ? [config.issuer]
    : [api, `${api}/`, `${api}/user_management/${config.clientId}`];

  async function authenticate(body: Record<string, string | undefined>): Promise<TokenSet> {
    let response: Response;
    try {
      response = await fetch(`${api}/user_management/authenticate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ...body, client_id: config.clientId, client_secret: config.apiKey }),
        signal: AbortSignal.timeout(config.providerTimeout),
      });
    } catch (cause) {
      throw new ProviderError(`WorkOS could not be reached (${(cause as Error)?.message ?? cause}).`, { transient: true, cause });
    }
    const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    // A refresh ends the session only when WorkOS refuses the grant itself (400 with an OAuth error
    // such as invalid_grant). A cut-off or malformed answer, 401 invalid_client (a rotated API key)
    // or a 404 from a misrouted proxy say nothing about the user's refresh token: keep the session.
    const refresh = body.grant_type === 'refresh_token';
    if (!response.ok || !json) {
      const providerCode = typeof json?.error === 'string' ? json.error : typeof json?.code === 'string' ? json.code : undefined;
      const detail = typeof json?.error_description === 'string' ? json.error_description : typeof json?.message === 'string' ? json.message : '';
      const refusal = response.status === 400 && providerCode !== undefined;
      throw new ProviderError(`WorkOS rejected the ${body.grant_type} grant: HTTP ${response.status}${providerCode ? ` ${providerCode}` : ''}${detail ? ` — ${detail}` : ''}.`, {
        transient: isTransientStatus(response.status) || (refresh && !refusal),
        outage: isTransientStatus(response.status),
        providerCode,
        status: response.status,
      });
    }
    try {
      return toTokenSet(json);
    } catch (error) {
      if (!refresh) throw error;
      throw new ProviderError((error as Error).message, { transient: true, outage: false, cause: error });
    }
  }

  return {
    kind: 'workos',
    async authorizationUrl(p: AuthorizeParams): Promise<URL> {
      const url = new URL(`${api}/user_management/authorize`);
      const q = url.searchParams;
      q.set('client_id', config.clientId);
      q.set('redirect_uri', config.redirectUri.href);
      q.set('response_type', 'code');
      q.set('provider', 'authkit');
      q.set('state', p.state);
      q.set('code_challenge', p.codeChallenge);
      q.set('code_challenge_method', 'S256');
      if (p.maxAge !== undefined) q.set('max_age', String(Math.max(0, Math.floor(p.maxAge))));
      if (p.loginHint) q.set('login_hint', p.loginHint);
      if (p.organizationId) q.set('organization_id', p.organizationId);
      if (p.screenHint) q.set('screen_hint', p.screenHint);
      return url;
    },
    exchangeCode: (p: ExchangeParams) =>
      authenticate({ grant_type: 'authorization_code', code: p.code, code_verifier: p.codeVerifier }),
    refresh: (p) => authenticate({ grant_type: 'refresh_token', refresh_token: p.refreshToken, organization_id: p.organizationId }),
    verifyAccessToken: createAccessTokenVerifier({
      jwksUrl: new URL(`${api}/sso/jwks/${encodeURIComponent(config.clientId)}`),
      issuers,
      clientId: config.clientId,
      algorithms: config.algorithms,
      clockTolerance: config.clockTolerance,
      timeout: Math.min(5_000, config.providerTimeout),
    }),
    async endSession({ sessionId }) {
      // @workos-inc/node's userManagement.revokeSession: POST /user_management/sessions/revoke.
      let response: Response;
      try {
        response = await fetch(`${api}/user_management/sessions/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${config.apiKey}` },
          body: JSON.stringify({ session_id: sessionId }),
          signal: AbortSignal.timeout(config.providerTimeout),
        });
      } catch (cause) {
        throw new ProviderError(`WorkOS could not be reached to revoke session ${sessionId} (${(cause as Error)?.message ?? cause}).`, { transient: true, cause });
      }
      await response.body?.cancel();
      if (!response.ok) {
        throw new ProviderError(`WorkOS refused to revoke session ${sessionId}: HTTP ${response.status}.`, { transient: isTransientStatus(response.status), status: response.status });
      }
    },
    async logoutUrl({ sessionId, returnTo }) {
      if (!sessionId) return null;
      const url = new URL(`${api}/user_management/sessions/logout`);
      url.searchParams.set('session_id', sessionId);
      url.searchParams.set('return_to', returnTo);
      return url;
    },
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Snake-case WorkOS user → the camelCase shape `@workos-inc/node` produces (what `wos-session` stores). */
export function toUser(raw: Record<string, unknown>): User {
  const metadata = raw.metadata && typeof raw.metadata === 'object' ? (raw.metadata as Record<string, string>) : {};
  const user: User = {
    object: 'user',
    id: String(raw.id),
    email: String(raw.email ?? ''),
    emailVerified: raw.email_verified === true,
    firstName: text(raw.first_name),
    lastName: text(raw.last_name),
    profilePictureUrl: text(raw.profile_picture_url),
    lastSignInAt: text(raw.last_sign_in_at),
    externalId: text(raw.external_id),
    metadata,
    createdAt: String(raw.created_at ?? ''),
    updatedAt: String(raw.updated_at ?? ''),
  };
  // Newer WorkOS responses add these; keep them so cookies match what @workos-inc/node writes.
  if ('name' in raw) user.name = text(raw.name);
  if ('locale' in raw) user.locale = text(raw.locale);
  return user;
}

function toTokenSet(json: Record<string, unknown>): TokenSet {
  const user = json.user as Record<string, unknown> | undefined;
  if (typeof json.access_token !== 'string' || typeof json.refresh_token !== 'string' || !user || typeof user.id !== 'string') {
    throw new ProviderError('WorkOS answered the authenticate call without tokens or a user.', { transient: false });
  }
  const set: TokenSet = { accessToken: json.access_token, refreshToken: json.refresh_token, user: toUser(user) };
  if (typeof json.organization_id === 'string') set.organizationId = json.organization_id;
  if (typeof json.authentication_method === 'string') set.authenticationMethod = json.authentication_method;
  const imp = json.impersonator as Record<string, unknown> | undefined;
  if (imp && typeof imp.email === 'string') set.impersonator = { email: imp.email, reason: text(imp.reason) } satisfies Impersonator;
  return set;
}
