import type { JWTPayload } from 'jose';
import type { AuthInfo, Session } from './types.js';

/** SECURITY.md §2: only an array of strings is an `amr`. */
export function readAmr(value: unknown): ReadonlyArray<string> | undefined {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  return Object.freeze([...value]);
}

/**
 * SECURITY.md §2: only a finite number is an `auth_time`; `0` or below (1970, a provider's
 * placeholder) is no authentication time at all.
 */
export function readAuthTime(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/**
 * Builds `AuthInfo` from a verified access token and the sealed session. `amr`/`auth_time` come
 * from the access token when it carries them, else from the ID-token claims kept in the session.
 */
export function toAuthInfo(session: Session, claims: JWTPayload): AuthInfo {
  const c = claims as Record<string, unknown>;
  const amr = readAmr(c.amr) ?? readAmr(session.idClaims?.amr);
  const authTime = readAuthTime(c.auth_time) ?? readAuthTime(session.idClaims?.auth_time);
  const info: AuthInfo = {
    user: session.user,
    sessionId: str(c.sid) ?? str(session.idClaims?.sid) ?? '',
    amr,
    authTime,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
    accessToken: session.accessToken,
    claims,
  };
  const organizationId = str(c.org_id);
  if (organizationId !== undefined) info.organizationId = organizationId;
  const role = str(c.role);
  if (role !== undefined) info.role = role;
  const roles = strings(c.roles);
  if (roles) info.roles = roles;
  const permissions = strings(c.permissions);
  if (permissions) info.permissions = permissions;
  const entitlements = strings(c.entitlements);
  if (entitlements) info.entitlements = entitlements;
  const featureFlags = strings(c.feature_flags);
  if (featureFlags) info.featureFlags = featureFlags;
  if (session.impersonator) info.impersonator = session.impersonator;
  if (session.authenticationMethod) info.authenticationMethod = session.authenticationMethod;
  return info;
}
