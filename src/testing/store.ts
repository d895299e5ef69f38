/**
 * In-memory state of the dev IdP: pending authorize requests, authorization
 * codes, IdP sessions (and the browser cookies pointing at them), refresh tokens.
 * Everything is lost on restart, like the signing key.
 */
import { prefixedId, secretToken } from './ids.js';

/** Seconds since the epoch. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An authorize request waiting for the login form (or the one-time-code form). */
export interface PendingAuthorization {
  id: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  loginHint: string | undefined;
  organizationId: string | undefined;
  screenHint: string | undefined;
  /** Set once the password was right for an MFA user: the code page is next. */
  passwordUserId?: string;
  /** Wrong one-time codes so far; the request is dropped after a few. */
  codeAttempts: number;
  expiresAt: number;
}

/** What a login produced; snapshotted into codes and refresh tokens. */
export interface Grant {
  userId: string;
  sessionId: string;
  organizationId: string | undefined;
  authTime: number;
  amr: string[];
}

export interface AuthorizationCode extends Grant {
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
}

export interface RefreshToken extends Grant {
  expiresAt: number;
  /** Set when exchanged: the token stays known so a replay is told apart from garbage. */
  usedAt?: number;
}

/**
 * How a session ended: the logout endpoint, the revoke endpoint (WorkOS's `revokeSession`), or a
 * reused refresh token under `refreshTokenReuse: 'revoke'`.
 */
export type SessionEnd = 'logout' | 'revoke' | 'reuse';

export interface IdpSession {
  id: string;
  userId: string;
  authTime: number;
  amr: string[];
  /** Epoch seconds. */
  createdAt: number;
  endedAt?: number;
  endedBy?: SessionEnd;
}

const PENDING_TTL = 10 * 60;
/** RFC 6749 §4.1.2 recommends at most 10 minutes. */
const CODE_TTL = 10 * 60;
const REFRESH_TTL = 30 * 24 * 60 * 60;
/** Bounds memory if something floods the authorize endpoint. */
const MAX_PENDING = 10_000;

export class DevIdpStore {
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly sessions = new Map<string, IdpSession>();
  /** cookie secret -> session id (see `createSession`). */
  private readonly cookies = new Map<string, string>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  addPending(p: Omit<PendingAuthorization, 'id' | 'expiresAt' | 'codeAttempts'>): PendingAuthorization {
    this.sweep();
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    const entry: PendingAuthorization = { ...p, id: secretToken(), codeAttempts: 0, expiresAt: nowSeconds() + PENDING_TTL };
    this.pending.set(entry.id, entry);
    return entry;
  }

  getPending(id: string): PendingAuthorization | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    if (p.expiresAt < nowSeconds()) {
      this.pending.delete(id);
      return undefined;
    }
    return p;
  }

  deletePending(id: string): void {
    this.pending.delete(id);
  }

  /**
   * A new IdP session. The browser gets a separate random cookie secret rather than
   * the `sid`: the `sid` travels inside access tokens the app can read, so using it
   * as the cookie would let anyone holding a token impersonate the browser session.
   */
  createSession(userId: string, authTime: number, amr: string[]): { session: IdpSession; cookie: string } {
    const session: IdpSession = { id: prefixedId('session'), userId, authTime, amr, createdAt: nowSeconds() };
    this.sessions.set(session.id, session);
    const cookie = secretToken();
    this.cookies.set(cookie, session.id);
    return { session, cookie };
  }

  /** The live session a cookie points at, if any. */
  sessionFromCookie(cookie: string | undefined): IdpSession | undefined {
    if (!cookie) return undefined;
    const sid = this.cookies.get(cookie);
    const session = sid === undefined ? undefined : this.sessions.get(sid);
    if (!session || session.endedAt !== undefined) return undefined;
    return session;
  }

  getSession(id: string): IdpSession | undefined {
    return this.sessions.get(id);
  }

  /** Every session ever created, oldest first (ended ones included). */
  allSessions(): IdpSession[] {
    return [...this.sessions.values()];
  }

  /**
   * Ends a session: its cookies stop working and so do all its refresh tokens (and
   * codes not yet exchanged). False when it is unknown or had already ended.
   */
  endSession(id: string, how: SessionEnd): boolean {
    const session = this.sessions.get(id);
    if (!session || session.endedAt !== undefined) return false;
    session.endedAt = nowSeconds();
    session.endedBy = how;
    for (const [cookie, sid] of this.cookies) if (sid === id) this.cookies.delete(cookie);
    return true;
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string): string {
    this.sweep();
    const code = secretToken();
    this.codes.set(code, { ...grant, redirectUri, codeChallenge, expiresAt: nowSeconds() + CODE_TTL });
    return code;
  }

  /** Removes the code whatever happens next: codes are strictly single-use. */
  takeCode(code: string): AuthorizationCode | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt < nowSeconds()) return undefined;
    return entry;
  }

  issueRefreshToken(grant: Grant): string {
    const token = secretToken();
    this.refreshTokens.set(token, { ...grant, expiresAt: nowSeconds() + REFRESH_TTL });
    return token;
  }

  getRefreshToken(token: string): RefreshToken | undefined {
    return this.refreshTokens.get(token);
  }

  private sweep(): void {
    const now = nowSeconds();
    for (const [id, p] of this.pending) if (p.expiresAt < now) this.pending.delete(id);
    for (const [code, c] of this.codes) if (c.expiresAt < now) this.codes.delete(code);
  }
}
