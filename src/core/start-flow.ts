import { homePath, type ResolvedConfig } from './config.js';
import { parseCookieHeader } from './cookies.js';
import type { Provider } from './providers/types.js';
import { safeReturnTo } from './return-to.js';
import { evaluateStepUp } from './step-up.js';
import { withResume, type StepUpOptions } from './step-up-params.js';
import { createTransaction, type NewTransaction } from './transaction.js';
import type { AuthInfo, CookieToSet, StepUpRequirement } from './types.js';

export interface SignInOptions {
  returnTo?: string;
  screenHint?: 'sign-in' | 'sign-up';
  loginHint?: string;
  organizationId?: string;
}

export type AuthorizeOptions =
  | ({ kind: 'sign-in' } & SignInOptions)
  | ({ kind: 'step-up'; current: AuthInfo } & StepUpOptions);

/**
 * The one place a sign-in or step-up starts: seal the transaction (evicting older pending ones,
 * SECURITY.md §4, §10) and build the provider's authorize URL. A step-up whose requirement the
 * session already meets needs no round trip: the URL is then `returnTo` and nothing is sealed (§12).
 */
export async function startFlow(
  config: ResolvedConfig,
  provider: Provider,
  opts: AuthorizeOptions,
  cookieHeader: string | null | undefined,
): Promise<{ url: string; cookies: CookieToSet[] }> {
  const returnTo = safeReturnTo(opts.returnTo, homePath(config));
  let fields: NewTransaction;
  let loginHint: string | undefined;
  let organizationId: string | undefined;
  if (opts.kind === 'step-up') {
    const { current } = opts;
    // Without a maxAge, "Confirm it's you" means now.
    const requirement: StepUpRequirement = { maxAge: opts.maxAge ?? 0, ...(opts.mfa ? { mfa: true } : {}) };
    if (evaluateStepUp(current, requirement, Date.now() / 1000, { clockTolerance: config.clockTolerance }).satisfied) {
      return { url: withResume(returnTo, opts.resume), cookies: [] };
    }
    fields = { kind: 'step-up', returnTo, maxAge: requirement.maxAge!, sub: current.user.id, sid: current.sessionId };
    if (opts.mfa) fields.mfa = true;
    if (opts.popup) fields.popup = true;
    if (opts.resume && !opts.popup) fields.resume = opts.resume;
    if (current.authTime !== undefined) fields.previousAuthTime = current.authTime;
    loginHint = current.user.email || undefined;
    organizationId = current.organizationId;
  } else {
    fields = { kind: 'sign-in', returnTo };
    loginHint = opts.loginHint;
    organizationId = opts.organizationId;
  }
  const { transaction, codeChallenge, cookie, evicted } = await createTransaction(config, fields, parseCookieHeader(cookieHeader));
  const url = await provider.authorizationUrl({
    state: transaction.state,
    codeChallenge,
    nonce: transaction.nonce,
    ...(transaction.kind === 'step-up' ? { maxAge: transaction.maxAge } : {}),
    ...(transaction.kind === 'step-up' && transaction.mfa ? { mfa: true } : {}),
    ...(loginHint ? { loginHint } : {}),
    ...(organizationId ? { organizationId } : {}),
    ...(opts.kind === 'sign-in' && opts.screenHint ? { screenHint: opts.screenHint } : {}),
  });
  return { url: url.href, cookies: [...evicted, cookie] };
}
