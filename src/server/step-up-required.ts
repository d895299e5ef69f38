import 'server-only';
import { stepUpRequired as marker, type StepUpRequired } from '../core/marker.js';
import type { StepUpRequirement } from '../core/types.js';
import { internalKit } from './instance.js';

/**
 * Return this from a server action that needs a fresher sign-in: `useStepUp` runs the step-up
 * (redirect or popup) through `startUrl` and calls the action again once confirmed.
 *
 * ```ts
 * const check = await checkStepUp({ maxAge: 300 });
 * if (!check.satisfied) return stepUpRequired({ maxAge: 300 });
 * ```
 */
export function stepUpRequired(requirement: StepUpRequirement = {}, message?: string): StepUpRequired {
  return { ...marker(requirement, message), startUrl: internalKit().authRoutePath('step-up', requirement) };
}
