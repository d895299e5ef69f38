import type { CallbackErrorCode } from './errors.js';
import { authTimeInFuture, hasMfa, isFresh } from './step-up.js';
import type { StepUpTransaction, Transaction } from './transaction.js';
import type { AuthInfo } from './types.js';

/** What a rejected step failed on, for the audit trail: `auth_time` came back as X, needed ≥ Y. */
export interface RejectionDetail {
  claim: 'sub' | 'auth_time' | 'amr';
  observed: unknown;
  required: unknown;
}

export interface Rejection {
  code: CallbackErrorCode;
  message: string;
  status: number;
  detail?: RejectionDetail;
}

/**
 * The checks a verified token must pass before it becomes the session (SECURITY.md §5), in the
 * order the callback runs them. Each returns the rejection, or `undefined` to go on.
 */

export function checkSameUser(tx: Transaction, auth: AuthInfo): Rejection | undefined {
  if (tx.kind !== 'step-up' || auth.user.id === tx.sub) return undefined;
  return {
    code: 'step_up_user_mismatch',
    message: 'You confirmed as a different account than the one signed in. Your session is unchanged; confirm with the same account.',
    status: 403,
    detail: { claim: 'sub', observed: auth.user.id, required: tx.sub },
  };
}

/** SECURITY.md §14: a future auth_time proves nothing, at sign-in as at a step-up (and would loop). */
export function checkAuthTimeNotAhead(auth: AuthInfo, now: number, clockTolerance: number): Rejection | undefined {
  if (auth.authTime === undefined || !authTimeInFuture(auth.authTime, now, clockTolerance)) return undefined;
  return {
    code: 'invalid_token',
    message: 'The identity provider returned an auth_time in the future (check its clock, or raise clockTolerance). Your session is unchanged.',
    status: 400,
    detail: { claim: 'auth_time', observed: auth.authTime, required: `<= ${Math.floor(now) + clockTolerance}` },
  };
}

/**
 * An IdP that ignored `max_age` hands back an old `auth_time` (OIDC Core 3.1.3.7). Measured from
 * when the step-up began, with `clockTolerance` of slack for the provider's clock.
 */
export function checkFreshness(tx: Transaction, auth: AuthInfo, now: number, clockTolerance: number): Rejection | undefined {
  if (tx.kind !== 'step-up') return undefined;
  if (isFresh(auth.authTime, tx.maxAge, { since: tx.startedAt, now, clockTolerance, slack: clockTolerance })) return undefined;
  return {
    code: 'step_up_stale',
    message: 'The identity provider did not re-authenticate you (its auth_time is missing or older than requested). Your session is unchanged; try again.',
    status: 403,
    detail: { claim: 'auth_time', observed: auth.authTime, required: `>= ${oldestAccepted(tx, clockTolerance)}` },
  };
}

export function checkMfa(tx: Transaction, auth: AuthInfo): Rejection | undefined {
  if (tx.kind !== 'step-up' || !tx.mfa || hasMfa(auth.amr)) return undefined;
  return {
    code: 'step_up_mfa_missing',
    message: 'This action needs multi-factor authentication, and the sign-in did not use it. Set up an authenticator app with your identity provider, then try again.',
    status: 403,
    detail: { claim: 'amr', observed: auth.amr, required: 'mfa, or two factor classes (RFC 8176)' },
  };
}

const oldestAccepted = (tx: StepUpTransaction, clockTolerance: number): number => tx.startedAt - tx.maxAge - clockTolerance;
