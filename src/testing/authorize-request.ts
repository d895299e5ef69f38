/**
 * Validation of `GET /user_management/authorize` parameters. Nothing here may
 * redirect: until `client_id` and `redirect_uri` are known good, sending the browser
 * to `redirect_uri` would make the IdP an open redirector, so every problem is a
 * 400 page instead.
 */
import type { IdpContext } from './context.js';
import { isHttpUrl } from './http-util.js';

export interface AuthorizeRequest {
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  /** Seconds; `undefined` when absent. `0` always forces a login. */
  maxAge: number | undefined;
  loginHint: string | undefined;
  organizationId: string | undefined;
  screenHint: string | undefined;
}

export type AuthorizeParseResult = { ok: true; request: AuthorizeRequest } | { ok: false; title: string; detail: string };

const SINGLE_VALUED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'provider',
  'state',
  'code_challenge',
  'code_challenge_method',
  'max_age',
  'login_hint',
  'organization_id',
  'screen_hint',
] as const;

/** An S256 challenge is base64url(SHA-256(verifier)) without padding: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** WorkOS organization ids; anything else would end up verbatim in the `org_id` claim. */
export const ORGANIZATION_ID = /^org_[0-9A-Za-z]{1,64}$/;
const MAX_PARAM_LENGTH = 2048;

function fail(title: string, detail: string): AuthorizeParseResult {
  return { ok: false, title, detail };
}

export function normaliseUri(value: string): string | undefined {
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

export function parseAuthorizeRequest(ctx: IdpContext, params: URLSearchParams): AuthorizeParseResult {
  // RFC 6749 §3.1: parameters must not be repeated; a repeated one is ambiguous.
  for (const name of SINGLE_VALUED) {
    const all = params.getAll(name);
    if (all.length > 1) return fail('Invalid sign-in request', `The parameter "${name}" appears more than once.`);
    if ((all[0]?.length ?? 0) > MAX_PARAM_LENGTH) {
      return fail('Invalid sign-in request', `The parameter "${name}" is too long.`);
    }
  }
  const get = (name: string): string | undefined => params.get(name) ?? undefined;

  const clientId = get('client_id');
  if (!clientId) return fail('Missing client_id', 'The sign-in URL has no client_id parameter.');
  if (clientId !== ctx.clientId) {
    return fail('Unknown client_id', `"${clientId}" is not this identity provider's client (expected "${ctx.clientId}").`);
  }

  const redirectUri = get('redirect_uri');
  if (!redirectUri) return fail('Missing redirect_uri', 'The sign-in URL has no redirect_uri parameter.');
  if (!isHttpUrl(redirectUri) || new URL(redirectUri).hash) {
    return fail('Invalid redirect_uri', `"${redirectUri}" is not an absolute http(s) URL without a fragment.`);
  }
  if (ctx.allowedRedirectUris && !ctx.allowedRedirectUris.includes(normaliseUri(redirectUri) ?? '')) {
    return fail(
      'redirect_uri not allowed',
      `"${redirectUri}" is not an allowed redirect URI. Allowed: ${ctx.allowedRedirectUris.join(', ')}.`,
    );
  }

  // From here on the redirect URI is trusted, but the dev IdP still answers with a
  // page: a developer reading the error beats an app guessing at `?error=`.
  const responseType = get('response_type');
  if (responseType !== 'code') {
    return fail('Unsupported response_type', `response_type must be "code", got "${responseType ?? ''}".`);
  }
  const provider = get('provider');
  if (provider !== undefined && provider !== 'authkit') {
    return fail('Unsupported provider', `The dev identity provider only implements provider=authkit, got "${provider}".`);
  }

  const codeChallenge = get('code_challenge');
  const method = get('code_challenge_method');
  if (!codeChallenge) return fail('PKCE required', 'The sign-in URL has no code_challenge (PKCE is required).');
  if (method !== 'S256') {
    return fail('PKCE S256 required', `code_challenge_method must be "S256", got "${method ?? ''}".`);
  }
  if (!S256_CHALLENGE.test(codeChallenge)) {
    return fail('Invalid code_challenge', 'code_challenge must be 43 base64url characters (an S256 challenge).');
  }

  let maxAge: number | undefined;
  const rawMaxAge = get('max_age');
  if (rawMaxAge !== undefined) {
    if (!/^\d{1,10}$/.test(rawMaxAge)) {
      return fail('Invalid max_age', `max_age must be a non-negative integer number of seconds, got "${rawMaxAge}".`);
    }
    maxAge = Number(rawMaxAge);
  }

  const organizationId = get('organization_id');
  if (organizationId !== undefined && !ORGANIZATION_ID.test(organizationId)) {
    return fail('Invalid organization_id', `"${organizationId}" is not an organization id (org_...).`);
  }

  return {
    ok: true,
    request: {
      redirectUri,
      state: get('state'),
      codeChallenge,
      maxAge,
      loginHint: get('login_hint'),
      organizationId,
      screenHint: get('screen_hint'),
    },
  };
}
