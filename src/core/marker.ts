import type { StepUpRequirement } from './types.js';

// No runtime imports: the client bundle includes this file.

/**
 * What a server action returns when the caller must step up first. Plain JSON, so it crosses the
 * server-action boundary; `useStepUp` recognises it, runs the step-up and retries the action.
 */
export interface StepUpRequired {
  stepUpRequired: true;
  code: 'step_up_required';
  requirement: StepUpRequirement;
  message: string;
  /** Same-origin path that starts the step-up (the client adds `returnTo` and `popup`). */
  startUrl?: string;
}

export function stepUpRequired(requirement: StepUpRequirement = {}, message?: string): StepUpRequired {
  const clean: StepUpRequirement = {};
  if (requirement.maxAge !== undefined) clean.maxAge = requirement.maxAge;
  if (requirement.mfa) clean.mfa = true;
  return {
    stepUpRequired: true,
    code: 'step_up_required',
    requirement: clean,
    message: message ?? describeRequirement(clean),
  };
}

export function isStepUpRequired(value: unknown): value is StepUpRequired {
  return !!value && typeof value === 'object' && (value as StepUpRequired).stepUpRequired === true && (value as StepUpRequired).code === 'step_up_required';
}

export function describeRequirement(requirement: StepUpRequirement): string {
  const parts: string[] = [];
  if (requirement.mfa) parts.push('a multi-factor sign-in');
  if (requirement.maxAge !== undefined) {
    parts.push(requirement.maxAge === 0 ? 'a sign-in right now' : `a sign-in within the last ${formatSeconds(requirement.maxAge)}`);
  }
  return parts.length === 0 ? 'Confirm it is you to continue.' : `This action needs ${parts.join(' and ')}. Confirm it is you to continue.`;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
