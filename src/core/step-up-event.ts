import type { ResolvedConfig } from './config.js';
import type { Provider } from './providers/types.js';
import { readSessionSeal, unsealSession } from './session-cookie.js';
import type { StepUpTransaction } from './transaction.js';
import type { AuthInfo, StepUpRequirement, User } from './types.js';

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

export async function stepUpEvent(provider: Provider, config: ResolvedConfig, tx: StepUpTransaction, auth: AuthInfo, cookies: Map<string, string>): Promise<StepUpEvent> {
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
