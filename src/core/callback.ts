import { toAuthInfo } from './claims.js';
import type { ResolvedConfig } from './config.js';
import { CallbackError, ProviderError } from './errors.js';
import type { Provider } from './providers/types.js';
import { MAX_SESSION_SEAL } from './session-cookie.js';
import { MAX_TOKEN_LENGTH } from './verify.js';
import type { SessionStore } from './session-store.js';
import { readSessionSeal, unsealSession } from './session-cookie.js';
import { authTimeInFuture, hasMfa } from './step-up.js';
import { deleteTransactionCookie, readTransaction, type StepUpTransaction, type Transaction } from './transaction.js';
import type { AuthInfo, CookieToSet, StepUpRequirement, User } from './types.js';

/** What `onStepUp` receives: the evidence an auditor asks for. */
export interface StepUpEvent {
  user: User;
  sessionId: string;
  /** The provider session the step-up began in; differs from `sessionId` when the provider started a new one. */
  previousSessionId: string;
  /**
   * When the provider session changed: whether the old one was ended at the provider
   * (SECURITY.md §15). `false` means it may still be alive — see `previousSessionEndError`.
   */
  previousSessionEnded?: boolean;
  previousSessionEndError?: string;
  organizationId?: string;
  previousAuthTime: number | undefined;
  authTime: number;
  /**
   * Did the user actually authenticate again (`authTime` moved past `previousAuthTime`)? `false`
   * when the provider answered from its own session within `max_age` without asking anything.
   */
  reauthenticated: boolean;
  amr: ReadonlyArray<string> | undefined;
  returnTo: string;
  /** What the step-up asked for. */
  requirement: StepUpRequirement;
}

/** What `onStepUpRejected` receives. `userId` is who started the step-up. */
export interface StepUpRejection {
  code: CallbackError['code'];
  message: string;
  userId?: string;
  sessionId?: string;
  returnTo: string;
  requirement: StepUpRequirement;
}

export type CallbackOutcome =
  | { ok: true; auth: AuthInfo; cookies: CookieToSet[]; returnTo: string; transaction: Transaction; stepUp?: StepUpEvent }
  | { ok: false; error: CallbackError; cookies: CookieToSet[]; returnTo: string; transaction?: Transaction };

/**
 * Invariant 5: the callback either reseals a session it fully checked, or rejects with a stable
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
    return { ok: false, error: lookupError(lookup.code), cookies: cleanup, returnTo: '/' };
  }
  const tx = lookup.transaction;
  const cleanup = [deleteTransactionCookie(config, tx.state)];
  const reject = (code: CallbackError['code'], message: string, status = 403): CallbackOutcome => ({
    ok: false,
    error: new CallbackError(code, message, { status }),
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

  if (tx.kind === 'step-up' && auth.user.id !== tx.sub) {
    return reject('step_up_user_mismatch', 'You confirmed as a different account than the one signed in. Your session is unchanged; confirm with the same account.');
  }
  // SECURITY.md §14: a future auth_time proves nothing, at sign-in as at a step-up (and the app's
  // freshness check would send the user straight back: a loop).
  if (auth.authTime !== undefined && authTimeInFuture(auth.authTime, Date.now() / 1000, config.clockTolerance)) {
    return reject('invalid_token', 'The identity provider returned an auth_time in the future (check its clock, or raise clockTolerance). Your session is unchanged.', 400);
  }
  if (tx.kind === 'step-up') {
    // An IdP that ignored max_age hands back an old auth_time (OIDC Core 3.1.3.7).
    const oldestAccepted = tx.startedAt - tx.maxAge - config.clockTolerance;
    if (auth.authTime === undefined || auth.authTime < oldestAccepted) {
      return reject('step_up_stale', 'The identity provider did not re-authenticate you (its auth_time is missing or older than requested). Your session is unchanged; try again.');
    }
  }
  if (tx.kind === 'step-up' && tx.mfa && !hasMfa(auth.amr)) {
    return reject('step_up_mfa_missing', 'This action needs multi-factor authentication, and the sign-in did not use it. Set up an authenticator app with your identity provider, then try again.');
  }

  const written = await store.write(tokens, cookies);
  if (written.seal.length > MAX_SESSION_SEAL) return tooLarge(written.seal.length);
  const finalAuth = toAuthInfo(written.session, verdict.payload);
  store.cache.set(written.seal, Object.freeze(finalAuth));
  const outcome: CallbackOutcome = { ok: true, auth: finalAuth, cookies: [...written.cookies, ...cleanup], returnTo: tx.returnTo, transaction: tx };
  if (tx.kind === 'step-up') outcome.stepUp = await stepUpEvent(provider, config, tx, finalAuth, cookies);
  return outcome;
}

async function stepUpEvent(provider: Provider, config: ResolvedConfig, tx: StepUpTransaction, auth: AuthInfo, cookies: Map<string, string>): Promise<StepUpEvent> {
  const authTime = auth.authTime as number;
  const event: StepUpEvent = {
    user: auth.user,
    sessionId: auth.sessionId,
    previousSessionId: tx.sid,
    previousAuthTime: tx.previousAuthTime,
    authTime,
    reauthenticated: tx.previousAuthTime === undefined || authTime > tx.previousAuthTime,
    amr: auth.amr,
    returnTo: tx.returnTo,
    requirement: requirementOf(tx),
  };
  if (auth.organizationId) event.organizationId = auth.organizationId;
  if (tx.sid && auth.sessionId !== tx.sid) Object.assign(event, await endPreviousSession(provider, config, tx, cookies));
  return event;
}

/**
 * SECURITY.md §15: the provider answered the step-up with a new session (its own cookie was gone),
 * so the old one — and any copy of the old cookie — would live on. End it. A failure is reported,
 * not fatal: the user did confirm, and the new session is theirs.
 */
async function endPreviousSession(
  provider: Provider,
  config: ResolvedConfig,
  tx: StepUpTransaction,
  cookies: Map<string, string>,
): Promise<Pick<StepUpEvent, 'previousSessionEnded' | 'previousSessionEndError'>> {
  const old = await unsealSession(readSessionSeal(cookies, config.cookieName) ?? '', config.cookiePassword);
  const refreshToken = old?.user.id === tx.sub ? old.refreshToken : undefined;
  try {
    await provider.endSession({ sessionId: tx.sid, ...(refreshToken ? { refreshToken } : {}) });
    return { previousSessionEnded: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[authkit-stepup] the step-up started a new provider session, and the previous one (${tx.sid}) could not be ended:`, message);
    return { previousSessionEnded: false, previousSessionEndError: message };
  }
}

export function requirementOf(tx: Pick<StepUpTransaction, 'maxAge' | 'mfa'>): StepUpRequirement {
  const requirement: StepUpRequirement = { maxAge: tx.maxAge };
  if (tx.mfa) requirement.mfa = true;
  return requirement;
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
