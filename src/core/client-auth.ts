import type { AuthInfo } from './types.js';

/**
 * The fields of `AuthInfo` a client component may see (SECURITY.md §8). An allow-list: a field
 * added to `AuthInfo` stays on the server until it is added here.
 */
const CLIENT_FIELDS = [
  'user',
  'sessionId',
  'organizationId',
  'role',
  'roles',
  'permissions',
  'entitlements',
  'featureFlags',
  'impersonator',
  'amr',
  'authTime',
  'authenticationMethod',
  'expiresAt',
] as const satisfies ReadonlyArray<keyof AuthInfo>;

/** What client components may see: `AuthInfo` without the access token or raw claims. */
export type ClientAuth = Pick<AuthInfo, (typeof CLIENT_FIELDS)[number]>;

/** Copies only the allowed fields, whatever else the object carries (a token, a custom field). */
export function toClientAuth(auth: ClientAuth): ClientAuth {
  const out: Record<string, unknown> = {};
  for (const key of CLIENT_FIELDS) if (key in auth) out[key] = key === 'amr' && auth.amr ? [...auth.amr] : auth[key];
  return out as unknown as ClientAuth;
}
