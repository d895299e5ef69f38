import { sealData } from 'iron-session';
import { TRANSACTION_TTL } from '../../src/core/transaction.js';
import { COOKIE_PASSWORD } from './flow.js';

/**
 * A flow start's transaction cookie (SECURITY.md §4), read and forged the way the attack suites
 * need it: each sign-in or step-up seals `{ v, kind, state, codeVerifier, nonce, returnTo, startedAt, … }`
 * into `wos-session-tx-<state>`, with the app's cookie password, for `TRANSACTION_TTL` seconds.
 */

/** The `state` a flow start sent to the provider (in its redirect's query). */
export function stateOf(start: Response): string {
  const state = new URL(start.headers.get('location')!).searchParams.get('state');
  if (!state) throw new Error(`the flow start sent no state (${start.status} ${start.headers.get('location')})`);
  return state;
}

/** The name of the transaction cookie for `state`. */
export const txCookieName = (state: string): string => `wos-session-tx-${state}`;

export interface TxCookie {
  state: string;
  name: string;
  value: string;
  /** `name=value`, as a Cookie header carries it. */
  pair: string;
  /** The whole `Set-Cookie` line, attributes included. */
  setCookie: string;
}

/** The transaction cookie a flow start set for its own state. */
export function txCookieOf(start: Response): TxCookie {
  const state = stateOf(start);
  const name = txCookieName(state);
  const setCookie = start.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!setCookie) throw new Error(`the flow start set no ${name} cookie`);
  const pair = setCookie.split(';')[0]!;
  return { state, name, value: pair.slice(name.length + 1), pair, setCookie };
}

/**
 * A transaction cookie value sealed as the kit seals one — a sign-in to `/` started now, under the
 * app's password — with `fields` over it: an old `startedAt`, another `kind` or version, another
 * user… `password` seals it as someone else's (FOREIGN_PASSWORD).
 */
export function forgeTransaction(fields: { state: string } & Record<string, unknown>, options: { password?: string } = {}): Promise<string> {
  return sealData(
    { v: 1, kind: 'sign-in', codeVerifier: 'v'.repeat(43), nonce: 'n', returnTo: '/', startedAt: Math.floor(Date.now() / 1000), ...fields },
    { password: options.password ?? COOKIE_PASSWORD, ttl: TRANSACTION_TTL },
  );
}
