import { useEffect } from 'react';
import type { ClientAuth } from '../core/client-auth.js';
import { useAuthContext } from './context.js';
import { withReturnTo } from './return-to.js';

interface AuthControls {
  /** Re-reads the session through `getAuth` (refreshing an expiring token server-side). */
  refreshAuth: () => Promise<ClientAuth | null>;
}

export type SignedInState = ClientAuth & AuthControls & { loading: false };
export type SignedOutState = { [K in Exclude<keyof ClientAuth, 'user'>]?: undefined } & AuthControls & { user: null };

export type UseAuthResult = SignedInState | (SignedOutState & { loading: boolean });
/** With `ensureSignedIn`, `user` is non-null whenever `loading` is false. */
export type UseAuthEnsuredResult = SignedInState | (SignedOutState & { loading: true });

export interface UseAuthOptions {
  /**
   * Treat "signed out" as "still loading" and, when the provider has a `signInUrl`, go there
   * (with this page as `returnTo`). Without `signInUrl` it stays `loading: true`: the server
   * (`withAuth({ ensureSignedIn: true })`) is the place that decides where to sign in.
   */
  ensureSignedIn?: boolean;
}

export function useAuth(options: UseAuthOptions & { ensureSignedIn: true }): UseAuthEnsuredResult;
export function useAuth(options?: UseAuthOptions): UseAuthResult;
export function useAuth({ ensureSignedIn = false }: UseAuthOptions = {}): UseAuthResult {
  const { auth, loading, refreshAuth, signInUrl, navigate } = useAuthContext();
  const leaving = ensureSignedIn && !loading && !auth;

  useEffect(() => {
    const url = leaving ? withReturnTo(signInUrl) : null;
    if (url) navigate(url);
  }, [leaving, signInUrl, navigate]);

  return auth ? { ...auth, loading: false, refreshAuth } : { user: null, loading: loading || leaving, refreshAuth };
}
