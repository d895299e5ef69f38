'use server';
// Server actions are public HTTP endpoints (SECURITY.md §8): only these four live here, each
// takes untrusted input, and none returns a token.
import { redirect } from 'next/navigation';
import { homePath } from '../core/config.js';
import { safeReturnTo } from '../core/return-to.js';
import { toClientAuth, type ClientAuth } from '../core/client-auth.js';
import { isOutage } from '../core/session-store.js';
import { readStepUpParams, type StepUpOptions } from '../core/step-up-params.js';
import { internalKit } from './instance.js';
import { authRouteRedirect, currentPath, requestCookieHeader, resolveRequestSession, tryAuthorize, trySetCookies } from './request-context.js';

/**
 * "Confirm it's you": `<form action={stepUp}>` (fields `maxAge`, `mfa`, `returnTo` optional) or
 * `stepUp({ maxAge, mfa, returnTo })`. Seals a step-up transaction and redirects to the provider
 * with `max_age` (0 by default: re-authenticate now). Signed-out callers are sent to sign-in. A
 * session that already meets the requirement goes straight to `returnTo`.
 */
export async function stepUp(input?: FormData | StepUpOptions): Promise<never> {
  const kit = internalKit();
  const options = readStepUpParams(input);
  const returnTo = options.returnTo ?? (await currentPath(undefined, homePath(kit.config)));
  const viaAuthRoute = authRouteRedirect(kit, kit.authRoutePath('step-up', { ...options, returnTo }));
  const { auth, needsRefresh, reason } = await resolveRequestSession(kit, 'expired');
  // An expired token this context cannot rotate (a page render), or a provider too down to renew
  // it: the auth route refreshes and steps up, or explains the outage.
  if (needsRefresh || isOutage(reason)) redirect(viaAuthRoute);
  const start = await tryAuthorize(kit, auth ? { kind: 'step-up', current: auth, ...options, returnTo } : { kind: 'sign-in', returnTo }, await requestCookieHeader());
  // Called while rendering, nothing can be written; with the provider unreachable, there is an
  // outage to explain: the auth route does either.
  if (!start || !(await trySetCookies(start.cookies))) redirect(viaAuthRoute);
  redirect(start.url);
}

/** `<form action={signIn}>`: start a sign-in and come back to `returnTo` (or this page). */
export async function signIn(input?: FormData | { returnTo?: string }): Promise<never> {
  const kit = internalKit();
  const raw = input instanceof FormData ? input.get('returnTo') : input?.returnTo;
  const returnTo = typeof raw === 'string' && raw ? safeReturnTo(raw, homePath(kit.config)) : await currentPath(undefined, homePath(kit.config));
  const start = await tryAuthorize(kit, { kind: 'sign-in', returnTo }, await requestCookieHeader());
  if (!start || !(await trySetCookies(start.cookies))) redirect(authRouteRedirect(kit, kit.authRoutePath('sign-in', { returnTo })));
  redirect(start.url);
}

/** `<form action={signOut}>`: clear the session and end it at the provider. */
export async function signOut(input?: FormData | { returnTo?: string }): Promise<never> {
  const kit = internalKit();
  const raw = input instanceof FormData ? input.get('returnTo') : input?.returnTo;
  const returnTo = safeReturnTo(typeof raw === 'string' ? raw : undefined, homePath(kit.config));
  const { url, cookies } = await kit.signOutUrl(await requestCookieHeader(), returnTo);
  // Ending the provider session while our cookie stays would leave the user signed in here.
  if (!(await trySetCookies(cookies))) redirect(authRouteRedirect(kit, kit.authRoutePath('sign-out', { returnTo })));
  redirect(url);
}

/**
 * The client provider's session read, without tokens. Called as an action it refreshes an
 * expiring token; called while rendering (e.g. for `initialAuth`) it only reads, because a
 * rotation it could not write would sign the user out later.
 */
export async function getClientAuth(): Promise<ClientAuth | null> {
  const { auth } = await resolveRequestSession(internalKit(), 'expiring');
  return auth ? toClientAuth(auth) : null;
}
