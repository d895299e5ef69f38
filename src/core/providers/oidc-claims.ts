import * as oauth from 'oauth4webapi';
import { isTransientStatus, ProviderError } from '../errors.js';
import type { Session, User } from '../types.js';

/**
 * The ID-token claims a session keeps (`Session.idClaims`): `amr` and `auth_time` for OpenID
 * providers whose access tokens do not carry them, and `sid` for providers that put the session
 * id only in the ID token.
 */
export type IdClaims = NonNullable<Session['idClaims']>;

type Claims = Readonly<Record<string, unknown>>;

function text(claims: Claims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isoDate(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Standard OpenID claims (ID token, userinfo) → the `User` shape the session cookie holds.
 * `previous` fills what a refreshed ID token leaves out (providers trim them on refresh).
 */
export function toOidcUser(claims: Claims, previous?: User): User {
  const preferred = text(claims, 'preferred_username');
  const email = text(claims, 'email') ?? (preferred?.includes('@') ? preferred : undefined);
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  const givenName = text(claims, 'given_name');
  const familyName = text(claims, 'family_name');
  // Without given/family names (Entra ID's default), the display name is the best first name there is.
  const firstName = givenName ?? (familyName ? undefined : text(claims, 'name'));
  return {
    object: 'user',
    id: String(claims.sub),
    email: email ?? previous?.email ?? '',
    emailVerified: email !== undefined ? verified && email === text(claims, 'email') : (previous?.emailVerified ?? false),
    firstName: firstName ?? previous?.firstName ?? null,
    lastName: familyName ?? previous?.lastName ?? null,
    profilePictureUrl: text(claims, 'picture') ?? previous?.profilePictureUrl ?? null,
    lastSignInAt: isoDate(claims.auth_time) ?? previous?.lastSignInAt ?? null,
    externalId: previous?.externalId ?? null,
    metadata: previous?.metadata ?? {},
    createdAt: previous?.createdAt ?? '',
    updatedAt: isoDate(claims.updated_at) ?? previous?.updatedAt ?? '',
  };
}

/**
 * What counts as MFA at this provider (`oidc({ mfa })`), ready to apply to verified claims.
 * `aliases` has no prototype, so a provider's `amr` value `constructor` or `__proto__` maps to nothing.
 */
export interface MfaRules {
  readonly aliases: Readonly<Record<string, string>>;
  readonly acr: ReadonlySet<string>;
}

/** Compiles `oidc({ mfa })`; `undefined` when there is nothing to apply. Throws a `TypeError` on a malformed option. */
export function compileMfaRules(mfa: { amr?: Record<string, string>; acr?: readonly string[] | string } | undefined): MfaRules | undefined {
  if (mfa === undefined) return undefined;
  const aliases: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(mfa.amr ?? {})) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`oidc({ mfa: { amr } }): the value for "${name}" must be a non-empty RFC 8176 method, e.g. 'pwd' or 'otp'.`);
    aliases[name] = value;
  }
  // A lone string is one value: never let `'gold'.includes('g')` style matching in.
  const list = typeof mfa.acr === 'string' ? [mfa.acr] : (mfa.acr ?? []);
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw new TypeError('oidc({ mfa: { acr } }) must be a list of non-empty acr values, e.g. [\'urn:example:mfa\'].');
  }
  if (Object.keys(aliases).length === 0 && list.length === 0) return undefined;
  return Object.freeze({ aliases: Object.freeze(aliases), acr: new Set(list) });
}

/**
 * The `amr` of one verified token under the app's MFA rules (SECURITY.md §2, §3):
 * - a string array is mapped name by name (`password` → `pwd`); unknown names are kept, duplicates dropped;
 * - an `acr` the app listed adds `mfa` (an absent `amr` becomes `['mfa']`);
 * - anything that is not a string array is returned untouched, so it still fails closed.
 * Call it only on claims whose signature was verified: this is what makes a provider's `acr` count.
 */
export function applyMfaRules(amr: unknown, acr: unknown, rules: MfaRules | undefined): unknown {
  if (!rules) return amr;
  const valid = Array.isArray(amr) && amr.every((v) => typeof v === 'string');
  if (amr !== undefined && !valid) return amr;
  const out: string[] = [];
  for (const name of (amr as string[] | undefined) ?? []) {
    const mapped = rules.aliases[name] ?? name;
    if (!out.includes(mapped)) out.push(mapped);
  }
  if (typeof acr === 'string' && rules.acr.has(acr) && !out.includes('mfa')) out.push('mfa');
  return amr === undefined && out.length === 0 ? undefined : out;
}

