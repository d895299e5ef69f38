'use client';

export { AuthKitProvider } from './provider.js';
export type { AuthKitProviderProps } from './provider.js';
export { useAuth } from './use-auth.js';
export type { UseAuthOptions, UseAuthResult, UseAuthEnsuredResult, SignedInState, SignedOutState } from './use-auth.js';
export { useStepUp } from './use-step-up.js';
export type { UseStepUpOptions, UseStepUpResult } from './use-step-up.js';
export { useStepUpStatus } from './use-step-up-status.js';
export type { StepUpStatus, StepUpStatusOptions } from './use-step-up-status.js';
export { StepUpButton } from './step-up-button.js';
export type { StepUpButtonProps } from './step-up-button.js';
export { StepUpError } from './step-up-error.js';
export type { StepUpErrorCode } from './step-up-error.js';
export { isStepUpRequired } from '../core/marker.js';
export type { StepUpRequired } from '../core/marker.js';
export type { ClientAuth } from '../core/client-auth.js';
export type { StepUpReason, StepUpRequirement, User } from '../core/types.js';
