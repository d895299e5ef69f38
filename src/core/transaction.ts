import { sealData, unsealData } from 'iron-session';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomNonce, generateRandomState } from 'oauth4webapi';
import type { ResolvedConfig } from './config.js';
import { deletion } from './cookies.js';
import type { CookieOptions, CookieToSet } from './types.js';

/**
 * Invariant 4: each sign-in and step-up carries its own short-lived transaction, sealed in an
 * HttpOnly cookie named after its `state`, so parallel tabs never overwrite each other.
 */
export const TRANSACTION_TTL = 600;

export interface Transaction {
  v: 1;
  kind: 'sign-in' | 'step-up';
  state: string;
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** Epoch seconds when the flow began. */
  startedAt: number;
  maxAge?: number;
  mfa?: boolean;
  /** Step-up: who must come back, and their session. */
  sub?: string;
  sid?: string;
  previousAuthTime?: number;
  /** The callback answers a popup opener instead of redirecting. */
  popup?: boolean;
}

export type NewTransaction = Omit<Transaction, 'v' | 'state' | 'codeVerifier' | 'nonce' | 'startedAt'>;

const STATE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function transactionCookieName(config: ResolvedConfig, state: string): string {
  return `${config.cookieName}-tx-${state}`;
}

function transactionCookieOptions(config: ResolvedConfig): CookieOptions {
  // Scoped to the callback path: the cookie rides only on the request that consumes it.
  const options: CookieOptions = {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    path: config.redirectUri.pathname || '/',
    maxAge: TRANSACTION_TTL,
  };
  if (config.cookieDomain) options.domain = config.cookieDomain;
  return options;
}

export async function createTransaction(
  config: ResolvedConfig,
  fields: NewTransaction,
  now: number = Math.floor(Date.now() / 1000),
): Promise<{ transaction: Transaction; codeChallenge: string; cookie: CookieToSet }> {
  const transaction: Transaction = {
    v: 1,
    state: generateRandomState(),
    codeVerifier: generateRandomCodeVerifier(),
    nonce: generateRandomNonce(),
    startedAt: now,
    ...fields,
  };
  const [codeChallenge, sealed] = await Promise.all([
    calculatePKCECodeChallenge(transaction.codeVerifier),
    sealData(transaction, { password: config.cookiePassword, ttl: TRANSACTION_TTL }),
  ]);
  return {
    transaction,
    codeChallenge,
    cookie: { name: transactionCookieName(config, transaction.state), value: sealed, options: transactionCookieOptions(config) },
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
  if (data.state !== state) return { ok: false, code: 'unknown_state' };
  if (now - data.startedAt > TRANSACTION_TTL) return { ok: false, code: 'transaction_expired' };
  return { ok: true, transaction: data as Transaction };
}

/**
 * iron-session answers `{}` both for a seal past its TTL and for one that is not ours (another
 * password, tampered). The expiry iron wrote into the seal (`Fe26.2*…*expiration*…`, ms) tells
 * them apart — unauthenticated, so it only picks the message, never whether to accept.
 */
function sealExpired(sealed: string, now: number): boolean {
  const expiration = Number(sealed.split('~')[0]!.split('*')[5]);
  return Number.isFinite(expiration) && expiration > 0 && expiration <= now * 1000;
}

export function deleteTransactionCookie(config: ResolvedConfig, state: string): CookieToSet {
  return deletion(transactionCookieName(config, state), transactionCookieOptions(config));
}
