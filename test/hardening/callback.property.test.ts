import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthKit } from '../../src/index.js';
import { APP, FOREIGN_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { forgeTransaction, txCookieName, txCookieOf, type TxCookie } from '../helpers/transactions.js';
import { isSameOriginPath, returnToArb, runs, sessionSetCookies, withUnhandledRejections } from './support/checks.js';

// Invariants 5 and 9 by property: the callback / auth route, fed random query strings and random,
// mutated, foreign or misplaced transaction cookies, answers a 4xx or a redirect that stays on the
// app (or goes to this provider's authorize/logout endpoint) — never a 5xx, never a rejection nobody
// handles, and never a session cookie on a rejected callback.
describe('callback and auth route under random input (invariants 5, 9)', () => {
  let h: Harness;
  let kit: AuthKit;
  let session: string;
  const tx: Record<'signIn' | 'stepUp', TxCookie> = {} as never;
  let foreign: string;

  beforeAll(async () => {
    h = await startHarness();
    kit = h.kit;
    // An hour-old sign-in, so the step-up below needs a round trip (a met requirement has none).
    await h.signIn({ email: 'alice@example.com', authTime: Math.floor(Date.now() / 1000) - 3600 });
    session = h.app.get('wos-session')!;
    for (const [key, start] of [
      ['signIn', await kit.signIn(h.request('/'), { returnTo: '/dashboard' })],
      ['stepUp', await kit.stepUp(h.request('/'), { returnTo: '/settings', mfa: true, maxAge: 60 })],
    ] as const) {
      tx[key] = txCookieOf(start);
    }
    foreign = await forgeTransaction({ state: tx.signIn.state }, { password: FOREIGN_PASSWORD });
  });
  afterAll(() => h.close());

  const flip = (s: string, at: number) => {
    const i = at % s.length;
    return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  };
  const stateLike = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);

  // A real state about half the time: the stages behind the transaction lookup (provider errors,
  // a missing code, the code exchange) need one, and the coverage check below counts on reaching them.
  const stateArb = fc.oneof(
    { arbitrary: fc.constantFrom(() => tx.signIn.state, () => tx.stepUp.state).map((f) => ({ value: f })), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom('signIn', 'stepUp' as const), fc.nat()).map(([k, at]) => ({ value: () => flip(tx[k].state, at) })), weight: 1 },
    { arbitrary: stateLike.map((s) => ({ value: () => s })), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => ({ value: () => s })), weight: 1 },
  );

  /** Each parameter present about half the time (state more often), so deep paths get reached. */
  const paramArb = (state: () => string) =>
    fc
      .record(
        {
          state: fc.constantFrom(true, true, true, false).map((on) => (on ? [() => `state=${encodeURIComponent(state())}`] : [])),
          // Absent half the time beyond the record's own optional keys: a callback without a code
          // (and without an error) is its own stage.
          code: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('0', 'abc', 'x'.repeat(600))), { freq: 2 }).map((v) => (v === null ? [] : [() => `code=${encodeURIComponent(v)}`])),
          error: fc.constantFrom('access_denied', 'access_denied', 'login_required', 'server_error', '', '<script>').map((v) => [() => `error=${encodeURIComponent(v)}`]),
          description: fc.string({ unit: 'binary', maxLength: 300 }).map((v) => [() => `error_description=${encodeURIComponent(v)}`]),
          authkit: fc.constantFrom('sign-in', 'step-up', 'refresh', 'sign-out', 'callback', '', 'SIGN-IN').map((v) => [() => `authkit=${v}`]),
          returnTo: returnToArb.map((v) => [() => `returnTo=${encodeURIComponent(v)}`]),
          maxAge: fc.constantFrom('0', '-1', '1e400', '1e300', 'NaN', '60.7', '', '0x10').map((v) => [() => `maxAge=${v}`]),
          flags: fc.subarray(['mfa=1', 'mfa=true', 'popup=1', 'popup=0']).map((v) => v.map((f) => () => f)),
          // Raw, unencoded noise (a second state, stray separators): the URL parser percent-encodes what it must.
          noise: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }).map((v) => v.replace(/#/g, '%23')), stateLike.map((v) => `state=${v}`)), { maxLength: 3 }).map((v) => v.map((n) => () => n)),
        },
        { requiredKeys: ['state'] },
      )
      .map((r) => Object.values(r).flat());

  type CookiePick = 'session' | 'mutatedSession' | 'signInTx' | 'stepUpTx' | 'mutatedTx' | 'foreignTx' | 'movedTx' | 'forgedTx';
  // Several picks carry the same cookie name (the session and its mutation; the variants filed under
  // the state's name), and the first of a name wins: the order is shuffled so each gets its turn.
  // The forged fields lean towards well-formed (v 1, a sign-in, an old startedAt) so that the
  // checks behind the version and kind — expiry — are reached often, not by luck.
  const cookiesArb = fc.tuple(
    fc.shuffledSubarray<CookiePick>(['session', 'mutatedSession', 'signInTx', 'stepUpTx', 'mutatedTx', 'foreignTx', 'movedTx', 'forgedTx']),
    fc.nat(),
    fc.record({
      kind: fc.constantFrom('sign-in', 'sign-in', 'step-up', 'other'),
      startedAt: fc.oneof(
        fc.constant(0),
        fc.integer({ min: -2000, max: -601 }).map((d) => Math.floor(Date.now() / 1000) + d),
        fc.integer({ min: -2000, max: 2000 }).map((d) => Math.floor(Date.now() / 1000) + d),
      ),
      v: fc.constantFrom(1, 1, 2, '1'),
      maxAge: fc.option(fc.oneof(fc.nat(1000), fc.constant(-1)), { nil: undefined }),
      mfa: fc.option(fc.boolean(), { nil: undefined }),
      sub: fc.option(fc.constantFrom('user_other', 'ALICE'), { nil: undefined }),
    }),
  );

  async function cookieHeader(picks: CookiePick[], at: number, forgedFields: Record<string, unknown>, rawState: string): Promise<string> {
    // Cookie names a browser could send: a state that cannot be one files the cookie under a real state.
    const state = /^[A-Za-z0-9_-]+$/.test(rawState) ? rawState : tx.signIn.state;
    const out: string[] = [];
    for (const pick of picks) {
      switch (pick) {
        case 'session':
          out.push(`wos-session=${session}`);
          break;
        case 'mutatedSession':
          out.push(`wos-session=${flip(session, at)}`);
          break;
        case 'signInTx':
          out.push(tx.signIn.pair);
          break;
        case 'stepUpTx':
          out.push(tx.stepUp.pair);
          break;
        case 'mutatedTx':
          out.push(`${txCookieName(state)}=${flip(tx.signIn.value, at)}`);
          break;
        case 'foreignTx':
          out.push(`${txCookieName(state)}=${foreign}`);
          break;
        case 'movedTx':
          out.push(`${txCookieName(state)}=${tx.stepUp.value}`);
          break;
        case 'forgedTx': {
          // Our own password around fields an attacker would like: old, future, wrong version, other user.
          const fields = { ...forgedFields, sub: forgedFields.sub === 'ALICE' ? h.idp.users[0]!.id : forgedFields.sub };
          out.push(`${txCookieName(state)}=${await forgeTransaction({ state, returnTo: '/forged', ...fields })}`);
          break;
        }
      }
    }
    return out.join('; ');
  }

  function allowedRedirect(location: string | null): boolean {
    if (isSameOriginPath(location)) return true;
    if (!location || !URL.canParse(location)) return false;
    const url = new URL(location);
    if (url.origin !== h.idp.url) return false;
    if (url.pathname === '/user_management/authorize') {
      return url.searchParams.get('redirect_uri') === `${APP}/callback` && url.searchParams.get('client_id') === h.idp.clientId;
    }
    if (url.pathname === '/user_management/sessions/logout') {
      return new URL(url.searchParams.get('return_to')!).origin === APP;
    }
    return false;
  }

  it('always a 4xx or an allowed redirect; a rejected callback never sets the session', async () => {
    const codeExchanges = h.idp.stats().codeExchanges;
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    const numRuns = runs(1500);
    const { unhandled } = await withUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(
          stateArb.chain((state) => fc.tuple(fc.constant(state.value), paramArb(state.value), cookiesArb, fc.boolean())),
          async ([state, params, [picks, at, forgedFields], viaAuthRoute]) => {
            const query = params.map((p) => p()).join('&');
            const request = new Request(`${APP}/callback?${query}`, { headers: { cookie: await cookieHeader(picks, at, forgedFields, state()) } });
            const res = viaAuthRoute ? await kit.handleAuthRoute(request) : await kit.handleCallback(request);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const where = `${viaAuthRoute ? 'handleAuthRoute' : 'handleCallback'} ?${query} [${picks.join(',')}] → ${res.status} ${res.headers.get('location') ?? ''}`;

            expect(res.status < 500, where).toBe(true);
            expect(res.headers.get('cache-control'), where).toBe('private, no-store');
            expect(res.headers.get('vary'), where).toBe('Cookie');
            const action = viaAuthRoute ? new URL(request.url).searchParams.get('authkit') : null;
            const isAction = action === 'sign-in' || action === 'step-up' || action === 'refresh' || action === 'sign-out';
            if (res.status >= 400) {
              expect(res.status < 500, where).toBe(true);
              // Rejected: an explanation, never another redirect (no loops), session cookie untouched.
              expect(res.headers.get('location'), where).toBeNull();
              expect(sessionSetCookies(res), where).toEqual([]);
              const code = /<code>([a-z_]+)<\/code>/.exec(await res.text())?.[1];
              expect(code, where).toBeDefined();
              codes.add(code!);
              return;
            }
            // No random input completes a callback: only the auth route's own actions redirect.
            expect(isAction, where).toBe(true);
            expect([302, 303], where).toContain(res.status);
            expect(allowedRedirect(res.headers.get('location')), where).toBe(true);
            const written = sessionSetCookies(res).filter((c) => !/Max-Age=0/.test(c));
            expect(written, where).toEqual([]);
            if (action !== 'sign-out') expect(sessionSetCookies(res), where).toEqual([]);
          },
        ),
        { numRuns },
      ),
    );
    expect(unhandled).toEqual([]);
    // Not one random callback was accepted by the provider.
    expect(h.idp.stats().codeExchanges).toBe(codeExchanges);
    // The property saw both sides: rejections and the auth route's redirects.
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect(statuses.get(302) ?? 0).toBeGreaterThan(0);
    if (numRuns >= 1000) {
      // Deep enough to reach every stage of the callback, up to the provider's token endpoint.
      expect([...codes].sort()).toEqual(expect.arrayContaining(['code_exchange_failed', 'missing_code', 'missing_state', 'provider_error', 'step_up_cancelled', 'transaction_expired', 'unknown_state']));
    }
  });

  it('the real transaction with random codes: always code_exchange_failed (400), session untouched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.base64String({ minLength: 4, maxLength: 64 })), async (code) => {
        const res = await kit.handleCallback(
          new Request(`${APP}/callback?state=${tx.signIn.state}&code=${encodeURIComponent(code)}`, {
            headers: { cookie: `wos-session=${session}; ${tx.signIn.pair}` },
          }),
        );
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('code_exchange_failed');
        expect(sessionSetCookies(res)).toEqual([]);
        // The consumed transaction is deleted, nothing else.
        expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(new RegExp(`^${tx.signIn.name}=; .*Max-Age=0`))]);
      }),
      { numRuns: Math.max(20, Math.floor(runs(1500) / 10)) },
    );
  });
});
