import { safeReturnTo } from './return-to.js';
import type { StepUpRequirement } from './types.js';

/** What starting a step-up takes beyond the requirement. */
export interface StepUpOptions extends StepUpRequirement {
  returnTo?: string;
  /** Answer the opener window instead of redirecting (client `useStepUp` popup mode). */
  popup?: boolean;
  /**
   * The client's one-time id for a call it stored (SECURITY.md §12). Sealed in the transaction and
   * echoed as `#authkit-resume=<id>` only when the step-up is accepted.
   */
  resume?: string;
}

export const RESUME_ID = /^[A-Za-z0-9_-]{22,128}$/;

const yes = (value: unknown): boolean => value === true || value === '1' || value === 'true' || value === 'on';

/**
 * The one reader of step-up parameters, whatever carries them: the auth route's query string, a
 * form posted to the `stepUp` action, or the object the action is called with. Untrusted input:
 * anything malformed is left out, never guessed.
 */
export function readStepUpParams(input: URLSearchParams | FormData | object | null | undefined): StepUpOptions {
  const get = (key: string): unknown => {
    if (input instanceof URLSearchParams || input instanceof FormData) return input.get(key) ?? undefined;
    return input && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  };
  const options: StepUpOptions = {};
  const rawMaxAge = get('maxAge');
  const maxAge = typeof rawMaxAge === 'number' ? rawMaxAge : typeof rawMaxAge === 'string' && rawMaxAge.trim() !== '' ? Number(rawMaxAge) : NaN;
  if (Number.isFinite(maxAge) && maxAge >= 0) options.maxAge = Math.floor(maxAge);
  if (yes(get('mfa'))) options.mfa = true;
  const returnTo = get('returnTo');
  if (typeof returnTo === 'string' && returnTo) options.returnTo = safeReturnTo(returnTo);
  if (yes(get('popup'))) options.popup = true;
  const resume = get('resume');
  if (typeof resume === 'string' && RESUME_ID.test(resume)) options.resume = resume;
  return options;
}

/** `returnTo` carrying the resume id back to the page that stored the call. */
export function withResume(returnTo: string, resume: string | undefined): string {
  if (!resume) return returnTo;
  return `${returnTo.split('#', 1)[0]}#authkit-resume=${resume}`;
}
