import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateStepUp } from '../../src/index.js';
import { startHarness, type Harness } from '../helpers/flow.js';

// SECURITY.md §14: one rule for an auth_time ahead of our clock — `clockTolerance` — at sign-in,
// at the step-up callback and in evaluateStepUp. Attacked with a provider clock that runs fast.

const now = () => Math.floor(Date.now() / 1000);

describe('evaluateStepUp holds a future auth_time to clockTolerance', () => {
  it('50 s ahead does not satisfy maxAge 0 (it used to, for 50 s)', () => {
    const t = now();
    expect(evaluateStepUp({ authTime: t + 50, amr: ['mfa'] }, { maxAge: 0 }, t)).toMatchObject({ satisfied: false, reasons: ['stale'] });
    expect(evaluateStepUp({ authTime: t + 50, amr: ['mfa'] }, { maxAge: 86_400 }, t)).toMatchObject({ satisfied: false, reasons: ['stale'] });
  });

  it('within the tolerance is fresh; the tolerance is the caller’s', () => {
    const t = now();
    expect(evaluateStepUp({ authTime: t + 5, amr: [] }, { maxAge: 0 }, t).satisfied).toBe(true);
    expect(evaluateStepUp({ authTime: t + 6, amr: [] }, { maxAge: 0 }, t).satisfied).toBe(false);
    expect(evaluateStepUp({ authTime: t + 50, amr: [] }, { maxAge: 0 }, t, { clockTolerance: 60 }).satisfied).toBe(true);
  });

  it('an auth_time of 0 or below is no authentication time (not 1970)', async () => {
    const h = await startHarness();
    try {
      await h.signIn({ authTime: 0 });
      const auth = (await h.kit.getSession(h.app.header()))!;
      expect(auth.authTime).toBeUndefined();
      expect(evaluateStepUp(auth, { maxAge: 10 ** 12 }).satisfied).toBe(false);
    } finally {
      await h.close();
    }
  });
});

describe('the callback applies the same tolerance at sign-in and at a step-up', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a sign-in whose auth_time is 50 s ahead is refused (invalid_token), and no session is written', async () => {
    const res = await h.kit.handleCallback(await h.throughIdp(await h.kit.signIn(h.request('/')), { authTime: now() + 50 }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_token');
    expect(res.headers.getSetCookie().some((c) => /^wos-session=[^;]/.test(c))).toBe(false);
  });

  it('a provider clock 10 s fast: refused at the default 5 s, accepted with clockTolerance 30 — at sign-in and at step-up alike', async () => {
    const ahead = () => ({ authTime: now() + 10 });
    const strict = await h.kit.handleCallback(await h.throughIdp(await h.kit.signIn(h.request('/')), ahead()));
    expect(await strict.text()).toContain('invalid_token');
    await h.signIn({ authTime: now() - 3600 });
    const strictStepUp = await h.kit.handleCallback(await h.throughIdp(await h.kit.stepUp(h.request('/')), ahead()));
    expect(await strictStepUp.text()).toContain('invalid_token');

    const kit = h.newKit({ clockTolerance: 30 });
    const stepUp = await kit.handleCallback(await h.throughIdp(await kit.stepUp(h.request('/')), ahead()));
    expect(stepUp.status).toBe(302);
    const signedIn = await kit.handleCallback(await h.throughIdp(await kit.signIn(h.request('/')), ahead()));
    expect(signedIn.status).toBe(302);
  });
});
