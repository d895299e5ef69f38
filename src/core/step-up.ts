import type { AuthInfo, StepUpReason, StepUpRequirement, StepUpResult } from './types.js';

// RFC 8176 method references grouped by factor class. Two different classes make a multi-factor
// authentication even when the provider does not add `mfa` itself.
const KNOWLEDGE = new Set(['pwd', 'pin', 'kba']);
const POSSESSION = new Set(['otp', 'sms', 'tel', 'hwk', 'swk', 'sc']);
const INHERENCE = new Set(['fpt', 'face', 'iris', 'retina', 'vbm']);

/** True when `amr` shows a multi-factor authentication (invariant 3). Fails closed on anything but a string array. */
export function hasMfa(amr: ReadonlyArray<string> | undefined | null): boolean {
  if (!Array.isArray(amr)) return false;
  if (amr.includes('mfa')) return true;
  let classes = 0;
  if (amr.some((m) => KNOWLEDGE.has(m))) classes++;
  if (amr.some((m) => POSSESSION.has(m))) classes++;
  if (amr.some((m) => INHERENCE.has(m))) classes++;
  return classes >= 2;
}

/**
 * How far in the future an `authTime` may lie (the provider's clock running ahead) and still count
 * as fresh. Beyond it, `now - authTime <= maxAge` would hold until that date: it counts as stale.
 */
export const MAX_AUTH_TIME_SKEW = 60;

/** Seconds since the last interactive authentication, or `undefined` when unknown. */
export function authAge(auth: Pick<AuthInfo, 'authTime'> | null | undefined, now: number = Date.now() / 1000): number | undefined {
  const authTime = auth?.authTime;
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return undefined;
  return Math.max(0, Math.floor(now - authTime));
}

/**
 * Does this session meet the requirement right now? Freshness is inclusive
 * (`now - authTime <= maxAge`); an unknown `authTime` is stale and unknown `amr` is not MFA.
 */
export function evaluateStepUp(
  auth: Pick<AuthInfo, 'authTime' | 'amr'> | null | undefined,
  requirement: StepUpRequirement,
  now: number = Date.now() / 1000,
): StepUpResult {
  if (!auth) return { satisfied: false, reasons: ['signed_out'], authAge: undefined };
  const age = authAge(auth, now);
  const reasons: StepUpReason[] = [];
  const authTime = auth.authTime as number;
  if (requirement.maxAge !== undefined && (age === undefined || !(now - authTime <= requirement.maxAge) || authTime - now > MAX_AUTH_TIME_SKEW)) {
    reasons.push('stale');
  }
  if (requirement.mfa && !hasMfa(auth.amr)) reasons.push('mfa_missing');
  return reasons.length === 0 ? { satisfied: true, authAge: age } : { satisfied: false, reasons, authAge: age };
}
