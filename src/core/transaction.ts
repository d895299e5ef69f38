import { sealData, unsealData } from 'iron-session';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomNonce, generateRandomState } from 'oauth4webapi';
import type { ResolvedConfig } from './config.js';
import { deletion } from './cookies.js';
import type { CookieOptions, CookieToSet } from './types.js';

/**
 * SECURITY.md §4: each sign-in and step-up carries its own short-lived transaction, sealed in an
 * HttpOnly cookie named after its `state`, so parallel tabs never overwrite each other.
 */
export const TRANSACTION_TTL = 600;

/**
 * SECURITY.md §10: a browser holds at most this many pending transactions, in at most this many
 * Cookie-header bytes; starting another evicts the oldest. Unbounded, abandoned flows (or a
 * page that makes the victim start many) fill the Cookie header until the server answers 431.
 */
export const MAX_PENDING_TRANSACTIONS = 3;
export const MAX_PENDING_TRANSACTION_BYTES = 3072;
/** A longer `returnTo` is cut to its path, or to `/`: it rides in every pending transaction. */
export const MAX_TRANSACTION_RETURN_TO = 512;

interface TransactionBase {
  v: 1;
  state: string;
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** Epoch seconds when the flow began. */
  startedAt: number;
  /** The callback answers a popup opener instead of redirecting. */
  popup?: boolean;
}

export interface SignInTransaction extends TransactionBase {
  kind: 'sign-in';
}

export interface StepUpTransaction extends TransactionBase {
  kind: 'step-up';
  /** `max_age` sent to the provider; the callback holds `auth_time` to it. */
  maxAge: number;
  mfa?: boolean;
  /** Who must come back, and their provider session. */
  sub: string;
  sid: string;
  previousAuthTime?: number;
  /** The client's one-time id for a stored call, echoed back only on an accepted step-up (§12). */
  resume?: string;
}

export type Transaction = SignInTransaction | StepUpTransaction;

type Fields<T> = T extends Transaction ? Omit<T, 'v' | 'state' | 'codeVerifier' | 'nonce' | 'startedAt'> : never;
export type NewTransaction = Fields<Transaction>;

const STATE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

function transactionPrefix(config: ResolvedConfig): string {
  return `${config.cookieName}-tx-`;
}

export function transactionCookieName(config: ResolvedConfig, state: string): string {
  return `${transactionPrefix(config)}${state}`;
}

function transactionCookieOptions(config: ResolvedConfig): CookieOptions {
  // Path=/ so that whoever starts a flow sees the pending ones and can keep their number bounded.
  const options: CookieOptions = {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    path: '/',
    maxAge: TRANSACTION_TTL,
  };
  if (config.cookieDomain) options.domain = config.cookieDomain;
  return options;
}

/** `returnTo` short enough to seal: the path without its query, else `/`. */
export function boundReturnTo(returnTo: string): string {
  if (returnTo.length <= MAX_TRANSACTION_RETURN_TO) return returnTo;
  const path = returnTo.split(/[?#]/, 1)[0]!;
  return path.length <= MAX_TRANSACTION_RETURN_TO ? path : '/';
}

/** Bytes a cookie adds to the Cookie header (`name=value; `). */
const headerBytes = (name: string, value: string): number => name.length + value.length + 3;

/**
 * Deletions for the pending transactions that do not fit beside a new one of `incoming` bytes,
 * oldest first. Age comes from the expiry iron wrote into each seal: unauthenticated, but it only
 * orders evictions, and a forged value can at worst evict the forger's own cookies.
 */
function evictions(config: ResolvedConfig, requestCookies: Map<string, string>, incoming: number): CookieToSet[] {
  const prefix = transactionPrefix(config);
  const pending = [...requestCookies]
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, value]) => ({ name, bytes: headerBytes(name, value), expires: sealExpiration(value) }))
    .sort((a, b) => b.expires - a.expires);
  let count = 1;
  let bytes = incoming;
  const evicted: CookieToSet[] = [];
  for (const tx of pending) {
    if (count < MAX_PENDING_TRANSACTIONS && bytes + tx.bytes <= MAX_PENDING_TRANSACTION_BYTES) {
      count++;
      bytes += tx.bytes;
    } else {
      evicted.push(deletion(tx.name, transactionCookieOptions(config)));
    }
  }
  return evicted;
}

