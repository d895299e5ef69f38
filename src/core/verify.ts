// jose's subpath entries: its root entry pulls in JWE's CompressionStream, which Next's Edge build warns about.
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import * as errors from 'jose/errors';
import { createLocalJWKSet } from 'jose/jwks/local';
import { createRemoteJWKSet } from 'jose/jwks/remote';
import { jwtVerify } from 'jose/jwt/verify';
import { ConfigError } from './errors.js';

export interface VerifierOptions {
  jwksUrl: URL;
  /** Accepted `iss` values; never empty — the issuer is always checked. */
  issuers: string[];
  /** Must appear in `aud`, or (WorkOS) as the `client_id` claim. */
  clientId: string;
  algorithms: string[];
  clockTolerance: number;
  /** JWKS fetch timeout in ms (default 5 000). */
  timeout?: number;
  /** For tests and custom key stores; defaults to a cached remote JWKS. */
  keys?: JWTVerifyGetKey;
}

export type VerifyResult =
  | { ok: true; payload: JWTPayload }
  /** Signed correctly by the provider but past `exp`: refreshable. */
  | { ok: false; reason: 'expired'; payload: JWTPayload }
  /** The provider's keys could not be fetched: not the token's fault, keep the session. */
  | { ok: false; reason: 'unavailable'; error: unknown }
  | { ok: false; reason: 'invalid'; error: unknown };

const SAFE_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Largest access token we verify; anything larger could not be stored in cookies anyway. */
export const MAX_TOKEN_LENGTH = 16_384;

export type AccessTokenVerifier = (token: string) => Promise<VerifyResult>;

/**
 * SECURITY.md §1 minus the `sub` check (the session layer knows the sealed user): signature from the
 * provider's JWKS with an allowed asymmetric algorithm, expected `iss`, audience, `exp`.
 */
export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const algorithms = options.algorithms.filter((a) => SAFE_ALGORITHMS.has(a));
  if (algorithms.length === 0) throw new ConfigError('config_invalid_algorithms', 'No allowed JWT algorithm: set `algorithms` to asymmetric ones such as RS256 or ES256 (never none or HMAC).');
  if (options.issuers.length === 0) throw new ConfigError('config_invalid_issuer', 'The expected issuer must be known: set `issuer` (WORKOS_ISSUER / AUTH_ISSUER).');
  const keys = options.keys ?? remoteKeys(options.jwksUrl, options.timeout);

  return async function verifyAccessToken(token: string): Promise<VerifyResult> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      return { ok: false, reason: 'invalid', error: new Error('malformed token') };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms,
        issuer: options.issuers,
        clockTolerance: options.clockTolerance,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        // jose raises JWTExpired only after the signature verified; still check who it was for.
        return audienceMatches(error.payload, options.clientId) && options.issuers.includes(String(error.payload.iss))
          ? { ok: false, reason: 'expired', payload: error.payload }
          : { ok: false, reason: 'invalid', error };
      }
      if (isKeyFetchFailure(error)) return { ok: false, reason: 'unavailable', error };
      return { ok: false, reason: 'invalid', error };
    }
    if (!audienceMatches(payload, options.clientId)) {
      return { ok: false, reason: 'invalid', error: new Error('token audience does not match the client') };
    }
    return { ok: true, payload };
  };
}

function audienceMatches(payload: JWTPayload, clientId: string): boolean {
  const { aud } = payload;
  if (aud !== undefined) return Array.isArray(aud) ? aud.includes(clientId) : aud === clientId;
  return (payload as Record<string, unknown>).client_id === clientId;
}

/**
 * The provider's JWKS, cached. jose refetches on an unknown `kid` at most once per cooldown and
 * serves the cached set otherwise, so forged `kid`s never flood the provider. When a refetch fails
 * (provider down) the last keys that were fetched keep verifying: an outage must not sign anyone out.
 */
export function remoteKeys(url: URL, timeout = 5_000): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: timeout });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const lastKnown = isKeyFetchFailure(error) ? remote.jwks() : undefined;
      if (!lastKnown) throw error;
      return createLocalJWKSet(lastKnown)(header, token);
    }
  };
}

/** A network failure, timeout or non-200 while fetching the JWKS: nothing is known about the token. */
function isKeyFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return error instanceof errors.JWKSTimeout || /JSON Web Key Set HTTP response/.test(error.message);
}
