import { sealData, unsealData } from 'iron-session';
import { decodeJwt } from 'jose/jwt/decode';
import type { CookiePassword } from './config.js';
import { ProviderError } from './errors.js';
import type { RefreshStore } from './refresh-store.js';
import { unsealSession } from './session-cookie.js';
import type { Session } from './types.js';

/**
 * Refresh coordinated through a shared store, so that many instances of an app send one refresh
 * per refresh token to the provider (SECURITY.md §7). The in-process single-flight stays in front:
 * each process makes at most one round here per refresh token.
 *
 * Key: a SHA-256 hash of the refresh token (+ organization). The first instance to claim it
 * (`SET NX PX`) refreshes and publishes the outcome for a grace period; the others wait, bounded,
 * and take it. Values in the store:
 *   `c:<random>`  a claim: someone is refreshing
 *   `s:<seal>`    the new session, sealed exactly as the cookie (iron, cookie password)
 *   `r:<seal>`    a definitive refusal, sealed and bound to this key, user and provider session
 *   `t:`          a provider outage, shared with the current waiters only
 * Nothing in the store is a readable token, and nothing read from it is trusted unless it unseals
 * with our password and belongs to the same user and provider session as the cookie in hand.
 */

/** Each store call. Redis answers in about a millisecond and Upstash over HTTPS in tens: slower counts as down. */
export const STORE_TIMEOUT_MS = 1_000;
/** How long a published outcome stays: the in-process single-flight's grace (60 s), across instances. */
export const PUBLISH_GRACE_MS = 60_000;
/** An outage is shared with those already waiting, then the next request tries again (as in-process). */
export const TRANSIENT_MS = 1_000;
/** Polling the claim: a refresh takes ~50–300 ms, so start fast; cap so a slow provider costs few reads. */
export const POLL_FIRST_MS = 10;
export const POLL_MAX_MS = 250;
const POLL_FACTOR = 1.5;
/** Store trouble is logged at most this often per instance: an outage must not flood the logs. */
const WARN_EVERY_MS = 30_000;
const KEY_PREFIX = 'authkit-stepup:refresh:v1:';

/**
 * How long a claim holds: the longest a live claimant can take before it publishes — the provider
 * call (`providerTimeout`), verifying the new token (a JWKS fetch: at most 5 s), and the store calls.
 * Shorter, and a slow claimant's claim would expire mid-refresh and a second instance would reuse
 * the token (Auth0 then revokes the session). A dead claimant delays the others by at most this.
 */
export function claimTtlMs(providerTimeout: number): number {
  return providerTimeout + Math.min(5_000, providerTimeout) + 2 * STORE_TIMEOUT_MS;
}