/**
 * Seals a new transaction. Write `evicted` (deletions of older pending transactions, see
 * `MAX_PENDING_TRANSACTIONS`) along with `cookie`.
 */
export async function createTransaction(
  config: ResolvedConfig,
  fields: NewTransaction,
  requestCookies: Map<string, string>,
  now: number = Math.floor(Date.now() / 1000),
): Promise<{ transaction: Transaction; codeChallenge: string; cookie: CookieToSet; evicted: CookieToSet[] }> {
  const transaction = {
    v: 1,
    state: generateRandomState(),
    codeVerifier: generateRandomCodeVerifier(),
    nonce: generateRandomNonce(),
    startedAt: now,
    ...fields,
    returnTo: boundReturnTo(fields.returnTo),
  } as Transaction;
  const [codeChallenge, sealed] = await Promise.all([
    calculatePKCECodeChallenge(transaction.codeVerifier),
    sealData(transaction, { password: config.cookiePassword, ttl: TRANSACTION_TTL }),
  ]);
  const name = transactionCookieName(config, transaction.state);
  return {
    transaction,
    codeChallenge,
    cookie: { name, value: sealed, options: transactionCookieOptions(config) },
    evicted: evictions(config, requestCookies, headerBytes(name, sealed)),
  };
}

export type TransactionLookup =
  | { ok: true; transaction: Transaction }
  | { ok: false; code: 'missing_state' | 'unknown_state' | 'transaction_expired' };

export async function readTransaction(
  config: ResolvedConfig,
  cookies: Map<string, string>,
  state: string | null,
  now: number = Math.floor(Date.now() / 1000),
): Promise<TransactionLookup> {
  if (!state) return { ok: false, code: 'missing_state' };
  if (!STATE_PATTERN.test(state)) return { ok: false, code: 'unknown_state' };
  const sealed = cookies.get(transactionCookieName(config, state));
  if (!sealed) return { ok: false, code: 'unknown_state' };
  let data: Partial<Transaction>;
  try {
    data = await unsealData<Transaction>(sealed, { password: config.cookiePassword, ttl: TRANSACTION_TTL });
  } catch {
    return { ok: false, code: 'unknown_state' };
  }
  // An empty result is a seal past its TTL or not ours; a state mismatch is a cookie moved under another name.
  if (data.v !== 1 || typeof data.startedAt !== 'number') return { ok: false, code: sealExpired(sealed, now) ? 'transaction_expired' : 'unknown_state' };
  if (data.state !== state || !wellFormed(data)) return { ok: false, code: 'unknown_state' };
  if (now - data.startedAt > TRANSACTION_TTL) return { ok: false, code: 'transaction_expired' };
  return { ok: true, transaction: data as Transaction };
}

/** A step-up always knows who must come back and what was asked. */
function wellFormed(data: Partial<Transaction>): boolean {
  if (data.kind === 'sign-in') return true;
  return data.kind === 'step-up' && typeof data.sub === 'string' && typeof data.sid === 'string' && typeof data.maxAge === 'number';
}

/** The expiry (ms) iron wrote into a seal (`Fe26.2*…*expiration*…`), or 0. Unauthenticated. */
function sealExpiration(sealed: string): number {
  const expiration = Number(sealed.split('~')[0]!.split('*')[5]);
  return Number.isFinite(expiration) && expiration > 0 ? expiration : 0;
}

/**
 * iron-session answers `{}` both for a seal past its TTL and for one that is not ours (another
 * password, tampered). The expiry iron wrote into the seal (`Fe26.2*…*expiration*…`, ms) tells
 * them apart — unauthenticated, so it only picks the message, never whether to accept.
 */
function sealExpired(sealed: string, now: number): boolean {
  const expiration = sealExpiration(sealed);
  return expiration > 0 && expiration <= now * 1000;
}

export function deleteTransactionCookie(config: ResolvedConfig, state: string): CookieToSet {
  return deletion(transactionCookieName(config, state), transactionCookieOptions(config));
}
