import { createContext, useContext } from 'react';
import type { ClientAuth } from '../core/client-auth.js';
import type { ResumeTicket } from './pending-call.js';

export interface AuthContextValue {
  auth: ClientAuth | null;
  /** True only until the first read completes; background re-reads never flip it back. */
  loading: boolean;
  refreshAuth: () => Promise<ClientAuth | null>;
  signInUrl: string | undefined;
  navigate: (url: string) => void;
  /** The resume id this page load arrived with (`#authkit-resume=`, already taken out of the URL). */
  resume: ResumeTicket | null;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('authkit-stepup: wrap your app in <AuthKitProvider>.');
  return value;
}