/** The store key for a refresh token: its hash, never the token. */
export async function refreshKey(refreshToken: string, organizationId?: string): Promise<string> {
  const input = new TextEncoder().encode(`${refreshToken}\u0000${organizationId ?? ''}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return KEY_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** What the caller does with its own provider, and how it turns a published seal into a result. */
export interface RefreshWork<T extends { seal: string }> {
  /** Refresh at the provider (this instance holds the claim, or the store is down). */
  refresh(): Promise<T>;
  /** Verify a session another instance published; `null` when it is not acceptable. */
  adopt(session: Session, seal: string): Promise<T | null>;
}

interface Refusal {
  k: string;
  sub: string;
  sid: string | null;
  code?: string;
}

const PENDING = Symbol('pending');
const GONE = Symbol('gone');
const MAX_CLAIMS = 5;

export class SharedRefresh {
  readonly claimTtl: number;
  private lastWarning = -Infinity;

  constructor(
    private readonly store: RefreshStore,
    private readonly options: { password: CookiePassword; providerTimeout: number },
  ) {
    this.claimTtl = claimTtlMs(options.providerTimeout);
  }

  /**
   * Bounded: a request waits for the claim to resolve or expire (`claimTtl`), then makes at most
   * one provider call of its own — about `providerTimeout + claimTtl` at worst.
   */
  async run<T extends { seal: string }>(session: Session, organizationId: string | undefined, work: RefreshWork<T>): Promise<T> {
    const key = await refreshKey(session.refreshToken, organizationId);
    // Waiting ends, whatever happens, when this request could have waited out a dead claim and
    // refreshed itself: no chain of dying claimants stretches it.
    const hardStop = Date.now() + this.claimTtl + this.options.providerTimeout;
    let waitUntil: number | undefined;
    // A key that keeps vanishing between our SET NX and GET is a store misbehaving: stop after a few.
    for (let attempt = 0; attempt < MAX_CLAIMS; attempt++) {
      let claimed: boolean;
      try {
        claimed = (await this.call((s) => s.setIfAbsent(key, `c:${crypto.randomUUID()}`, this.claimTtl))) === true;
      } catch (error) {
        // Once another instance holds the key, refreshing ourselves would reuse its token.
        if (waitUntil !== undefined) throw this.storeLost(error);
        return this.fallback(key, work, error);
      }
      if (claimed) return this.claimant(key, session, work);
      // A claim we find expires within claimTtl (plus a poll); one taken over from a dead claimant
      // gets what we would have spent refreshing ourselves.
      waitUntil = Math.min(hardStop, waitUntil === undefined ? Date.now() + this.claimTtl + POLL_MAX_MS : Date.now() + this.options.providerTimeout + STORE_TIMEOUT_MS);
      const outcome = await this.waitFor(key, session, work, waitUntil);
      // Gone: the claimant died and its claim expired (or an old outcome aged out). Claim it.
      if (outcome !== GONE) return outcome;
    }
    throw new ProviderError('The refresh store keeps losing this refresh\'s key; kept the session.', { transient: true });
  }

  /** Polls the key with backoff until another instance's outcome is there, the key is gone, or the deadline. */
  private async waitFor<T extends { seal: string }>(key: string, session: Session, work: RefreshWork<T>, waitUntil: number): Promise<T | typeof GONE> {
    let delay = POLL_FIRST_MS;
    for (;;) {
      let value: unknown;
      try {
        value = await this.call((s) => s.get(key));
      } catch (error) {
        throw this.storeLost(error);
      }
      if (value === null || value === undefined) return GONE;
      const outcome = await this.take(value, key, session, work);
      if (outcome !== PENDING) return outcome;
      const pause = Math.min(delay * (0.75 + Math.random() / 2), waitUntil - Date.now());
      if (pause <= 0) {
        throw new ProviderError('Another instance is still refreshing this session (waited as long as a refresh may take); kept the session.', { transient: true });
      }
      await sleep(pause);
      delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
    }
  }

  /** We hold the claim: refresh, then publish the outcome for the others. */
  private async claimant<T extends { seal: string }>(key: string, session: Session, work: RefreshWork<T>): Promise<T> {
    let result: T;
    try {
      result = await work.refresh();
    } catch (error) {
      const definitive = error instanceof ProviderError && !error.transient;
      await this.publish(key, definitive ? `r:${await this.sealRefusal(key, session, error.providerCode)}` : 't:', definitive ? PUBLISH_GRACE_MS : TRANSIENT_MS);
      throw error;
    }
    await this.publish(key, `s:${result.seal}`, PUBLISH_GRACE_MS);
    return result;
  }

  /**
   * The store failed before we learned anything: refresh in this process, as without a store. A
   * refusal may then be a race lost to a sibling the store would have held back, so it keeps the
   * cookie (the store being down must never sign anybody out).
   */
  private async fallback<T extends { seal: string }>(key: string, work: RefreshWork<T>, cause: unknown): Promise<T> {
    this.warn(`the refresh store is unavailable (${describe(cause)}); refreshing in this process only`);
    let result: T;
    try {
      result = await work.refresh();
    } catch (error) {
      if (error instanceof ProviderError && !error.transient) {
        throw new ProviderError(`${error.message} Kept the session: the refresh store was unavailable, so this refusal may be a race lost to another instance.`, { transient: true, outage: false, providerCode: error.providerCode, cause: error });
      }
      throw error;
    }
    // Our claim may have landed after its timeout: publish anyway, in the background, so nobody
    // waits for it to expire and then reuses the token.
    void this.publish(key, `s:${result.seal}`, PUBLISH_GRACE_MS);
    return result;
  }

  /** A value another instance wrote: the outcome, or PENDING while the claim holds. */
  private async take<T extends { seal: string }>(value: unknown, key: string, session: Session, work: RefreshWork<T>): Promise<T | typeof PENDING> {
    if (typeof value !== 'string') throw this.refused('a value this SDK did not write');
    if (value.startsWith('c:')) return PENDING;
    if (value.startsWith('t:')) throw new ProviderError('The instance refreshing this session met a provider outage; kept the session.', { transient: true });
    if (value.startsWith('s:')) {
      const seal = value.slice(2);
      const next = await unsealSession(seal, this.options.password);
      // A valid seal of another user or provider session (a value swapped in the store) is refused.
      if (next && next.user.id === session.user.id && sessionIdOf(next) === sessionIdOf(session)) {
        const adopted = await work.adopt(next, seal);
        if (adopted) return adopted;
      }
      throw this.refused('a session that is not the one this cookie holds');
    }
    if (value.startsWith('r:')) {
      const refusal = await this.unsealRefusal(value.slice(2));
      if (refusal && refusal.k === key && refusal.sub === session.user.id && refusal.sid === (sessionIdOf(session) ?? null)) {
        throw new ProviderError('The provider refused this refresh token (another instance asked first).', { transient: false, providerCode: refusal.code });
      }
      throw this.refused('a refusal that is not for this session');
    }
    throw this.refused('a value this SDK did not write');
  }

  private async publish(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.call((s) => s.set(key, value, ttlMs));
    } catch (error) {
      this.warn(`could not publish a refresh outcome to the refresh store (${describe(error)})`);
    }
  }

  /** Bound to this key, user and provider session: a refusal copied elsewhere signs nobody out. */
  private sealRefusal(key: string, session: Session, code: string | undefined): Promise<string> {
    const refusal: Refusal = { k: key, sub: session.user.id, sid: sessionIdOf(session) ?? null };
    if (code) refusal.code = code;
    return sealData(refusal, { password: this.options.password, ttl: PUBLISH_GRACE_MS / 1000 + 60 });
  }

  private async unsealRefusal(seal: string): Promise<Refusal | null> {
    try {
      const data = await unsealData<Partial<Refusal>>(seal, { password: this.options.password, ttl: 0 });
      if (typeof data.k !== 'string' || typeof data.sub !== 'string') return null;
      return { k: data.k, sub: data.sub, sid: typeof data.sid === 'string' ? data.sid : null, ...(typeof data.code === 'string' ? { code: data.code } : {}) };
    } catch {
      return null;
    }
  }

  /** Lost the store after another instance took the key: answer as an outage, never reuse the token. */
  private storeLost(cause: unknown): ProviderError {
    this.warn(`the refresh store became unavailable while another instance was refreshing (${describe(cause)})`);
    return new ProviderError('The refresh store became unavailable while another instance was refreshing this session; kept the session.', { transient: true, cause });
  }

  private refused(what: string): ProviderError {
    this.warn(`the refresh store held ${what}; refused it (a value swapped in the store, or another app sharing it)`);
    return new ProviderError(`The refresh store held ${what}; refused it and kept the session.`, { transient: true });
  }

  /** Every store call is bounded; a late answer (or failure) after the timeout is dropped. */
  private call<R>(op: (store: RefreshStore) => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
      Promise.resolve()
        .then(() => op(this.store))
        .then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
    });
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    console.warn(`[authkit-stepup] ${message}.`);
  }
}

/** The provider session (`sid`) a session belongs to: its access token's, else its ID token's. */
function sessionIdOf(session: Session): string | undefined {
  try {
    const sid = decodeJwt(session.accessToken).sid;
    if (typeof sid === 'string' && sid !== '') return sid;
  } catch {
    // Not a JWT we can read: fall through to the ID-token claims.
  }
  const sid = session.idClaims?.sid;
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
}

/** A store client's error, short: some quote the whole command, and a log needs no sealed session. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 120 ? `${message.slice(0, 120)}…` : message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
