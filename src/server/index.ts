import 'server-only';

export { withAuth, getSession, getSignInUrl } from './with-auth.js';
export type { WithAuthOptions } from './with-auth.js';
export { stepUp, signIn, signOut, getClientAuth } from './actions.js';
export { requireStepUp, checkStepUp, guardApiRoute, type StepUpCheck } from './guards.js';
export { handleAuth } from './handle-auth.js';
export { configureAuthKit, getAuthKit } from './instance.js';
export { stepUpRequired } from './step-up-required.js';
export { stepUpChallenge } from '../core/challenge.js';
export type { StepUpRequired } from '../core/marker.js';
export { toClientAuth } from '../core/client-auth.js';
export type { ClientAuth } from '../core/client-auth.js';
export type { AuthInfo, NoAuthInfo, StepUpRequirement, StepUpResult, User } from '../core/types.js';
export type { StepUpEvent, StepUpRejection } from '../core/callback.js';
export type { CallbackHooks } from '../core/authkit.js';
