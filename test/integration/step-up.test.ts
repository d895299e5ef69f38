import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepUpEvent, StepUpRejection } from '../../src/index.js';
import { APP, startHarness, type Harness } from '../helpers/flow.js';
import { stateOf } from '../helpers/transactions.js';

// Step-up end to end against the dev IdP: invariant 5, the audit hooks, and the resealed session.
describe('step-up', () => {
  let h: Harness;
  const events: StepUpEvent[] = [];
  const rejections: StepUpRejection[] = [];
  beforeEach(async () => {
    events.length = 0;
    rejections.length = 0;
    h = await startHarness({ kit: { onStepUp: (e) => void events.push(e), onStepUpRejected: (e) => void rejections.push(e) } });
  });
  afterEach(() => h.close());

  const now = () => Math.floor(Date.now() / 1000);

  /** Signs in (optionally with an old auth_time), then starts a step-up. */
  async function startStepUp(options: { maxAge?: number; mfa?: boolean; returnTo?: string } = {}, signIn: { email?: string; authTime?: number; amr?: string[] } = {}) {
    await h.signIn({ email: 'alice@example.com', authTime: now() - 3600, ...signIn });
    const before = await h.kit.getSession(h.app.header());
    const start = await h.kit.stepUp(h.request('/settings', { method: 'POST' }), { returnTo: '/settings/danger', ...options });
    return { before: before!, start };
  }

  it('re-authenticates with max_age=0 by default, keeps the session id, moves authTime, reseals', async () => {
    const { before, start } = await startStepUp();
    expect(start.status).toBe(303);
    const url = new URL(start.headers.get('location')!);
    expect(url.searchParams.get('max_age')).toBe('0');
    expect(url.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(url.searchParams.get('organization_id')).toBe(before.organizationId);

    const oldCookie = h.app.get('wos-session');
    const callback = await h.throughIdp(start, {});
    const done = await h.kit.handleCallback(callback);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/settings/danger');
    h.app.store(done);
    expect(h.app.get('wos-session')).not.toBe(oldCookie);
    const after = await h.kit.getSession(h.app.header());
    expect(after!.sessionId).toBe(before.sessionId);
    expect(after!.authTime!).toBeGreaterThan(before.authTime!);
    expect(after!.authTime!).toBeGreaterThanOrEqual(now() - 5);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      user: { email: 'alice@example.com' },
      sessionId: before.sessionId,
      previousAuthTime: before.authTime,
      authTime: after!.authTime,
      returnTo: '/settings/danger',
      requirement: { maxAge: 0 },
    });
    expect(rejections).toEqual([]);
  });

  it('an interactive re-login through the real form also works (max_age forces the form)', async () => {
    await h.signIn({ email: 'bob@example.com', authTime: now() - 600 });
    const start = await h.kit.stepUp(h.request('/'), { maxAge: 60 });
    h.app.store(start);
    const page = await fetch(start.headers.get('location')!, { headers: { cookie: h.idpJar.header() } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form/i);
  });

  async function expectRejected(code: string, start: Response, login: Parameters<Harness['throughIdp']>[1]) {
    const cookieBefore = h.app.get('wos-session');
    const sessionBefore = await h.kit.getSession(h.app.header());
    const callback = await h.throughIdp(start, login);
    const res = await h.kit.handleCallback(callback);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('location')).toBeNull(); // never another redirect
    expect(await res.text()).toContain(code);
    // Only the consumed transaction cookie is touched; the session cookie is byte-for-byte the same.
    const touched = res.headers.getSetCookie().map((c) => c.split('=')[0]);
    expect(touched.every((n) => n!.includes('-tx-'))).toBe(true);
    h.app.store(res);
    expect(h.app.get('wos-session')).toBe(cookieBefore);
    expect(await h.kit.getSession(h.app.header())).toEqual(sessionBefore);
    expect(rejections.at(-1)?.code).toBe(code);
    expect(events).toEqual([]);
  }

  it('rejects an IdP that ignored max_age (stale auth_time): step_up_stale', async () => {
    const { start } = await startStepUp({ maxAge: 0 });
    await expectRejected('step_up_stale', start, { authTime: now() - 120 });
  });

  it('rejects a step-up answered by another account: step_up_user_mismatch', async () => {
    const { start } = await startStepUp();
    await expectRejected('step_up_user_mismatch', start, { email: 'bob@example.com' });
  });

  it('rejects a step-up without the requested MFA: step_up_mfa_missing', async () => {
    const { start } = await startStepUp({ mfa: true, maxAge: 300 }, { email: 'bob@example.com' });
    await expectRejected('step_up_mfa_missing', start, {});
  });

  it('accepts MFA shown by two factor classes without an explicit mfa value', async () => {
    const { start } = await startStepUp({ mfa: true }, { amr: ['pwd'] });
    const done = await h.kit.handleCallback(await h.throughIdp(start, { amr: ['pwd', 'otp'] }));
    expect(done.status).toBe(302);
    h.app.store(done);
    expect((await h.kit.getSession(h.app.header()))!.amr).toEqual(['pwd', 'otp']);
  });

  it('a signed-out step-up becomes a sign-in', async () => {
    const start = await h.kit.stepUp(h.request('/'), { maxAge: 0, returnTo: '/billing' });
    const url = new URL(start.headers.get('location')!);
    expect(url.searchParams.has('max_age')).toBe(false);
    const done = await h.kit.handleCallback(await h.throughIdp(start, {}));
    expect(done.headers.get('location')).toBe('/billing');
    expect(events).toEqual([]);
  });

  it('parallel tabs: two step-ups in flight complete independently', async () => {
    const { start: first } = await startStepUp({ returnTo: '/a' });
    const second = await h.kit.stepUp(h.request('/'), { returnTo: '/b' });
    const cbSecond = await h.throughIdp(second, {});
    const cbFirst = await h.throughIdp(first, {});
    const doneFirst = await h.kit.handleCallback(cbFirst);
    expect(doneFirst.headers.get('location')).toBe('/a');
    const doneSecond = await h.kit.handleCallback(cbSecond);
    expect(doneSecond.headers.get('location')).toBe('/b');
  });
});

