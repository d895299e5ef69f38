import { toAuthInfo } from './claims.js';
import type { ResolvedConfig } from './config.js';
import { ProviderError } from './errors.js';
import type { Provider, TokenSet } from './providers/types.js';
import type { RefreshStore } from './refresh-store.js';
import { SessionCache } from './session-cache.js';
import { clearSessionCookies, readSessionSeal, sealSession, sessionCookieOptions, sessionCookies, unsealSession } from './session-cookie.js';
import { SharedRefresh } from './shared-refresh.js';
import { SingleFlight } from './single-flight.js';
import type { AuthInfo, CookieToSet, Session } from './types.js';

export type SessionState =
  /** No session cookie, or one we did not seal (tampered, truncated, foreign): signed out. */
  | { status: 'none' }
  | { status: 'valid'; auth: AuthInfo; session?: Session }
  /** A session of ours whose access token expired: a refresh can bring it back. */
  | { status: 'expired'; session: Session; claims: Record<string, unknown> }
  /** The provider's keys could not be fetched; the session may be fine, keep it. */
  | { status: 'unavailable'; session: Session };

export interface Refreshed {
  auth: AuthInfo;
  session: Session;
  seal: string;
}

/** How a request that may write cookies should treat a session near or past expiry. */
export type RefreshMode = 'never' | 'expired' | 'expiring';

/**
 * Why `resolve` answered as it did, so callers decide from one place: `needs-refresh` (expired,
 * and this caller may not refresh), `provider-unavailable` (the refresh met an outage: network,
 * timeout, 408, 429, 5xx — the cookie is kept, try again), `refresh-failed` (an answer that is not
 * a refusal we can trust, e.g. 401 `invalid_client`, 403, a proxy's 404: the cookie is kept, but
 * waiting will not help — a new sign-in will), `unavailable` (the provider's keys could not be
 * fetched), `refused` (the provider refused the refresh token: the cookie is deleted).
 */
export type ResolutionReason = 'signed-out' | 'valid' | 'refreshed' | 'needs-refresh' | 'provider-unavailable' | 'refresh-failed' | 'unavailable' | 'refused';

/**
 * The provider is down for a session that may be fine: say so (a 503 page) rather than start a
 * sign-in. Only an outage: an unreadable answer (`refresh-failed`) would stay one, so it goes to sign-in.
 */
export function isOutage(reason: ResolutionReason): boolean {
  return reason === 'provider-unavailable' || reason === 'unavailable';
}

export interface Resolution {
  auth: AuthInfo | null;
  /** Cookies to write: a rotated session, or the deletion of a dead one. */
  cookies: CookieToSet[];
  /** Signed out only because the token expired and this caller may not (or cannot) refresh. */
  needsRefresh: boolean;
  reason: ResolutionReason;
  /** A valid token inside `refreshBuffer` that this call did not rotate (a caller that may write cookies could). */
  expiring: boolean;
}

