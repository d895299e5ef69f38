'use server';
// Server actions are public HTTP endpoints (DESIGN invariant 8): only these four live here, each
// takes untrusted input, and none returns a token.
import { redirect } from 'next/navigation';
import type { StepUpOptions } from '../core/authkit.js';
import { safeReturnTo } from '../core/return-to.js';
import { toClientAuth, type ClientAuth } from '../core/client-auth.js';
import { getAuthKit } from './instance.js';
import { currentPath, requestCookieHeader, sessionWritable, trySetCookies } from './request-context.js';

function readStepUpInput(input: unknown): StepUpOptions {
  const get = (key: string): unknown =>
    input instanceof FormData ? input.get(key) ?? undefined : input && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  const options: StepUpOptions = {};
  const maxAge = Number(get('maxAge'));
  if (get('maxAge') !== undefined && get('maxAge') !== '' && Number.isFinite(maxAge) && maxAge >= 0) options.maxAge = Math.floor(maxAge);
  const mfa = get('mfa');
  if (mfa === true || mfa === 'true' || mfa === '1' || mfa === 'on') options.mfa = true;
  const returnTo = get('returnTo');
  if (typeof returnTo === 'string' && returnTo) options.returnTo = safeReturnTo(returnTo);
  if (get('popup') === true || get('popup') === '1') options.popup = true;
  return options;
}

/**
 * "Confirm it's you": `<form action={stepUp}>` (fields `maxAge`, `mfa`, `returnTo` optional) or
 * `stepUp({ maxAge, mfa, returnTo })`. Seals a step-up transaction and redirects to the provider
 * with `max_age` (0 by default: re-authenticate now). Signed-out callers are sent to sign-in.
 */
export async function stepUp(input?: FormData | StepUpOptions): Promise<never> {
  const kit = getAuthKit();
  const options = readStepUpInput(input);
  const returnTo = options.returnTo ?? (await currentPath());
  const { auth, cookies: refreshed } = await kit.resolveSession(await requestCookieHeader(), 'expired');
  const { url, cookies } = auth
    ? await kit.authorize({ kind: 'step-up', current: auth, ...options, returnTo })
    : await kit.authorize({ kind: 'sign-in', returnTo });
  await trySetCookies([...refreshed, ...cookies]);
  redirect(url);
}

/** `<form action={signIn}>`: start a sign-in and come back to `returnTo` (or this page). */
export async function signIn(input?: FormData | { returnTo?: string }): Promise<never> {
  const kit = getAuthKit();
  const raw = input instanceof FormData ? input.get('returnTo') : input?.returnTo;
  const returnTo = typeof raw === 'string' && raw ? safeReturnTo(raw) : await currentPath();
  const { url, cookies } = await kit.authorize({ kind: 'sign-in', returnTo });
  await trySetCookies(cookies);
  redirect(url);
}

/** `<form action={signOut}>`: clear the session and end it at the provider. */
export async function signOut(input?: FormData | { returnTo?: string }): Promise<never> {
  const kit = getAuthKit();
  const raw = input instanceof FormData ? input.get('returnTo') : input?.returnTo;
  const { url, cookies } = await kit.signOutUrl(await requestCookieHeader(), typeof raw === 'string' ? raw : '/');
  await trySetCookies(cookies);
  redirect(url);
}

/**
 * The client provider's session read, without tokens. Called as an action it refreshes an
 * expiring token; called while rendering (e.g. for `initialAuth`) it only reads, because a
 * rotation it could not write would sign the user out later.
 */
export async function getClientAuth(): Promise<ClientAuth | null> {
  const kit = getAuthKit();
  const cookieHeader = await requestCookieHeader();
  const read = await kit.resolveSession(cookieHeader, 'never');
  const expiring = read.auth !== null && read.auth.expiresAt - Date.now() / 1000 < kit.config.refreshBuffer;
  if (!(read.needsRefresh || expiring) || !(await sessionWritable(kit, cookieHeader))) {
    return read.auth ? toClientAuth(read.auth) : null;
  }
  const { auth, cookies } = await kit.resolveSession(cookieHeader, 'expiring');
  await trySetCookies(cookies);
  return auth ? toClientAuth(auth) : null;
}
