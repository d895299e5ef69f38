import { toAuthInfo } from './claims.js';
import { homePath, type ResolvedConfig } from './config.js';
import { CallbackError, ProviderError } from './errors.js';
import type { Provider } from './providers/types.js';
import { MAX_SESSION_SEAL } from './session-cookie.js';
import { MAX_TOKEN_LENGTH } from './verify.js';
import type { SessionStore } from './session-store.js';
import { checkAuthTimeNotAhead, checkFreshness, checkMfa, checkSameUser, type RejectionDetail } from './callback-checks.js';
import { stepUpEvent, type StepUpEvent } from './step-up-event.js';
import { deleteTransactionCookie, readTransaction, type Transaction } from './transaction.js';
import type { AuthInfo, CookieToSet, StepUpRequirement } from './types.js';

export { requirementOf, type StepUpEvent } from './step-up-event.js';

/** What `onStepUpRejected` receives. `userId` is who started the step-up. */
export interface StepUpRejection {
  code: CallbackError['code'];
  message: string;
  /** The claim that failed, what came back and what was required (`step_up_stale`, `…_mfa_missing`, `…_user_mismatch`). */
  detail?: RejectionDetail;
  userId?: string;
  sessionId?: string;
  returnTo: string;
  requirement: StepUpRequirement;
}

export type CallbackOutcome =
  | { ok: true; auth: AuthInfo; cookies: CookieToSet[]; returnTo: string; transaction: Transaction; stepUp?: StepUpEvent }
  | { ok: false; error: CallbackError; cookies: CookieToSet[]; returnTo: string; transaction?: Transaction };

/**
 * SECURITY.md §5: the callback either reseals a session it fully checked, or rejects with a stable
 * code and touches nothing but the (consumed) transaction cookie.
 */
export async function completeCallback(
  config: ResolvedConfig,
  provider: Provider,
  store: SessionStore,
  url: URL,
  cookies: Map<string, string>,
): Promise<CallbackOutcome> {
  const state = url.searchParams.get('state');
  const lookup = await readTransaction(config, cookies, state);
  if (!lookup.ok) {
    const cleanup = state && lookup.code === 'transaction_expired' ? [deleteTransactionCookie(config, state)] : [];
    return { ok: false, error: lookupError(lookup.code), cookies: cleanup, returnTo: homePath(config) };
  }
  const tx = lookup.transaction;
  const cleanup = [deleteTransactionCookie(config, tx.state)];
  const reject = (code: CallbackError['code'], message: string, status = 403, detail?: RejectionDetail): CallbackOutcome => ({
    ok: false,
    error: new CallbackError(code, message, { status, ...(detail ? { detail } : {}) }),
    cookies: cleanup,
    returnTo: tx.returnTo,
    transaction: tx,
  });

  const providerError = url.searchParams.get('error');
  if (providerError) {
    const description = url.searchParams.get('error_description');
    const detail = `${providerError}${description ? `: ${description.slice(0, 200)}` : ''}`;
    if (tx.kind === 'step-up' && providerError === 'access_denied') {
      return reject('step_up_cancelled', `The confirmation was cancelled (${detail}). Your session is unchanged; try again when you are ready.`, 400);
    }
    return reject('provider_error', `The identity provider answered with an error (${detail}). Your session is unchanged.`, 400);
  }
  const code = url.searchParams.get('code');
  if (!code) return reject('missing_code', 'The callback carried no authorization code. Start the sign-in again.', 400);

  let tokens;
  try {
    tokens = await provider.exchangeCode({ callbackUrl: url, code, codeVerifier: tx.codeVerifier, state: tx.state, nonce: tx.nonce, ...(tx.kind === 'step-up' ? { maxAge: tx.maxAge } : {}) });
  } catch (error) {
    const transient = error instanceof ProviderError && error.transient;
    const reason = error instanceof Error ? error.message : String(error);
    return reject('code_exchange_failed', `The sign-in code could not be exchanged for tokens (${reason}). Start again.`, transient ? 502 : 400);
  }

  const tooLarge = (bytes: number) =>
    reject('session_too_large', `Your sign-in produced a session of ${Math.ceil(bytes / 1024)} KB, more than browsers and servers accept in cookies. Your session is unchanged. Ask your administrator to trim the roles, permissions, entitlements or feature flags in the access token.`, 400);
  if (tokens.accessToken.length > MAX_TOKEN_LENGTH) return tooLarge(tokens.accessToken.length);

  const verdict = await provider.verifyAccessToken(tokens.accessToken);
  if (!verdict.ok || verdict.payload.sub !== tokens.user.id) {
    return reject('invalid_token', 'The identity provider returned an access token that failed verification (signature, issuer, audience, expiry or subject).', 400);
  }
  const session = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, user: tokens.user, ...(tokens.idClaims ? { idClaims: tokens.idClaims } : {}) };
  const auth = toAuthInfo(session, verdict.payload);

  const now = Date.now() / 1000;
  const rejection =
    checkSameUser(tx, auth) ?? checkAuthTimeNotAhead(auth, now, config.clockTolerance) ?? checkFreshness(tx, auth, now, config.clockTolerance) ?? checkMfa(tx, auth);
  if (rejection) return reject(rejection.code, rejection.message, rejection.status, rejection.detail);

  const written = await store.write(tokens, cookies);
  if (written.seal.length > MAX_SESSION_SEAL) return tooLarge(written.seal.length);
  const finalAuth = toAuthInfo(written.session, verdict.payload);
  store.cache.set(written.seal, Object.freeze(finalAuth));
  const outcome: CallbackOutcome = { ok: true, auth: finalAuth, cookies: [...written.cookies, ...cleanup], returnTo: tx.returnTo, transaction: tx };
  if (tx.kind === 'step-up') outcome.stepUp = await stepUpEvent(provider, config, tx, finalAuth, cookies);
  return outcome;
}


function lookupError(code: 'missing_state' | 'unknown_state' | 'transaction_expired'): CallbackError {
  switch (code) {
    case 'missing_state':
      return new CallbackError(code, 'The callback carried no state parameter, so it cannot be matched to a sign-in you started. Start the sign-in again.');
    case 'unknown_state':
      return new CallbackError(code, 'This sign-in link does not match a sign-in started in this browser (or it was already used). Start the sign-in again.');
    case 'transaction_expired':
      return new CallbackError(code, 'The sign-in took longer than 10 minutes and expired. Start the sign-in again.');
  }
}
