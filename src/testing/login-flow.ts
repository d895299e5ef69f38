/**
 * The browser side: `GET /user_management/authorize` (scripted login, silent SSO
 * or the login page), the password and one-time-code form posts, and finishing a
 * login with a redirect that carries the authorization code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorizeRequest } from './authorize-request.js';
import type { IdpContext } from './context.js';
import { getCookie, readForm, redirect, sendHtml, sessionCookie } from './http-util.js';
import { errorPage, loginPage, mfaPage } from './pages.js';
import { nowSeconds } from './store.js';
import type { IdpSession } from './store.js';
import { defaultAmr, findUserByEmail, findUserById, safeEqual } from './users.js';
import type { DevUser } from './types.js';

/** After this many wrong one-time codes the pending request is dropped. */
const MAX_CODE_ATTEMPTS = 5;

/** The parts of an authorize request a login needs to finish. */
interface LoginTarget {
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  organizationId: string | undefined;
}

type LoginKind =
  | { kind: 'interactive' | 'scripted'; authTime: number; amr: string[]; newSession?: boolean }
  | { kind: 'sso'; session: IdpSession };

/**
 * Issues a code for `user` and redirects to the app. An interactive or scripted
 * login by the user who already owns the browser's IdP session re-authenticates
 * *that* session: same `sid`, new `auth_time`/`amr`. Anyone else gets a new session,
 * and so does a scripted login with `newSession` (the old session stays alive, as
 * it does at a real IdP when the browser lost its cookie).
 */
function completeLogin(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: LoginTarget,
  user: DevUser,
  how: LoginKind,
): void {
  const headers: Record<string, string> = {};
  let session: IdpSession;
  if (how.kind === 'sso') {
    session = how.session;
  } else {
    const existing = how.newSession ? undefined : ctx.store.sessionFromCookie(getCookie(req, ctx.cookieName));
    if (existing && existing.userId === user.id) {
      session = existing;
      session.authTime = how.authTime;
      session.amr = [...how.amr];
    } else {
      const created = ctx.store.createSession(user.id, how.authTime, [...how.amr]);
      session = created.session;
      headers['Set-Cookie'] = sessionCookie(ctx.cookieName, created.cookie);
    }
  }

  const code = ctx.store.issueCode(
    {
      userId: user.id,
      sessionId: session.id,
      organizationId: target.organizationId ?? user.organizationId,
      authTime: session.authTime,
      amr: [...session.amr],
    },
    target.redirectUri,
    target.codeChallenge,
  );

  ctx.lastSignIn.set(user.id, new Date().toISOString());
  ctx.stats.logins++;
  if (how.kind === 'interactive') ctx.stats.interactiveLogins++;
  else if (how.kind === 'scripted') ctx.stats.scriptedLogins++;
  else ctx.stats.ssoLogins++;

  // URL#searchParams keeps any query the registered redirect URI already has.
  const location = new URL(target.redirectUri);
  location.searchParams.set('code', code);
  if (target.state !== undefined) location.searchParams.set('state', target.state);
  redirect(res, location.href, headers);
}

/**
 * SSO is allowed when the session is recent enough for `max_age`. `max_age=0`
 * always forces a login (OIDC treats it like `prompt=login`), even within the
 * second the session was authenticated in.
 */
function satisfiesMaxAge(session: IdpSession, maxAge: number | undefined): boolean {
  if (maxAge === undefined) return true;
  if (maxAge === 0) return false;
  return nowSeconds() - session.authTime <= maxAge;
}

