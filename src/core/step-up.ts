import type { AuthInfo, StepUpReason, StepUpRequirement, StepUpResult } from './types.js';

// RFC 8176 method references grouped by factor class. Two different classes make a multi-factor
// authentication even when the provider does not add `mfa` itself.
const KNOWLEDGE = new Set(['pwd', 'pin', 'kba']);
const POSSESSION = new Set(['otp', 'sms', 'tel', 'hwk', 'swk', 'sc']);
const INHERENCE = new Set(['fpt', 'face', 'iris', 'retina', 'vbm']);

/** True when `amr` shows a multi-factor authentication (SECURITY.md §3). Fails closed on anything but a string array. */
export function hasMfa(amr: ReadonlyArray<string> | undefined | null): boolean {
  if (!Array.isArray(amr)) return false;
  if (amr.includes('mfa')) return true;
  let classes = 0;
  if (amr.some((m) => KNOWLEDGE.has(m))) classes++;
  if (amr.some((m) => POSSESSION.has(m))) classes++;
  if (amr.some((m) => INHERENCE.has(m))) classes++;
  return classes >= 2;
}

/** The default `clockTolerance` (seconds), for callers that have no configuration (client components). */
export const DEFAULT_CLOCK_TOLERANCE = 5;

/**
 * SECURITY.md §14, the one rule for an `auth_time` ahead of our clock: a provider clock up to
 * `clockTolerance` fast is fine; anything later proves nothing (`now - authTime <= maxAge` would
 * hold until that date). Used at sign-in, at the step-up callback and by `evaluateStepUp`.
 */
export function authTimeInFuture(authTime: number, now: number, clockTolerance: number): boolean {
  return authTime > now + clockTolerance;
}

/**
 * The one rule for "this `auth_time` is fresh enough" (SECURITY.md §3, §14): known, at most
 * `maxAge` seconds (plus `slack`) before `since`, and not more than `clockTolerance` after `now`.
 * `evaluateStepUp` measures from now; the step-up callback from when the step-up began.
 */
export function isFresh(
  authTime: number | undefined,
  maxAge: number,
  { since, now, clockTolerance, slack = 0 }: { since: number; now: number; clockTolerance: number; slack?: number },
): boolean {
  // Number.isFinite is false for anything but a finite number (no coercion).
  return Number.isFinite(authTime) && since - authTime! <= maxAge + slack && !authTimeInFuture(authTime!, now, clockTolerance);
}

/** Seconds since the last interactive authentication, or `undefined` when unknown. */
export function authAge(auth: Pick<AuthInfo, 'authTime'> | null | undefined, now: number = Date.now() / 1000): number | undefined {
  const authTime = auth?.authTime;
  return Number.isFinite(authTime) ? Math.max(0, Math.floor(now - authTime!)) : undefined;
}

/**
 * Does this session meet the requirement right now? Freshness is inclusive
 * (`now - authTime <= maxAge`); an unknown `authTime` is stale, so is one more than
 * `clockTolerance` in the future, and unknown `amr` is not MFA.
 */
export function evaluateStepUp(
  auth: Pick<AuthInfo, 'authTime' | 'amr'> | null | undefined,
  requirement: StepUpRequirement,
  now: number = Date.now() / 1000,
  { clockTolerance = DEFAULT_CLOCK_TOLERANCE }: { clockTolerance?: number } = {},
): StepUpResult {
  if (!auth) return { satisfied: false, reasons: ['signed_out'], authAge: undefined };
  const age = authAge(auth, now);
  const reasons: StepUpReason[] = [];
  if (requirement.maxAge !== undefined && !isFresh(auth.authTime, requirement.maxAge, { since: now, now, clockTolerance })) reasons.push('stale');
  if (requirement.mfa && !hasMfa(auth.amr)) reasons.push('mfa_missing');
  return reasons.length === 0 ? { satisfied: true, authAge: age } : { satisfied: false, reasons, authAge: age };
}
