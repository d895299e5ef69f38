import { UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthKit, StepUpRejection } from '../../src/index.js';
import { APP, FOREIGN_PASSWORD, Jar, startHarness, type Harness } from '../helpers/flow.js';
import { forgeTransaction, stateOf, txCookieName, txCookieOf } from '../helpers/transactions.js';
import { CLIENT_ID, startFakeWorkos, USER_ID, type FakeWorkos } from './support/fake-workos.js';
import { sessionSetCookies } from './support/checks.js';

// Invariant 5 beyond test/integration/step-up.test.ts: each attack on the callback is rejected with
// its own code, touches nothing but the consumed transaction cookie, leaves the session exactly as
// it was, and answers with a page — never another redirect (a loop).
const now = () => Math.floor(Date.now() / 1000);

async function expectRejected(res: Response, code: string, options: { status?: number } = {}) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  if (options.status) expect(res.status).toBe(options.status);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  const body = await res.text();
  expect(body).toContain(`<code>${code}</code>`);
  expect(sessionSetCookies(res)).toEqual([]);
  // Whatever is written is the deletion of a transaction cookie.
  for (const line of res.headers.getSetCookie()) expect(line).toMatch(/^wos-session-tx-[\w-]+=; .*Max-Age=0/);
}

describe('callback attacks against the dev IdP', () => {
  let h: Harness;
  let stats: ReturnType<Harness['idp']['stats']>;
  /** IdP counters since the test began. */
  const delta = (key: keyof typeof stats) => h.idp.stats()[key] - stats[key];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    // A fresh browser per test, same IdP.
    h.app = new Jar();
    h.idpJar = new Jar();
    stats = h.idp.stats();
  });
  afterEach(() => vi.useRealTimers());

  /** The jar's session before the attack, to compare with after it. */
  async function snapshot() {
    return { cookie: h.app.get('wos-session'), auth: await h.kit.getSession(h.app.header()) };
  }
  async function expectUnchanged(before: Awaited<ReturnType<typeof snapshot>>, res: Response) {
    h.app.store(res);
    expect(h.app.get('wos-session')).toBe(before.cookie);
    expect(await h.kit.getSession(h.app.header())).toEqual(before.auth);
  }
  /** The callback for `state` from the jar's browser, with `tx` planted as that state's transaction cookie. */
  function callbackWithTx(state: string, tx: string, code = 'whatever') {
    return h.kit.handleCallback(h.request(`/callback?code=${code}&state=${state}`, { headers: { cookie: `${h.app.header()}; ${txCookieName(state)}=${tx}` } }));
  }

  it('a state replayed after a successful sign-in is unknown_state, and the new session stays', async () => {
    const callback = await h.throughIdp(await h.kit.signIn(h.request('/'), { returnTo: '/inbox' }), {});
    const done = await h.kit.handleCallback(callback);
    expect(done.headers.get('location')).toBe('/inbox');
    h.app.store(done);
    const before = await snapshot();
    expect(before.auth?.user.email).toBe('alice@example.com');
    // The browser (or whoever has the URL from history/logs) opens the callback again.
    const replay = await h.kit.handleCallback(h.request(new URL(callback.url).pathname + new URL(callback.url).search));
    await expectRejected(replay, 'unknown_state', { status: 400 });
    await expectUnchanged(before, replay);
    expect(delta('codeExchanges')).toBe(1);
  });

  it('code injection: a valid code from another login (another PKCE verifier) under our state is code_exchange_failed', async () => {
    await h.signIn({ email: 'alice@example.com' });
    const before = await snapshot();
    // The victim's browser has a transaction for its own sign-in…
    const victimStart = await h.kit.signIn(h.request('/'));
    h.app.store(victimStart);
    const victimState = stateOf(victimStart);
    // …and the attacker completes a login of their own at the IdP (own PKCE challenge) and keeps the code.
    const attackerStart = await h.newKit().signIn(new Request(`${APP}/`));
    h.idp.nextLogin({ email: 'bob@example.com' });
    const attackerAuthorize = await fetch(attackerStart.headers.get('location')!, { redirect: 'manual' });
    const attackerCode = new URL(attackerAuthorize.headers.get('location')!).searchParams.get('code')!;
    const res = await h.kit.handleCallback(h.request(`/callback?code=${encodeURIComponent(attackerCode)}&state=${victimState}`));
    await expectRejected(res, 'code_exchange_failed', { status: 400 });
    await expectUnchanged(before, res);
    expect(delta('codeExchangeFailures')).toBe(1);
  });

  it('a transaction older than its 10-minute TTL is transaction_expired (clock moved on)', async () => {
    await h.signIn();
    const before = await snapshot();
    const callback = await h.throughIdp(await h.kit.stepUp(h.request('/'), { returnTo: '/billing' }), {});
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 601_000);
    const res = await h.kit.handleCallback(callback);
    vi.useRealTimers();
    await expectRejected(res, 'transaction_expired', { status: 400 });
    await expectUnchanged(before, res);
    // The code was never sent to the provider (the one exchange is the sign-in's).
    expect(delta('authenticateRequests')).toBe(1);
  });

  it('a transaction with a fresh seal but an old startedAt is transaction_expired', async () => {
    await h.signIn();
    const before = await snapshot();
    const state = stateOf(await h.kit.signIn(h.request('/')));
    const old = await forgeTransaction({ state, startedAt: now() - 601 });
    const res = await callbackWithTx(state, old);
    await expectRejected(res, 'transaction_expired', { status: 400 });
    await expectUnchanged(before, res);
    expect(delta('authenticateRequests')).toBe(1); // only the sign-in's own exchange
  });

  it('a transaction cookie sealed with another password, or tampered, is unknown_state (not "expired")', async () => {
    await h.signIn();
    const before = await snapshot();
    const { state, value: genuine } = txCookieOf(await h.kit.signIn(h.request('/')));
    const foreign = await forgeTransaction({ state }, { password: FOREIGN_PASSWORD });
    const tampered = genuine.replace(/\*([A-Za-z0-9_-])([A-Za-z0-9_-]*)\*(\d+)\*/, (_m, c: string, rest: string, exp: string) => `*${c === 'A' ? 'B' : 'A'}${rest}*${exp}*`);
    expect(tampered).not.toBe(genuine);
    for (const value of [foreign, tampered]) {
      const res = await callbackWithTx(state, value);
      await expectRejected(res, 'unknown_state', { status: 400 });
      await expectUnchanged(before, res);
    }
    expect(delta('authenticateRequests')).toBe(1);
  });

  it('a transaction moved under another state’s cookie name is unknown_state', async () => {
    await h.signIn();
    const before = await snapshot();
    const { value: valueA } = txCookieOf(await h.kit.signIn(h.request('/')));
    const stateB = stateOf(await h.kit.signIn(h.request('/')));
    const res = await callbackWithTx(stateB, valueA, 'x');
    await expectRejected(res, 'unknown_state', { status: 400 });
    await expectUnchanged(before, res);
  });

  it('error=access_denied on a step-up is step_up_cancelled; the session and its authTime are unchanged', async () => {
    const rejections: StepUpRejection[] = [];
    const kit = h.newKit({ onStepUpRejected: (e) => void rejections.push(e) });
    await h.signIn({ authTime: now() - 900 });
    const before = await snapshot();
    const start = await kit.stepUp(h.request('/'), { maxAge: 60, mfa: true, returnTo: '/keys' });
    h.app.store(start);
    const state = stateOf(start);
    const res = await kit.handleCallback(h.request(`/callback?error=access_denied&error_description=${encodeURIComponent('The user cancelled')}&state=${state}`));
    await expectRejected(res, 'step_up_cancelled', { status: 400 });
    await expectUnchanged(before, res);
    expect(before.auth!.authTime).toBeLessThan(now() - 800);
    expect(rejections).toEqual([expect.objectContaining({ code: 'step_up_cancelled', userId: before.auth!.user.id, returnTo: '/keys', requirement: { maxAge: 60, mfa: true } })]);
    // The transaction is consumed: the same error link again is unknown_state, not another cancel.
    const again = await kit.handleCallback(h.request(`/callback?error=access_denied&state=${state}`));
    await expectRejected(again, 'unknown_state');
  });

  it('an HTML-injection attempt in error_description is escaped on the error page', async () => {
    const start = await h.kit.signIn(h.request('/'));
    h.app.store(start);
    const state = stateOf(start);
    const res = await h.kit.handleCallback(h.request(`/callback?error=server_error&error_description=${encodeURIComponent('<img src=x onerror=alert(1)>')}&state=${state}`));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toContain('<img');
    expect(body).toContain('&#60;img');
  });
});

