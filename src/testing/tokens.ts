/**
 * Signing: one RS256 key pair per start (so tokens from a previous run never
 * verify), its public JWKS, and access tokens with WorkOS's claim names.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { prefixedId, ulid } from './ids.js';
import type { Grant } from './store.js';
import type { DevUser } from './types.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface TokenSigner {
  kid: string;
  jwks: { keys: JWK[] };
  mint(grant: Grant, user: DevUser, now: number): Promise<string>;
}

export interface SignerOptions {
  issuer: string;
  clientId: string;
  accessTokenTtl: number;
}

export async function createSigner(opts: SignerOptions): Promise<TokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = prefixedId('sso_oidc_key_pair');
  const publicJwk = await exportJWK(publicKey);
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };
  return {
    kid,
    jwks,
    mint: (grant, user, now) => mintAccessToken(privateKey, kid, opts, grant, user, now),
  };
}

/**
 * Claims follow WorkOS's access token: `iss`, `sub`, `sid`, `jti`, `iat`, `exp`,
 * `client_id` (WorkOS puts the audience here, not in `aud`), and for organization
 * sessions `org_id`, `role`, `roles`, `permissions`, plus `entitlements` and
 * `feature_flags`. Beyond WorkOS, the dev IdP always emits `auth_time` and
 * RFC 8176 `amr`, which is what step-up needs.
 */
async function mintAccessToken(
  key: SigningKey,
  kid: string,
  opts: SignerOptions,
  grant: Grant,
  user: DevUser,
  now: number,
): Promise<string> {
  const claims: Record<string, unknown> = {
    sid: grant.sessionId,
    client_id: opts.clientId,
    auth_time: grant.authTime,
    amr: [...grant.amr],
  };
  if (grant.organizationId) {
    claims.org_id = grant.organizationId;
    const roles = user.roles ?? (user.role ? [user.role] : ['member']);
    claims.role = user.role ?? roles[0] ?? 'member';
    claims.roles = roles;
    claims.permissions = user.permissions ?? [];
  }
  if (user.entitlements) claims.entitlements = user.entitlements;
  if (user.featureFlags) claims.feature_flags = user.featureFlags;

  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setSubject(user.id)
    .setJti(ulid())
    .setIssuedAt(now)
    .setExpirationTime(now + opts.accessTokenTtl)
    .sign(key);
}