describe('callback rejections (invariant 5)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('missing state, unknown state, provider error and replayed code each have their code', async () => {
    await h.signIn();
    const session = h.app.get('wos-session');
    const cases: Array<[string, string]> = [
      ['/callback?code=abc', 'missing_state'],
      ['/callback?code=abc&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'unknown_state'],
      ['/callback?state=%00%01&code=x', 'unknown_state'],
      ['/callback?%%%=&&&state', 'missing_state'],
    ];
    for (const [path, code] of cases) {
      const res = await h.kit.handleCallback(h.request(path));
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(code);
      expect(res.headers.getSetCookie().some((c) => /^wos-session(\.\d+)?=/.test(c))).toBe(false);
    }
    // error=access_denied from the provider
    const start = await h.kit.signIn(h.request('/'));
    h.app.store(start);
    const state = stateOf(start);
    const denied = await h.kit.handleCallback(h.request(`/callback?error=access_denied&error_description=nope&state=${state}`));
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain('provider_error');
    expect(h.app.get('wos-session')).toBe(session);
  });

  it('a code replayed after success is refused and the session stays', async () => {
    const start = await h.kit.signIn(h.request('/'));
    const callback = await h.throughIdp(start, {});
    const jarBefore = h.app.clone();
    const ok = await h.kit.handleCallback(callback);
    expect(ok.status).toBe(302);
    h.app.store(ok);
    const session = h.app.get('wos-session');
    // Replay with the transaction cookie the attacker captured before it was consumed.
    const replay = await h.kit.handleCallback(new Request(callback.url, { headers: { cookie: jarBefore.header() } }));
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('code_exchange_failed');
    expect(h.app.get('wos-session')).toBe(session);
  });

  it('a transaction from another browser does not match', async () => {
    const start = await h.kit.signIn(h.request('/'));
    const callback = await h.throughIdp(start, {});
    const otherBrowser = await h.kit.handleCallback(new Request(callback.url));
    expect(await otherBrowser.text()).toContain('unknown_state');
  });

  it('onError renders the app’s own page and keeps the transaction cleanup', async () => {
    const start = await h.kit.signIn(h.request('/'));
    h.app.store(start);
    const state = stateOf(start);
    const res = await h.kit.handleCallback(h.request(`/callback?error=access_denied&state=${state}`), {
      onError: ({ error }) => Response.redirect(`${APP}/auth-error?code=${error.code}`, 303),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${APP}/auth-error?code=provider_error`);
    expect(res.headers.getSetCookie().some((c) => c.includes(`-tx-${state}=`) && /Max-Age=0/.test(c))).toBe(true);
  });
});