export class SessionStore {
  readonly cache: SessionCache;
  private readonly refreshes = new SingleFlight<Refreshed>();
  /** Coordinates refresh across instances when the app configured a `refreshStore`. */
  private readonly shared: SharedRefresh | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly provider: Provider,
    options: { cacheSize?: number; refreshStore?: RefreshStore } = {},
  ) {
    this.cache = new SessionCache(options.cacheSize ?? 1000);
    if (options.refreshStore) this.shared = new SharedRefresh(options.refreshStore, { password: config.cookiePassword, providerTimeout: config.providerTimeout });
  }

  /** Unseal + verify, or a cache hit keyed by the exact sealed value. No network once the JWKS is cached. */
  async read(cookies: Map<string, string>): Promise<SessionState> {
    const seal = readSessionSeal(cookies, this.config.cookieName);
    if (!seal) return { status: 'none' };
    const cached = this.cache.get(seal, Date.now() / 1000);
    if (cached) return { status: 'valid', auth: cached };
    const session = await unsealSession(seal, this.config.cookiePassword);
    if (!session) return { status: 'none' };
    const verdict = await this.provider.verifyAccessToken(session.accessToken);
    if (verdict.ok) {
      // SECURITY.md §1: the token must be for the user we sealed.
      if (verdict.payload.sub !== session.user.id) return { status: 'none' };
      const auth = Object.freeze(toAuthInfo(session, verdict.payload));
      this.cache.set(seal, auth);
      return { status: 'valid', auth, session };
    }
    if (verdict.reason === 'expired') {
      if (verdict.payload.sub !== session.user.id) return { status: 'none' };
      return { status: 'expired', session, claims: verdict.payload as Record<string, unknown> };
    }
    if (verdict.reason === 'unavailable') return { status: 'unavailable', session };
    return { status: 'none' };
  }

  /** Seals a token set into session cookies, replacing whatever the request carried. */
  async write(tokens: TokenSet, requestCookies: Map<string, string>, keep?: Session): Promise<{ session: Session; seal: string; cookies: CookieToSet[] }> {
    const session = toSession(tokens, keep);
    const seal = await sealSession(session, this.config.cookiePassword, this.config.cookieMaxAge);
    return { session, seal, cookies: this.cookiesFor(seal, requestCookies) };
  }

  clear(requestCookies: Map<string, string>): CookieToSet[] {
    return clearSessionCookies(this.config.cookieName, sessionCookieOptions(this.config), requestCookies);
  }

  /**
   * SECURITY.md §7: one provider call per refresh token in this process; concurrent
   * and slightly late callers with the same old cookie share the rotated session. With a
   * `refreshStore`, one provider call across every instance that shares it (see shared-refresh.ts);
   * the in-process single-flight stays in front, so a process makes one store round per refresh.
   */
  refresh(session: Session, options: { organizationId?: string } = {}): Promise<Refreshed> {
    const key = options.organizationId ? `${session.refreshToken}\u0000${options.organizationId}` : session.refreshToken;
    return this.refreshes.run(key, () => {
      const here = () => this.refreshHere(session, options.organizationId);
      if (!this.shared) return here();
      return this.shared.run(session, options.organizationId, { refresh: here, adopt: (next, seal) => this.adopt(next, seal) });
    });
  }

  private async refreshHere(session: Session, organizationId: string | undefined): Promise<Refreshed> {
    const tokens = await this.provider.refresh({ refreshToken: session.refreshToken, organizationId, previous: session });
    const verdict = await this.provider.verifyAccessToken(tokens.accessToken);
    if (!verdict.ok || verdict.payload.sub !== session.user.id) {
      throw new ProviderError('The refreshed access token failed verification.', { transient: verdict.ok === false && verdict.reason === 'unavailable' });
    }
    const { session: next, seal } = await this.write(tokens, new Map(), session);
    const auth = Object.freeze(toAuthInfo(next, verdict.payload));
    this.cache.set(seal, auth);
    return { auth, session: next, seal };
  }

  /**
   * A session another instance refreshed and published (already checked to be the same user and
   * provider session): used only if its access token verifies, as a cookie's would.
   */
  private async adopt(next: Session, seal: string): Promise<Refreshed | null> {
    const verdict = await this.provider.verifyAccessToken(next.accessToken);
    if (!verdict.ok) {
      if (verdict.reason === 'unavailable') throw new ProviderError("The provider's keys could not be fetched to verify the refreshed session.", { transient: true });
      return null;
    }
    if (verdict.payload.sub !== next.user.id) return null;
    const auth = Object.freeze(toAuthInfo(next, verdict.payload));
    this.cache.set(seal, auth);
    return { auth, session: next, seal };
  }

  /**
   * The whole per-request decision, for every caller: who is signed in, and which cookies to
   * write. `mode` is how far the caller would refresh (`expired`: only a dead token; `expiring`:
   * also one inside `refreshBuffer`); `canWrite`, asked only when a refresh is due, whether it can
   * persist the rotation (a server component cannot, and a rotation it cannot write would sign the
   * user out on the next request). Transient provider failures keep the cookie; a definitive
   * refusal after expiry signs the user out.
   */
  async resolve(cookies: Map<string, string>, mode: RefreshMode, canWrite: () => boolean | Promise<boolean> = () => true): Promise<Resolution> {
    const answer = (auth: AuthInfo | null, reason: ResolutionReason, written: CookieToSet[] = [], expiring = false): Resolution => ({
      auth,
      cookies: written,
      needsRefresh: reason === 'needs-refresh',
      reason,
      expiring,
    });
    const state = await this.read(cookies);
    switch (state.status) {
      case 'none':
        return answer(null, 'signed-out');
      case 'unavailable':
        return answer(null, 'unavailable');
      case 'valid': {
        const expiring = state.auth.expiresAt - Date.now() / 1000 < this.config.refreshBuffer;
        if (mode !== 'expiring' || !expiring || !(await canWrite())) return answer(state.auth, 'valid', [], expiring);
        const session = state.session ?? (await unsealSession(readSessionSeal(cookies, this.config.cookieName) ?? '', this.config.cookiePassword));
        if (!session) return answer(state.auth, 'valid', [], expiring);
        try {
          const refreshed = await this.refresh(session);
          return answer(refreshed.auth, 'refreshed', this.cookiesFor(refreshed.seal, cookies));
        } catch {
          // The current token is still valid: a failed early refresh costs nothing.
          return answer(state.auth, 'valid', [], expiring);
        }
      }
      case 'expired': {
        if (mode === 'never' || !(await canWrite())) return answer(null, 'needs-refresh');
        try {
          const refreshed = await this.refresh(state.session);
          return answer(refreshed.auth, 'refreshed', this.cookiesFor(refreshed.seal, cookies));
        } catch (error) {
          // SECURITY.md §7: only the provider refusing the grant ends a session.
          const definitive = error instanceof ProviderError && !error.transient;
          if (definitive) return answer(null, 'refused', this.clear(cookies));
          return answer(null, error instanceof ProviderError && error.outage ? 'provider-unavailable' : 'refresh-failed');
        }
      }
    }
  }

  cookiesFor(seal: string, requestCookies: Map<string, string>): CookieToSet[] {
    return sessionCookies(seal, this.config.cookieName, sessionCookieOptions(this.config), requestCookies);
  }
}

/** The `wos-session` shape. A refresh keeps the ID-token claims and the last authentication method. */
function toSession(tokens: TokenSet, previous?: Session): Session {
  const session: Session = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, user: tokens.user };
  // The provider's answer says whether an impersonation is still on; never carry one over.
  if (tokens.impersonator) session.impersonator = tokens.impersonator;
  const method = tokens.authenticationMethod ?? previous?.authenticationMethod;
  if (method) session.authenticationMethod = method;
  const idClaims = tokens.idClaims ?? previous?.idClaims;
  if (idClaims) session.idClaims = idClaims;
  const idToken = tokens.idToken ?? previous?.idToken;
  if (idToken) session.idToken = idToken;
  return session;
}