// Answers the dev IdP cannot give: tokens without auth_time, from the future, for someone else.
describe('callback attacks through a provider that misbehaves', () => {
  let idp: FakeWorkos;
  let kit: AuthKit;
  let rejections: StepUpRejection[];
  let jar: string;

  beforeAll(async () => {
    idp = await startFakeWorkos();
  });
  afterAll(() => idp.close());
  beforeEach(async () => {
    rejections = [];
    kit = idp.kit({ onStepUpRejected: (e) => void rejections.push(e) });
    jar = `wos-session=${await idp.seal(await idp.sign({ auth_time: now() - 3600, amr: ['pwd'] }))}`;
  });

  /** Starts a step-up from the signed-in jar and returns the callback request the provider would send back. */
  async function stepUpCallback(options: { maxAge?: number; mfa?: boolean } = {}) {
    const start = await kit.stepUp(new Request(`${APP}/settings`, { method: 'POST', headers: { cookie: jar } }), { returnTo: '/settings/danger', ...options });
    expect(start.status).toBe(303);
    const { state, pair } = txCookieOf(start);
    return new Request(`${APP}/callback?code=code_from_provider&state=${state}`, { headers: { cookie: `${jar}; ${pair}` } });
  }

  function answer(claims: JWTPayload | string, userId = USER_ID) {
    idp.onAuthenticate(async () => ({
      json: {
        user: idp.user(userId),
        access_token: typeof claims === 'string' ? claims : await idp.sign({ sid: 'session_01HARDENING', ...claims }),
        refresh_token: 'rt_new',
        authentication_method: 'Password',
      },
    }));
  }

  async function expectStepUpRejected(code: string, options: { maxAge?: number; mfa?: boolean } = {}) {
    const before = await kit.getSession(jar);
    const res = await kit.handleCallback(await stepUpCallback(options));
    await expectRejected(res, code);
    expect(await kit.getSession(jar)).toEqual(before);
    expect(rejections.map((r) => r.code)).toEqual([code]);
  }

  it('the control: a well-formed re-authentication is accepted and resealed', async () => {
    answer({ auth_time: now(), amr: ['pwd', 'otp', 'mfa'] });
    const res = await kit.handleCallback(await stepUpCallback({ mfa: true }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/settings/danger');
    expect(sessionSetCookies(res)).toHaveLength(1);
  });

  it('a step-up whose new token has no auth_time is step_up_stale', async () => {
    answer({ amr: ['pwd', 'otp', 'mfa'] });
    await expectStepUpRejected('step_up_stale');
  });

  it('a step-up whose auth_time is not a number is step_up_stale', async () => {
    answer({ auth_time: String(now()) as unknown as number, amr: ['mfa'] });
    await expectStepUpRejected('step_up_stale');
  });

  // Decision (SECURITY.md): an auth_time beyond the clock tolerance in the future is not proof of a
  // re-authentication. Accepting it would also loop: the app's freshness check treats it as stale
  // and starts another step-up, which the same provider answers the same way.
  it('a step-up whose auth_time is far in the future is rejected (invalid_token)', async () => {
    answer({ auth_time: now() + 365 * 86_400, amr: ['pwd', 'otp', 'mfa'] });
    await expectStepUpRejected('invalid_token');
  });

  it('a step-up whose amr is malformed, when MFA was asked for, is step_up_mfa_missing', async () => {
    answer({ auth_time: now(), amr: 'mfa' as unknown as string[] });
    await expectStepUpRejected('step_up_mfa_missing', { mfa: true });
  });

  it('a token for another subject than the authenticate response’s user is invalid_token', async () => {
    answer({ sub: 'user_01SOMEONEELSE', auth_time: now(), amr: ['mfa'] });
    await expectStepUpRejected('invalid_token');
  });

  it('another user in both response and token (account switch during step-up) is step_up_user_mismatch', async () => {
    answer({ sub: 'user_01SOMEONEELSE', auth_time: now(), amr: ['mfa'] }, 'user_01SOMEONEELSE');
    await expectStepUpRejected('step_up_user_mismatch');
  });

  it.each<[string, () => Promise<string>]>([
    ['alg none', async () => new UnsecuredJWT({ iss: idp.url, client_id: CLIENT_ID, sub: USER_ID, exp: now() + 300, auth_time: now(), amr: ['mfa'] }).encode()],
    ['a key the provider does not publish', async () => idp.sign({ auth_time: now(), amr: ['mfa'] }, { key: await idp.newKey() })],
    ['another issuer', async () => idp.sign({ iss: 'https://evil.example', auth_time: now(), amr: ['mfa'] })],
    ['another client', async () => idp.sign({ client_id: 'client_other', auth_time: now(), amr: ['mfa'] })],
    ['an expired token', async () => idp.sign({ iat: now() - 600, exp: now() - 60, auth_time: now(), amr: ['mfa'] })],
  ])('the code exchange returns a forged access token (%s): invalid_token', async (_name, make) => {
    answer(await make());
    await expectStepUpRejected('invalid_token');
  });

  it('the code exchange answers 200 without tokens: code_exchange_failed, nothing written', async () => {
    idp.onAuthenticate(() => ({ json: { user: idp.user() } }));
    await expectStepUpRejected('code_exchange_failed');
  });

  it('a sign-in callback never loops: a rejected callback links back to returnTo, not to the callback', async () => {
    answer({ sub: 'user_01SOMEONEELSE', auth_time: now() });
    const { state, pair } = txCookieOf(await kit.signIn(new Request(`${APP}/`), { returnTo: '/projects' }));
    const res = await kit.handleCallback(new Request(`${APP}/callback?code=c&state=${state}`, { headers: { cookie: pair } }));
    expect(res.headers.get('location')).toBeNull();
    const body = await res.text();
    expect(body).toContain('href="/projects"');
    expect(body).not.toMatch(/http-equiv|location\.(href|replace)|<script/i);
  });
});
