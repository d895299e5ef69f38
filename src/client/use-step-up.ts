import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { isStepUpRequired } from '../core/marker.js';
import { useAuthContext } from './context.js';
import { claimPendingCall, discardPendingCalls, savePendingCall } from './pending-call.js';
import { openPopup, popupResult } from './popup.js';
import { withReturnTo } from './return-to.js';
import { StepUpError } from './step-up-error.js';

export interface UseStepUpOptions {
  /**
   * `redirect` (default) leaves the page for the provider and comes back; `popup` keeps the page
   * (a half-filled form survives) and falls back to `redirect` when the browser blocks the window.
   */
  mode?: 'redirect' | 'popup';
  /**
   * A key for this call site, stable across page loads. Needed for the retry after a redirect:
   * the call (JSON-serialisable arguments, or FormData with text fields) waits in sessionStorage,
   * encrypted, and resumes only on the return from the step-up it started, for the same user and
   * session (see docs/client.md).
   */
  id?: string;
}

export interface UseStepUpResult<A extends unknown[], R> {
  /** Calls the action; on a `stepUpRequired` result, steps up and calls it once more. */
  run: (...args: A) => Promise<R>;
  pending: boolean;
  /** The last call's failure: a `StepUpError` for the step-up itself, else what the action threw. */
  error: Error | null;
  /** The last call's result, including a call resumed after a redirect (which has no caller). */
  result: R | undefined;
}

const ignore = (): void => {};

/**
 * The page is being replaced: settling would only flash a state nobody will see. But a Back from
 * the provider may restore this very page from the back/forward cache, with no mount to notice:
 * that is a cancel, so the stored call goes and `run` settles as one.
 */
function leaving(hook: string | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const back = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      removeEventListener('pageshow', back);
      if (hook) discardPendingCalls(hook);
      reject(new StepUpError('step_up_cancelled', 'The step-up was not completed.'));
    };
    addEventListener('pageshow', back);
  });
}

/**
 * Wraps a server action that may answer `stepUpRequired(...)`: runs the step-up, then calls the
 * action exactly once more with the same arguments. A second `stepUpRequired` is returned as is.
 */
export function useStepUp<F extends (...args: never[]) => unknown>(
  action: F,
  { mode = 'redirect', id }: UseStepUpOptions = {},
): UseStepUpResult<Parameters<F>, Awaited<ReturnType<F>>> {
  type A = Parameters<F>;
  type R = Awaited<ReturnType<F>>;
  const { auth, loading, refreshAuth, navigate, resume } = useAuthContext();
  const [calls, setCalls] = useState(0);
  const [error, setError] = useState<Error | null>(null);
  const [result, setResult] = useState<R>();
  const latest = useRef({ action, mode, id, auth, refreshAuth, navigate });
  const resumeChecked = useRef(false);

  useLayoutEffect(() => {
    latest.current = { action, mode, id, auth, refreshAuth, navigate };
  });

  const track = useCallback(async (work: () => Promise<R>): Promise<R> => {
    setCalls((n) => n + 1);
    setError(null);
    try {
      const value = await work();
      setResult(() => value);
      return value;
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      throw e;
    } finally {
      setCalls((n) => n - 1);
    }
  }, []);

  const run = useCallback(
    (...args: A) =>
      track(async (): Promise<R> => {
        const { action, mode, id, auth, refreshAuth, navigate } = latest.current;
        const call = (): Promise<R> => Promise.resolve(action(...args)) as Promise<R>;
        const first = await call();
        if (!isStepUpRequired(first)) return first;

        if (mode === 'popup') {
          const url = withReturnTo(first.startUrl, true);
          const popup = url ? openPopup(url) : null;
          if (popup) {
            await popupResult(popup);
            // A failed re-read must not cost the user the action they just confirmed.
            await refreshAuth().catch(ignore);
            return call();
          }
        }

        if (!withReturnTo(first.startUrl)) throw new StepUpError('step_up_required', first.message);
        // This page is leaving: a late mount check must not discard the record it is storing.
        resumeChecked.current = true;
        // Only a signed-in call is stored, bound to its user and session; the one-time id rides
        // on the start URL and comes back in the fragment only if the server accepts the step-up.
        const resumeId = id && auth ? await savePendingCall(id, args, first.requirement, auth) : null;
        navigate(withReturnTo(first.startUrl, false, resumeId) as string);
        return leaving(id);
      }),
    [track],
  );

  // Back from a redirect step-up: resume the stored call once, only if this page load carries the
  // id of the step-up it started (the provider took it out of the URL) and the session is the one
  // that made the call. The record is removed before it is decrypted, so a reload, a second
  // instance or StrictMode's second effect run can never replay it; without a matching id this
  // hook's records are discarded. Checked once per mount, after the first session read.
  useEffect(() => {
    if (loading || !id || resumeChecked.current) return;
    resumeChecked.current = true;
    void claimPendingCall(id, resume, auth).then((args) => {
      if (args) track(() => Promise.resolve(latest.current.action(...(args as A))) as Promise<R>).catch(ignore);
    });
  }, [auth, id, loading, resume, track]);

  return { run, pending: calls > 0, error, result };
}
