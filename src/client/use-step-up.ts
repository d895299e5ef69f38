import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { isStepUpRequired } from '../core/marker.js';
import { evaluateStepUp } from '../core/step-up.js';
import { useAuthContext } from './context.js';
import { savePendingCall, takePendingCall } from './pending-call.js';
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
   * the call (JSON-serialisable arguments, or FormData with text fields) waits in sessionStorage.
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
// The page is being replaced; settling would only flash a state nobody will see.
const leaving = new Promise<never>(ignore);

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
  const { auth, loading, refreshAuth, navigate } = useAuthContext();
  const [calls, setCalls] = useState(0);
  const [error, setError] = useState<Error | null>(null);
  const [result, setResult] = useState<R>();
  const latest = useRef({ action, mode, id, refreshAuth, navigate });
  const resumeChecked = useRef(false);

  useLayoutEffect(() => {
    latest.current = { action, mode, id, refreshAuth, navigate };
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
        const { action, mode, id, refreshAuth, navigate } = latest.current;
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

        const url = withReturnTo(first.startUrl);
        if (!url) throw new StepUpError('step_up_required', first.message);
        if (id) savePendingCall(id, args, first.requirement);
        navigate(url);
        return leaving;
      }),
    [track],
  );

  // Back from a redirect step-up: resume the stored call once, and only if the step-up took.
  // The record is removed before anything else, so a cancel, a reload or StrictMode's second
  // effect run can never replay it. Checked once per mount: a re-read while this page is on its
  // way out must not consume the record it just stored.
  useEffect(() => {
    if (loading || !id || resumeChecked.current) return;
    resumeChecked.current = true;
    const pending = takePendingCall(id);
    if (!pending || !evaluateStepUp(auth, pending.requirement).satisfied) return;
    track(() => Promise.resolve(latest.current.action(...(pending.args as A))) as Promise<R>).catch(ignore);
  }, [auth, id, loading, track]);

  return { run, pending: calls > 0, error, result };
}
