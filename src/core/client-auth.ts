import type { AuthInfo } from './types.js';

/** What client components may see: `AuthInfo` without the access token or raw claims (invariant 8). */
export type ClientAuth = Omit<AuthInfo, 'accessToken' | 'claims'>;

export function toClientAuth(auth: AuthInfo): ClientAuth {
  const { accessToken: _accessToken, claims: _claims, ...rest } = auth;
  return { ...rest, amr: rest.amr ? [...rest.amr] : undefined };
}
