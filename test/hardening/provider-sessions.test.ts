import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { unsealData } from 'iron-session';
import { workos, type StepUpEvent } from '../../src/index.js';
import type { ProviderFactory } from '../../src/core/providers/types.js';
import { COOKIE_PASSWORD, SAME_ORIGIN, startHarness, startRecordingHarness, type Harness } from '../helpers/flow.js';

// SECURITY.md §15: a provider session is never left behind — not by a step-up that came back
// in a new provider session, not by a sign-out while the provider's keys are unreachable.

const now = () => Math.floor(Date.now() / 1000);

/** The refresh token inside a sealed session, as someone holding a copy of the old cookie has it. */
async function refreshTokenOf(seal: string): Promise<string> {
  return (await unsealData<{ refreshToken: string }>(seal, { password: COOKIE_PASSWORD })).refreshToken;
}

async function refreshAtIdp(h: Harness, refreshToken: string): Promise<number> {
  const res = await fetch(`${h.idp.url}/user_management/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', client_id: h.idp.clientId, client_secret: h.idp.apiKey, refresh_token: refreshToken }),
  });
  await res.body?.cancel();
  return res.status;
}

describe('a step-up that comes back in a new provider session ends the old one', () => {
  let h: Harness;
  const events: StepUpEvent[] = [];
  beforeEach(async () => {
    h = await startRecordingHarness(events, { email: 'alice@example.com', authTime: now() - 3600 });
  });
  afterEach(() => h.close());

  it('revokes the old session at the provider; a copy of the old cookie can no longer refresh', async () => {
    const before = (await h.kit.getSession(h.app.header()))!;
    const oldCookie = h.app.get('wos-session')!;
    const start = await h.kit.stepUp(h.request('/', { headers: SAME_ORIGIN }), { returnTo: '/keys' });
    // The browser lost the provider's own cookie (restart): the provider opens a new session.
    const done = await h.kit.handleCallback(await h.throughIdp(start, { newSession: true }));
    expect(done.status).toBe(302);
    h.app.store(done);
    const after = (await h.kit.getSession(h.app.header()))!;
    expect(after.sessionId).not.toBe(before.sessionId);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ previousSessionId: before.sessionId, sessionId: after.sessionId, previousSessionEnded: true });
    expect(h.idp.session(before.sessionId)?.status).toBe('revoked');
    expect(await refreshAtIdp(h, await refreshTokenOf(oldCookie))).toBe(400);
    // The new session is untouched.
    expect(await refreshAtIdp(h, await refreshTokenOf(h.app.get('wos-session')!))).toBe(200);
  });

  it('the same provider session is not revoked', async () => {
    const before = (await h.kit.getSession(h.app.header()))!;
    const done = await h.kit.handleCallback(await h.throughIdp(await h.kit.stepUp(h.request('/', { headers: SAME_ORIGIN })), {}));
    expect(done.status).toBe(302);
    expect(events[0]).toMatchObject({ previousSessionId: before.sessionId, sessionId: before.sessionId });
    expect(events[0]!.previousSessionEnded).toBeUndefined();
    expect(h.idp.session(before.sessionId)?.status).toBe('active');
  });

  it('a failed revocation is logged and reported to onStepUp, and the step-up still succeeds', async () => {
    const failing: ProviderFactory = (config) => ({
      ...workos(config),
      endSession: async () => {
        throw new Error('revocation endpoint unreachable');
      },
    });
    const seen: StepUpEvent[] = [];
    const kit = h.newKit({ provider: failing, onStepUp: (e) => void seen.push(e) });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const start = await kit.stepUp(h.request('/', { headers: SAME_ORIGIN }), { returnTo: '/keys' });
      const done = await kit.handleCallback(await h.throughIdp(start, { newSession: true }));
      expect(done.status).toBe(302);
      expect(done.headers.get('location')).toBe('/keys');
      expect(seen[0]).toMatchObject({ previousSessionEnded: false, previousSessionEndError: 'revocation endpoint unreachable' });
      expect(logged.mock.calls.flat().join(' ')).toContain('could not be ended');
    } finally {
      logged.mockRestore();
    }
  });
});

describe('sign-out ends the provider session even when its keys cannot be fetched', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a process that never cached the JWKS still sends the session id to the provider', async () => {
    await h.signIn({ email: 'alice@example.com' });
    const { sessionId } = (await h.kit.getSession(h.app.header()))!;
    const keysDown: ProviderFactory = (config) => ({
      ...workos(config),
      verifyAccessToken: async () => ({ ok: false, reason: 'unavailable', error: new Error('JWKS unreachable') }),
    });
    const fresh = h.newKit({ provider: keysDown });
    const res = await fresh.handleAuthRoute(h.request('/callback?authkit=sign-out&returnTo=%2F', { headers: SAME_ORIGIN }));
    expect(res.status).toBe(302);
    const logout = new URL(res.headers.get('location')!);
    expect(logout.pathname).toBe('/user_management/sessions/logout');
    expect(logout.searchParams.get('session_id')).toBe(sessionId);
    expect(res.headers.getSetCookie().some((c) => /^wos-session=;/.test(c) || /^wos-session=.*Max-Age=0/.test(c))).toBe(true);
  });
});