/** The claims of a verified access token with `amr` under the app's MFA rules; every other claim as it came. */
export function withMfaRules<T extends Record<string, unknown>>(payload: T, rules: MfaRules | undefined): T {
  if (!rules) return payload;
  const amr = applyMfaRules(payload.amr, payload.acr, rules);
  if (amr === payload.amr) return payload;
  const out: Record<string, unknown> = { ...payload };
  if (amr === undefined) delete out.amr;
  else out.amr = amr;
  return out as T;
}

/**
 * The `amr`/`auth_time`/`sid` of a verified ID token, over the ones kept from before: a refreshed
 * ID token describes the original authentication but often omits them (Auth0 drops `amr`).
 * With MFA rules, `amr` is kept already mapped (`applyMfaRules`); a refreshed ID token that
 * carries an `acr` the rules judge is authoritative for it, even without an `amr` of its own.
 */
export function idClaimsOf(claims: Claims, previous?: Session['idClaims'], rules?: MfaRules): IdClaims | undefined {
  const before = previous as IdClaims | undefined;
  const out: IdClaims = {};
  const ownAmr = claims.amr !== undefined || (rules !== undefined && rules.acr.size > 0 && claims.acr !== undefined);
  const amr = ownAmr ? applyMfaRules(claims.amr, claims.acr, rules) : before?.amr;
  const authTime = claims.auth_time ?? before?.auth_time;
  const sid = claims.sid ?? before?.sid;
  if (amr !== undefined) out.amr = amr;
  if (authTime !== undefined) out.auth_time = authTime;
  if (sid !== undefined) out.sid = sid;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A failed refresh signs the user out only when the provider refused the grant itself: an OAuth
 * error body with HTTP 400 (`invalid_grant`, RFC 6749 §5.2). Anything else — network, timeouts,
 * 408/429/5xx, `invalid_client` (a rotated secret), a proxy's 404, a malformed or cut-off answer —
 * keeps the session.
 */
export function toRefreshError(error: unknown): ProviderError {
  const mapped = toProviderError(error, 'refresh_token grant');
  if (mapped.transient || (error instanceof oauth.ResponseBodyError && error.status === 400)) return mapped;
  return new ProviderError(mapped.message, {
    transient: true,
    outage: false,
    ...(mapped.providerCode ? { providerCode: mapped.providerCode } : {}),
    cause: error,
  });
}

/**
 * Any failure talking to the provider → `ProviderError`. Transient: network, timeouts, 408, 429,
 * 5xx. Definitive: OAuth errors such as `invalid_grant` (with `providerCode`) and responses that
 * fail validation.
 */
export function toProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    const detail = error.error_description ? ` — ${error.error_description}` : '';
    return new ProviderError(`The OpenID provider rejected the ${what}: HTTP ${error.status} ${error.error}${detail}.`, {
      transient: isTransientStatus(error.status),
      providerCode: error.error,
      status: error.status,
      cause: error,
    });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const status = error.response.status;
    const providerCode = error.cause[0]?.parameters.error;
    return new ProviderError(`The OpenID provider rejected the ${what}: HTTP ${status}${providerCode ? ` ${providerCode}` : ''}.`, {
      transient: isTransientStatus(status),
      ...(providerCode ? { providerCode } : {}),
      status,
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    return new ProviderError(`The OpenID provider's answer to the ${what} is not valid: ${error.message}${status ? ` (HTTP ${status})` : ''}.`, {
      transient: status !== undefined && isTransientStatus(status),
      ...(status !== undefined ? { status } : {}),
      cause: error,
    });
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return new ProviderError(`The OpenID provider's answer to the ${what} is not supported: ${error.message}.`, { transient: false, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  // oauth4webapi's own argument errors are TypeErrors with an ERR_ code; fetch failures are not.
  const coded = typeof (error as { code?: unknown })?.code === 'string' && String((error as { code: string }).code).startsWith('ERR_');
  const network =
    (error instanceof TypeError && !coded) ||
    (typeof error === 'object' && error !== null && ['TimeoutError', 'AbortError'].includes((error as { name?: string }).name ?? ''));
  return new ProviderError(
    network ? `The OpenID provider could not be reached for the ${what} (${message}).` : `The ${what} failed: ${message}.`,
    { transient: network, cause: error },
  );
}