export function handleAuthorize(ctx: IdpContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  ctx.stats.authorizeRequests++;
  const parsed = parseAuthorizeRequest(ctx, url.searchParams);
  if (!parsed.ok) {
    sendHtml(res, 400, errorPage(parsed.title, parsed.detail));
    return;
  }
  const request = parsed.request;
  const hinted = findUserByEmail(ctx.users, request.loginHint);

  const scripted = ctx.nextLogins.shift();
  if (scripted) {
    // `nextLogin()` validated the email when it was queued.
    const user = findUserByEmail(ctx.users, scripted.email) ?? hinted ?? ctx.users[0]!;
    completeLogin(ctx, req, res, request, user, {
      kind: 'scripted',
      authTime: scripted.authTime ?? nowSeconds(),
      amr: scripted.amr ?? defaultAmr(user),
      newSession: scripted.newSession === true,
    });
    return;
  }

  const session = ctx.store.sessionFromCookie(getCookie(req, ctx.cookieName));
  const sessionUser = session ? findUserById(ctx.users, session.userId) : undefined;
  // A login_hint naming someone else is an account switch: never answer it silently.
  const hintMatches = !request.loginHint || (hinted !== undefined && hinted.id === sessionUser?.id);
  if (session && sessionUser && hintMatches && satisfiesMaxAge(session, request.maxAge)) {
    completeLogin(ctx, req, res, request, sessionUser, { kind: 'sso', session });
    return;
  }

  const pending = ctx.store.addPending({
    redirectUri: request.redirectUri,
    state: request.state,
    codeChallenge: request.codeChallenge,
    loginHint: request.loginHint,
    organizationId: request.organizationId,
    screenHint: request.screenHint,
  });
  sendHtml(
    res,
    200,
    loginPage({
      pendingId: pending.id,
      email: request.loginHint ?? sessionUser?.email,
      users: ctx.users,
      signUp: request.screenHint === 'sign-up',
      reauthenticate: sessionUser !== undefined && hintMatches,
    }),
  );
}

function expiredRequest(res: ServerResponse): void {
  sendHtml(
    res,
    400,
    errorPage(
      'Sign-in request expired',
      'This sign-in request is unknown or has expired. Go back to the application and start the sign-in again.',
    ),
  );
}

export async function handleLoginPost(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const pending = ctx.store.getPending(form.get('pending') ?? '');
  if (!pending) return expiredRequest(res);

  const email = (form.get('email') ?? '').trim();
  const password = form.get('password') ?? '';
  const user = findUserByEmail(ctx.users, email);
  // Compare against something even for an unknown email, so timing says nothing.
  const passwordOk = safeEqual(password, user?.password ?? '\u0000no-such-user');
  if (!user || !passwordOk) {
    ctx.stats.failedLoginAttempts++;
    sendHtml(
      res,
      400,
      loginPage({ pendingId: pending.id, email, users: ctx.users, error: 'Incorrect email or password.' }),
    );
    return;
  }

  if (user.mfa) {
    pending.passwordUserId = user.id;
    pending.codeAttempts = 0;
    sendHtml(res, 200, mfaPage({ pendingId: pending.id, email: user.email, codeHint: user.mfa.code }));
    return;
  }

  ctx.store.deletePending(pending.id);
  completeLogin(ctx, req, res, pending, user, { kind: 'interactive', authTime: nowSeconds(), amr: defaultAmr(user) });
}

export async function handleMfaPost(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const pending = ctx.store.getPending(form.get('pending') ?? '');
  const user = pending?.passwordUserId ? findUserById(ctx.users, pending.passwordUserId) : undefined;
  if (!pending || !user?.mfa) return expiredRequest(res);

  // Authenticator apps display codes as "123 456"; accept that.
  const code = (form.get('code') ?? '').replace(/\s+/g, '');
  if (!safeEqual(code, user.mfa.code)) {
    ctx.stats.failedLoginAttempts++;
    pending.codeAttempts++;
    if (pending.codeAttempts >= MAX_CODE_ATTEMPTS) {
      ctx.store.deletePending(pending.id);
      sendHtml(res, 400, errorPage('Too many attempts', 'Too many wrong codes. Go back to the application and sign in again.'));
      return;
    }
    sendHtml(
      res,
      400,
      mfaPage({ pendingId: pending.id, email: user.email, codeHint: user.mfa.code, error: 'That code is not correct.' }),
    );
    return;
  }

  ctx.store.deletePending(pending.id);
  completeLogin(ctx, req, res, pending, user, { kind: 'interactive', authTime: nowSeconds(), amr: defaultAmr(user) });
}
