import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { toClientAuth, type ClientAuth } from '../core/client-auth.js';
import { AuthContext, type AuthContextValue } from './context.js';
import { discardPendingCalls, readResumeFragment, stripResumeFragment, sweepPendingCalls } from './pending-call.js';

export interface AuthKitProviderProps {
  children?: ReactNode;
  /** The session from the server component (`await getClientAuth()`): first paint without a loading state. */
  initialAuth?: ClientAuth | null;
  /** The `getClientAuth` server action: loads, re-reads and refreshes the session server-side. */
  getAuth?: () => Promise<ClientAuth | null>;
  /** Re-read this many seconds before the access token expires (default 20, inside the server's 30 s refresh window). */
  refreshBeforeExpiry?: number;
  /** Where `useAuth({ ensureSignedIn: true })` sends a signed-out user (this page is added as `returnTo`). */
  signInUrl?: string;
  /** Full-page navigation; defaults to `location.assign`. */
  navigate?: (url: string) => void;
}

const MAX_TIMEOUT = 2 ** 31 - 1;
const assign = (url: string): void => window.location.assign(url);
const ignore = (): void => {};

// The session-read action already returns no tokens, but `initialAuth={auth}` with a full
// `AuthInfo`, or a hand-written `getAuth`, must not put one into React state (SECURITY.md §8):
// the same allow-list as the server's.
const stripTokens = (auth: ClientAuth | null | undefined): ClientAuth | null => (auth ? toClientAuth(auth) : null);

export function AuthKitProvider({ children, initialAuth, getAuth, refreshBeforeExpiry = 20, signInUrl, navigate = assign }: AuthKitProviderProps) {
  const [auth, setAuth] = useState(() => stripTokens(initialAuth));
  const [loading, setLoading] = useState(initialAuth === undefined && !!getAuth);
  const latest = useRef({ auth, getAuth });
  const inflight = useRef<Promise<ClientAuth | null> | null>(null);

  useEffect(() => {
    latest.current = { auth, getAuth };
  });

  // A server re-render (router.refresh(), a revalidating action) hands us a newer session.
  const [seenInitial, setSeenInitial] = useState(initialAuth);
  if (initialAuth !== seenInitial) {
    setSeenInitial(initialAuth);
    if (initialAuth !== undefined) setAuth(stripTokens(initialAuth));
  }

  // Single-flight: focus and visibilitychange fire together, and each read is a server round trip.
  const refreshAuth = useCallback((): Promise<ClientAuth | null> => {
    const read = latest.current.getAuth;
    if (!read) return Promise.resolve(latest.current.auth);
    return (inflight.current ??= read()
      .then((next) => {
        const clean = stripTokens(next);
        latest.current.auth = clean;
        setAuth(clean);
        return clean;
      })
      .finally(() => {
        inflight.current = null;
        setLoading(false);
      }));
  }, []);

  const hasGetAuth = !!getAuth;
  useEffect(() => {
    if (!hasGetAuth) return;
    if (loading) refreshAuth().catch(ignore);
    const reread = () => {
      if (document.visibilityState !== 'hidden') refreshAuth().catch(ignore);
    };
    window.addEventListener('focus', reread);
    document.addEventListener('visibilitychange', reread);
    return () => {
      window.removeEventListener('focus', reread);
      document.removeEventListener('visibilitychange', reread);
    };
  }, [hasGetAuth, loading, refreshAuth]);

  // Keyed on the object, not expiresAt: a read that returned the same token must reschedule. The
  // server refreshes only inside its own buffer, so an early read may change nothing — halving the
  // wait (never below 5 s) converges on that buffer instead of spinning.
  useEffect(() => {
    if (!hasGetAuth || !auth) return;
    const remaining = auth.expiresAt * 1000 - Date.now();
    const delay = Math.max(remaining - refreshBeforeExpiry * 1000, remaining / 2, 5_000);
    const timer = setTimeout(() => {
      // A hidden tab catches up on visibilitychange instead.
      if (document.visibilityState !== 'hidden') refreshAuth().catch(ignore);
    }, Math.min(delay, MAX_TIMEOUT));
    return () => clearTimeout(timer);
  }, [auth, hasGetAuth, refreshBeforeExpiry, refreshAuth]);

  // Calls stored by `useStepUp` for after a redirect step-up (SECURITY.md §12). Only a
  // page load that comes back from an accepted step-up carries `#authkit-resume=<id>`: the id stays
  // in memory for the hooks and leaves the URL. A page load without it is a cancel, a rejection,
  // or anything else: no stored call can be meant for it. What is left expires on a timer.
  const [resume] = useState(readResumeFragment);
  useEffect(() => {
    if (!resume) discardPendingCalls();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sweep = (): void => {
      const next = sweepPendingCalls();
      if (next !== undefined) timer = setTimeout(sweep, next + 1);
    };
    sweep();
    // A tick later, so that Next's router has patched history.replaceState (in its own effect,
    // which runs after ours) and adopts the URL without the fragment.
    const strip = resume ? setTimeout(stripResumeFragment) : undefined;
    return () => {
      clearTimeout(timer);
      clearTimeout(strip);
    };
  }, [resume]);

  // Signed out, or another user or session in this tab: nothing stored belongs to it any more.
  const owner = auth && auth.user.id + ' ' + auth.sessionId;
  const seenOwner = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (loading || seenOwner.current === owner) return;
    if (!owner || seenOwner.current !== undefined) discardPendingCalls();
    seenOwner.current = owner;
  }, [loading, owner]);

  const value = useMemo<AuthContextValue>(
    () => ({ auth, loading, refreshAuth, signInUrl, navigate, resume }),
    [auth, loading, refreshAuth, signInUrl, navigate, resume],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
