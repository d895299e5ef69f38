import type { AuthKit, CallbackHooks } from './authkit.js';
import type { AuthKitInternal } from './internal.js';
import { homePath } from './config.js';
import { outagePage, redirect, renewalUnavailable } from './responses.js';
import { safeReturnTo } from './return-to.js';
import { isOutage } from './session-store.js';
import { readStepUpParams } from './step-up-params.js';

/**
 * The auth route: the provider's callback (`?code&state`) and, beside it,
 * `?authkit=sign-in|step-up|refresh|sign-out` for places that cannot write cookies themselves
 * (server components) or must not seal anything (the proxy answering a prefetch).
 */
export async function handleAuthRoute(kit: AuthKit, inner: AuthKitInternal, request: Request, hooks: CallbackHooks): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const returnTo = safeReturnTo(params.get('returnTo'), homePath(inner.config));
  switch (params.get('authkit')) {
    case 'sign-in':
      return kit.signIn(request, { returnTo });
    case 'step-up':
      return kit.stepUp(request, { ...readStepUpParams(params), returnTo });
    case 'sign-out':
      return kit.signOut(request, { returnTo });
    case 'refresh':
      return refresh(kit, inner, request, returnTo);
    default:
      return kit.handleCallback(request, hooks);
  }
}

/** Rotates the session for a server component that could not, and sends the browser straight back. */
async function refresh(kit: AuthKit, inner: AuthKitInternal, request: Request, returnTo: string): Promise<Response> {
  const { auth, cookies, reason } = await inner.resolveSession(request.headers.get('cookie'), 'expiring');
  // Signed out (or refused) is fine: the page decides. Redirecting back with a session we could not
  // renew would loop: an outage is explained (503), and an answer that waiting will not fix (401
  // invalid_client, 403…) becomes a new sign-in; the old cookie stays until one succeeds.
  if (!auth && isOutage(reason)) return outagePage(renewalUnavailable(), returnTo);
  if (!auth && reason === 'refresh-failed') return kit.signIn(request, { returnTo });
  return redirect(returnTo, cookies);
}
