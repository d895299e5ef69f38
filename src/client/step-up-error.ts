/**
 * Why a step-up did not lead to a retry. `code` is stable: `step_up_cancelled` (the popup was
 * closed), `step_up_required` (the action asked for a step-up but gave no usable `startUrl`), or
 * the callback's own code (e.g. `step_up_user_mismatch`) when the provider's answer was rejected.
 */
export class StepUpError extends Error {
  override readonly name = 'StepUpError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
