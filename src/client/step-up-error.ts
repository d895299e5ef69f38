import type { CallbackErrorCode } from '../core/errors.js';

/**
 * `step_up_cancelled` (the popup was closed, or the browser came back from the provider without
 * finishing), `step_up_required` (the action asked for a step-up but gave no usable `startUrl`), or
 * the callback's own code when it rejected the provider's answer (e.g. `step_up_user_mismatch`).
 */
export type StepUpErrorCode = CallbackErrorCode | 'provider_unavailable' | 'step_up_required';

/** Why a step-up did not lead to a retry. `code` is stable: safe to switch on, log and show. */
export class StepUpError extends Error {
  override readonly name = 'StepUpError';
  readonly code: StepUpErrorCode;

  constructor(code: StepUpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
