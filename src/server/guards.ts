import 'server-only';
import { redirect } from 'next/navigation';
import { signedOutChallenge, stepUpChallenge } from '../core/challenge.js';
import { evaluateStepUp } from '../core/step-up.js';
import type { AuthInfo, StepUpRequirement, StepUpResult } from '../core/types.js';
import { homePath } from '../core/config.js';
import { internalKit } from './instance.js';
import { authRouteRedirect, currentPath, isServerAction, requestCookieHeader, tryAuthorize, trySetCookies } from './request-context.js';
import { getSession, withAuth } from './with-auth.js';

/**
 * The signed-in session when it meets `requirement`. Otherwise the user is sent through step-up
 * and back: a form action starts it itself; a page (which cannot write cookies) redirects to the
 * auth route's step-up start. Signed-out visitors go to sign-in first.
 */
export async function requireStepUp(requirement: StepUpRequirement, options: { returnTo?: string } = {}): Promise<AuthInfo> {
  const auth = await withAuth({ ensureSignedIn: true, ...options });
  const kit = internalKit();
  if (evaluateStepUp(auth, requirement, undefined, kit.config).satisfied) return auth;
  const returnTo = await currentPath(options.returnTo, homePath(kit.config));
  if (await isServerAction()) {
    const start = await tryAuthorize(kit, { kind: 'step-up', current: auth, ...requirement, returnTo }, await requestCookieHeader());
    if (start && (await trySetCookies(start.cookies))) redirect(start.url);
  }
  redirect(authRouteRedirect(kit, kit.authRoutePath('step-up', { ...requirement, returnTo })));
}

/** What `checkStepUp` answers: `satisfied` narrows `auth` to a session. */
export type StepUpCheck =
  | { satisfied: true; auth: AuthInfo; result: StepUpResult }
  | { satisfied: false; auth: AuthInfo | null; result: StepUpResult };

/**
 * Evaluate without redirecting, for actions that answer `stepUpRequired(...)`:
 *
 * ```ts
 * const check = await checkStepUp({ maxAge: 300 });
 * if (!check.satisfied) return stepUpRequired({ maxAge: 300 });
 * check.auth.user.id; // AuthInfo
 * ```
 */
export async function checkStepUp(requirement: StepUpRequirement): Promise<StepUpCheck> {
  const auth = await getSession();
  const result = evaluateStepUp(auth, requirement, undefined, internalKit().config);
  return result.satisfied && auth ? { satisfied: true, auth, result } : { satisfied: false, auth, result };
}

/**
 * For route handlers: the session when it meets `requirement`, else the `Response` to return —
 * `401` with `WWW-Authenticate: Bearer` when signed out, the RFC 9470 challenge when stale or
 * without MFA.
 *
 * ```ts
 * const auth = await guardApiRoute({ maxAge: 300 });
 * if (auth instanceof Response) return auth;
 * ```
 */
export async function guardApiRoute(requirement: StepUpRequirement = {}): Promise<AuthInfo | Response> {
  const auth = await getSession();
  if (!auth) return signedOutChallenge();
  const { config } = internalKit();
  if (evaluateStepUp(auth, requirement, undefined, config).satisfied) return auth;
  return stepUpChallenge(requirement, { acrValues: config.mfaAcrValues });
}
