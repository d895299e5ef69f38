import 'server-only';
import { stepUpRequired as marker, type StepUpRequired } from '../core/marker.js';
import type { StepUpRequirement } from '../core/types.js';
import { getAuthKit } from './instance.js';

/**
 * Return this from a server action that needs a fresher sign-in: `useStepUp` runs the step-up
 * (redirect or popup) through `startUrl` and calls the action again once confirmed.
 *
 * ```ts
 * const { auth, result } = await checkStepUp({ maxAge: 300 });
 * if (!result.satisfied) return stepUpRequired({ maxAge: 300 });
 * ```
 */
export function stepUpRequired(requirement: StepUpRequirement = {}, message?: string): StepUpRequired {
  return { ...marker(requirement, message), startUrl: getAuthKit().authRoutePath('step-up', requirement) };
}
