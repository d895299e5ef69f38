import { useEffect, useReducer } from 'react';
import { evaluateStepUp } from '../core/step-up.js';
import type { StepUpReason, StepUpRequirement } from '../core/types.js';
import { useAuthContext } from './context.js';

export interface StepUpStatus {
  satisfied: boolean;
  /** Seconds since the last interactive sign-in; `undefined` when unknown or signed out. */
  authAge: number | undefined;
  /** Empty when satisfied. */
  reasons: StepUpReason[];
  /** The provider has not finished its first read yet (don't flash a "confirm" prompt). */
  loading: boolean;
}

export interface StepUpStatusOptions {
  /** Also re-render every `tick` ms, for "verified N minutes ago" (default 30 000; 0 turns it off). */
  tick?: number;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Does the current session meet `requirement` right now? Re-renders by itself the moment
 * `maxAge` runs out, so a "confirmed" badge cannot outlive the freshness it claims.
 */
export function useStepUpStatus(requirement: StepUpRequirement, { tick = 30_000 }: StepUpStatusOptions = {}): StepUpStatus {
  const { auth, loading } = useAuthContext();
  const [version, rerender] = useReducer((n: number) => n + 1, 0);
  const result = evaluateStepUp(auth, requirement);
  const { maxAge } = requirement;
  const authTime = auth?.authTime;

  useEffect(() => {
    let delay = tick > 0 ? tick : Infinity;
    if (maxAge !== undefined && authTime !== undefined) {
      // Fresh while now - authTime <= maxAge: the first stale millisecond is one past the edge.
      const untilStale = (authTime + maxAge) * 1000 - Date.now() + 1;
      if (untilStale > 0) delay = Math.min(delay, untilStale);
    }
    if (delay === Infinity) return;
    const timer = setTimeout(rerender, Math.min(delay, MAX_TIMEOUT));
    return () => clearTimeout(timer);
  }, [authTime, maxAge, tick, version]);

  return { satisfied: result.satisfied, authAge: result.authAge, reasons: result.satisfied ? [] : result.reasons, loading };
}
